package io.klinepipeline.workers.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.config.ExchangeConfig;
import io.klinepipeline.config.PairConfig;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.exchange.SourcePrecedence;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import io.klinepipeline.workers.silver.BronzeRows.Row;
import io.klinepipeline.workers.window.TimeWindow;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rerun of a window wholly over whose inputs have not changed since its last merge is reported
 * from that merge's mark without merging (sql/V5, {@link SilverMarks}); every way bronze can
 * change under a mark makes the rerun merge again.
 */
class SilverMarksTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    /** Minutes 0-10 are over and due: the ten-minute window is wholly due, so it is marked. */
    private static final Instant NOW = minute(12).plusSeconds(30);
    private static final CanonicalPair BTC_USDT = new CanonicalPair("BTC", "USDT");
    private static final TimeWindow TEN_MINUTES = new TimeWindow(minute(0), minute(10));

    private Database database;
    private PipelineConfig config;
    private final Map<String, SourcePrecedence> precedence = Map.of(
            "binance", SourcePrecedence.WEBSOCKET_FIRST, "kraken", SourcePrecedence.REST_FIRST);

    @BeforeEach
    void setUp() throws Exception {
        database = TestDatabases.migrated();
        Map<String, ExchangeConfig> exchanges = new LinkedHashMap<>();
        exchanges.put("binance", new ExchangeConfig("binance", URI.create("wss://stream.binance.com:9443"),
                URI.create("https://api.binance.com"), List.of(new PairConfig("BTCUSDT", BTC_USDT))));
        exchanges.put("kraken", new ExchangeConfig("kraken", URI.create("wss://ws.kraken.com/v2"),
                URI.create("https://api.kraken.com"), List.of(new PairConfig("XBT/USDT", BTC_USDT))));
        config = BronzeRows.config(exchanges);
        // Every minute of the window from both venues but binance's minute 3.
        List<Row> rows = new ArrayList<>();
        for (int m = 0; m < 10; m++) {
            if (m != 3) {
                rows.add(Row.final1m("binance", "BTCUSDT", minute(m), "websocket"));
            }
            rows.add(Row.final1m("kraken", "XBT/USDT", minute(m), "websocket"));
        }
        BronzeRows.insert(database, rows.toArray(Row[]::new));
    }

    private static Instant minute(int n) {
        return T0.plusSeconds(60L * n);
    }

    private SilverReport run() throws Exception {
        return new SilverJob(config, precedence::get, database, Clock.fixed(NOW, ZoneOffset.UTC)).run(BTC_USDT, TEN_MINUTES);
    }

    @Test
    void aRerunOverUnchangedBronzeReportsWhatTheMergeFoundFromItsMark() throws Exception {
        SilverReport first = run();
        assertThat(first.inserted()).isEqualTo(19);
        // Proof that the rerun reads the mark: a count only the mark holds comes back.
        sql("UPDATE silver.merge_marks SET report = jsonb_set(report, '{candidates}', '1234')");

        SilverReport again = run();

        assertThat(again.candidates()).isEqualTo(1234);
        assertThat(again.inserted()).isZero();
        assertThat(again.updated()).isZero();
        assertThat(again.missingByExchange()).isEqualTo(first.missingByExchange());
        assertThat(again.checks()).usingRecursiveComparison().ignoringFields("freshness").isEqualTo(first.checks());
        assertThat(again.checks().freshness()).isEqualTo(first.checks().freshness());
    }

    @Test
    void aLateRestFillIsMergedByTheRerun() throws Exception {
        assertThat(run().missingMinutesByExchange()).containsEntry("binance", 1L);

        BronzeRows.insert(database, Row.final1m("binance", "BTCUSDT", minute(3), "rest").close(333),
                // Kraken prefers REST over its trade-built websocket candle: this one replaces minute 5.
                Row.final1m("kraken", "XBT/USDT", minute(5), "rest").close(555));
        SilverReport again = run();

        assertThat(again.missingMinutesByExchange()).containsEntry("binance", 0L);
        assertThat(again.inserted()).isEqualTo(1);
        assertThat(again.updated()).isEqualTo(1);
        assertThat(close("binance", 3)).isEqualTo(333);
        assertThat(close("kraken", 5)).isEqualTo(555);
    }

    @Test
    void aMinuteThatBecomesFinalLaterIsMergedByTheRerun() throws Exception {
        BronzeRows.insert(database, Row.final1m("binance", "BTCUSDT", minute(3), "websocket").close(301).nonFinal());
        assertThat(run().missingMinutesByExchange()).containsEntry("binance", 1L);

        BronzeRows.insert(database, Row.final1m("binance", "BTCUSDT", minute(3), "websocket").close(303));
        SilverReport again = run();

        assertThat(again.missingMinutesByExchange()).containsEntry("binance", 0L);
        assertThat(close("binance", 3)).isEqualTo(303);
    }

    @Test
    void aBronzeRowDeletedAfterTheMergeIsNoticedByTheRerun() throws Exception {
        BronzeRows.insert(database, Row.final1m("binance", "BTCUSDT", minute(4), "rest").close(444));
        run();
        assertThat(close("binance", 4)).as("binance's own websocket candle beats REST").isEqualTo(105);

        // A reload that no longer has minute 4's websocket candle: only the REST fill is left.
        sql("DELETE FROM bronze.bronze_ohclv_native WHERE exchange = 'binance' AND interval_start = '" + minute(4)
                + "' AND source = 'websocket'");
        SilverReport again = run();

        assertThat(again.updated()).isEqualTo(1);
        assertThat(close("binance", 4)).isEqualTo(444);
    }

    @Test
    void aMinuteBronzeRestFoundEmptyIsNoLongerMissingOnTheRerun() throws Exception {
        assertThat(run().missingMinutesByExchange()).containsEntry("binance", 1L);

        sql("INSERT INTO bronze.rest_checked_minutes (exchange, symbol, interval_seconds, interval_start, checked_at)"
                + " VALUES ('binance', 'BTCUSDT', 60, '" + minute(3) + "', now())");

        assertThat(run().missingMinutesByExchange()).containsEntry("binance", 0L);
    }

    @Test
    void silverWrittenOutsideTheMergeIsPutRightByTheRerun() throws Exception {
        run();
        sql("UPDATE silver.fact_ohlcv SET close = -1 WHERE exchange = 'kraken' AND interval_start = '" + minute(2) + "'");

        SilverReport again = run();

        assertThat(again.updated()).isEqualTo(1);
        assertThat(close("kraken", 2)).isEqualTo(105);
    }

    /**
     * A load that took its transaction id before the merge read bronze and committed after it: a
     * mark that were a high-water mark of ids (or of a sequence) would count its row as merged.
     */
    @Test
    void aLoadCommittedAfterTheMergeBeganIsMergedByTheRerunThoughItsIdIsOlder() throws Exception {
        try (Connection load = database.connect()) {
            load.setAutoCommit(false);
            try (Statement s = load.createStatement()) {
                s.execute("INSERT INTO bronze.bronze_ohclv_native (exchange, symbol, interval_seconds, interval_start, interval_end,"
                        + " open, high, low, close, volume, source, ingestion_ts, is_final) VALUES ('binance', 'BTCUSDT', 60, '"
                        + minute(3) + "', '" + minute(4) + "', 100, 110, 90, 333, 2, 'rest', now(), true)");
            }
            // A load that takes its id after it and commits first, inside the window: the merge sees it.
            sql("INSERT INTO bronze.bronze_ohclv_native (exchange, symbol, interval_seconds, interval_start, interval_end,"
                    + " open, high, low, close, volume, source, ingestion_ts, is_final) VALUES ('kraken', 'XBT/USDT', 60, '"
                    + minute(5) + "', '" + minute(6) + "', 100, 110, 90, 555, 2, 'rest', now(), true)");
            SilverReport merged = run();
            assertThat(merged.missingMinutesByExchange()).as("the first load is not committed yet").containsEntry("binance", 1L);
            assertThat(close("kraken", 5)).isEqualTo(555);
            load.commit();
        }

        SilverReport again = run();

        assertThat(again.missingMinutesByExchange()).containsEntry("binance", 0L);
        assertThat(close("binance", 3)).isEqualTo(333);
    }

    @Test
    void aRunThatFailsBeforeItCommitsLeavesNeitherSilverRowsNorAMark() throws Exception {
        sql("CREATE FUNCTION public.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;"
                + " CREATE TRIGGER refuse BEFORE INSERT ON silver.merge_marks FOR EACH ROW EXECUTE FUNCTION public.refuse()");
        assertThatThrownBy(this::run).hasMessageContaining("refused");
        assertThat(count("silver.fact_ohlcv")).isZero();
        assertThat(count("silver.merge_marks")).isZero();

        sql("DROP TRIGGER refuse ON silver.merge_marks");
        SilverReport again = run();

        assertThat(again.inserted()).isEqualTo(19);
        assertThat(count("silver.merge_marks")).isEqualTo(1);
    }

    @Test
    void aWindowNotWhollyOverIsMergedEveryTimeAndNeverMarked() throws Exception {
        TimeWindow hour = new TimeWindow(minute(0), minute(60));
        SilverJob job = new SilverJob(config, precedence::get, database, Clock.fixed(NOW, ZoneOffset.UTC));
        job.run(BTC_USDT, hour);
        BronzeRows.insert(database, Row.final1m("binance", "BTCUSDT", minute(3), "rest").close(333));

        assertThat(job.run(BTC_USDT, hour).inserted()).isEqualTo(1);
        assertThat(count("silver.merge_marks")).isZero();
    }

    private double close(String exchange, int minute) throws Exception {
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT close FROM silver.fact_ohlcv WHERE exchange = '" + exchange
                        + "' AND interval_start = '" + minute(minute) + "'")) {
            assertThat(rs.next()).as("silver holds %s minute %d", exchange, minute).isTrue();
            return rs.getDouble(1);
        }
    }

    private long count(String table) throws Exception {
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void sql(String statement) throws Exception {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
