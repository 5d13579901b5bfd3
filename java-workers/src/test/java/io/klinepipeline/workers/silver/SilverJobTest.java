package io.klinepipeline.workers.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.config.ConfigException;
import io.klinepipeline.config.ExchangeConfig;
import io.klinepipeline.config.PairConfig;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import io.klinepipeline.workers.silver.BronzeRows.Row;
import io.klinepipeline.workers.window.TimeWindow;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import io.klinepipeline.exchange.SourcePrecedence;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SilverJobTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    /** Inside minute 12: minutes 0-10 are over and due (a minute is due 65 s after it ends, once its capture's file finished). */
    private static final Instant NOW = minute(12).plusSeconds(30);
    private static final CanonicalPair BTC_USDT = new CanonicalPair("BTC", "USDT");
    private static final CanonicalPair ETH_USDT = new CanonicalPair("ETH", "USDT");

    private Database database;
    private PipelineConfig config;

    @BeforeEach
    void setUp() {
        database = TestDatabases.migrated();
        // Two exchanges list BTC-USDT under different native symbols; silver knows neither's format.
        Map<String, ExchangeConfig> exchanges = new LinkedHashMap<>();
        exchanges.put("binance", new ExchangeConfig("binance", URI.create("wss://stream.binance.com:9443"),
                URI.create("https://api.binance.com"),
                List.of(new PairConfig("BTCUSDT", BTC_USDT), new PairConfig("ETHUSDT", ETH_USDT))));
        exchanges.put("kraken", new ExchangeConfig("kraken", URI.create("wss://ws.kraken.com/v2"),
                URI.create("https://api.kraken.com"), List.of(new PairConfig("XBT/USDT", BTC_USDT))));
        config = BronzeRows.config(exchanges);
    }

    private static Instant minute(int n) {
        return T0.plusSeconds(60L * n);
    }

    private SilverReport run(CanonicalPair pair, TimeWindow window) throws Exception {
        return new SilverJob(config, precedence::get, database, Clock.fixed(NOW, ZoneOffset.UTC)).run(pair, window);
    }

    /** Binance's own closed candle beats REST; "kraken" here stands for a venue whose WebSocket candle is built from trades. */
    private final Map<String, SourcePrecedence> precedence = Map.of(
            "binance", SourcePrecedence.WEBSOCKET_FIRST, "kraken", SourcePrecedence.REST_FIRST);

    @Test
    void eachExchangesPreferredSourceWinsEvenOverALaterRowOfTheOther() throws Exception {
        BronzeRows.insert(database,
                Row.final1m("binance", "BTCUSDT", minute(0), "websocket").close(100),
                Row.final1m("binance", "BTCUSDT", minute(0), "rest").close(200).ingestedAt(minute(30)),
                Row.final1m("kraken", "XBT/USDT", minute(0), "rest").close(300),
                Row.final1m("kraken", "XBT/USDT", minute(0), "websocket").close(400).ingestedAt(minute(30)));

        run(BTC_USDT, tenMinutes());

        assertThat(facts()).extracting(Fact::exchange, Fact::close, Fact::source).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("binance", 100.0, "websocket"),
                        org.assertj.core.groups.Tuple.tuple("kraken", 300.0, "rest"));
    }

    private static TimeWindow tenMinutes() {
        return new TimeWindow(minute(0), minute(10));
    }

    /** A silver row as stored. */
    record Fact(String exchange, String symbol, String quoteAsset, Instant start, Instant end, double close, double volume,
            Double quoteVolume, Integer tradeCount, Double vwap, String source, Instant ingestionTs) {}

    private List<Fact> facts() throws Exception {
        try (Connection c = database.connect();
                PreparedStatement s = c.prepareStatement("SELECT exchange, symbol, quote_asset, interval_start, interval_end,"
                        + " close, volume, quote_volume, trade_count, vwap, source, ingestion_ts FROM silver.fact_ohlcv"
                        + " ORDER BY exchange, interval_start");
                ResultSet rs = s.executeQuery()) {
            List<Fact> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Fact(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getObject(5, OffsetDateTime.class).toInstant(),
                        rs.getDouble(6), rs.getDouble(7), rs.getObject(8, Double.class), rs.getObject(9, Integer.class),
                        rs.getObject(10, Double.class), rs.getString(11), rs.getObject(12, OffsetDateTime.class).toInstant()));
            }
            return out;
        }
    }

    private Fact fact(String exchange, Instant start) throws Exception {
        return facts().stream().filter(f -> f.exchange().equals(exchange) && f.start().equals(start)).findFirst().orElseThrow();
    }

    @Test
    void picksWebsocketFinalOverRestThenTheLatestIngestionAndIgnoresNonFinalRows() throws Exception {
        Row m0 = Row.final1m("binance", "BTCUSDT", minute(0), "websocket").close(100);
        Row m1 = Row.final1m("binance", "BTCUSDT", minute(1), "websocket").close(101);
        Row m2 = Row.final1m("binance", "BTCUSDT", minute(2), "rest").close(102);
        BronzeRows.insert(database,
                m0, Row.final1m("binance", "BTCUSDT", minute(0), "rest").close(200).ingestedAt(minute(30)),
                m1, m1.close(111).ingestedAt(m1.ingestionTs().plusSeconds(5)), m1.close(99).ingestedAt(m1.ingestionTs().minusSeconds(5)),
                m2, Row.final1m("binance", "BTCUSDT", minute(2), "websocket").close(202).nonFinal().ingestedAt(minute(40)),
                Row.final1m("binance", "BTCUSDT", minute(3), "websocket").nonFinal());

        SilverReport report = run(BTC_USDT, tenMinutes());

        assertThat(report.candidates()).isEqualTo(3);
        assertThat(report.inserted()).isEqualTo(3);
        assertThat(facts()).extracting(Fact::start, Fact::close, Fact::source).containsExactly(
                org.assertj.core.groups.Tuple.tuple(minute(0), 100.0, "websocket"),   // websocket beats a later rest row
                org.assertj.core.groups.Tuple.tuple(minute(1), 111.0, "websocket"),   // the latest of equals wins
                org.assertj.core.groups.Tuple.tuple(minute(2), 102.0, "rest"));       // a non-final websocket row never counts
        assertThat(fact("binance", minute(1)).ingestionTs()).isEqualTo(m1.ingestionTs().plusSeconds(5));
    }

    @Test
    void breaksFullTiesOnTheGreatestVolume() throws Exception {
        Row base = Row.final1m("binance", "BTCUSDT", minute(4), "websocket");
        BronzeRows.insert(database, base.volume(5).close(1), base.volume(7).close(2), base.volume(6).close(3));

        run(BTC_USDT, tenMinutes());

        assertThat(fact("binance", minute(4))).extracting(Fact::volume, Fact::close).containsExactly(7.0, 2.0);
    }

    @Test
    void writesTheCanonicalSymbolQuoteAssetAndBronzeQuoteVolume() throws Exception {
        BronzeRows.insert(database,
                Row.final1m("binance", "BTCUSDT", minute(0), "websocket").quote(1313200.0134041, 617, 60705.2),
                Row.final1m("kraken", "XBT/USDT", minute(0), "rest").quote(null, null, null),
                Row.final1m("binance", "ETHUSDT", minute(0), "websocket"),            // another pair
                Row.final1m("binance", "BTCUSDT", minute(10), "websocket"));          // outside the window

        SilverReport report = run(BTC_USDT, tenMinutes());

        assertThat(report.candidates()).isEqualTo(2);
        List<Fact> facts = facts();
        assertThat(facts).hasSize(2);
        assertThat(facts).allSatisfy(f -> {
            assertThat(f.symbol()).isEqualTo("BTC-USDT");
            assertThat(f.quoteAsset()).isEqualTo("USDT");
            assertThat(f.end()).isEqualTo(minute(1));
        });
        Fact binance = fact("binance", minute(0));
        assertThat(binance.quoteVolume()).isEqualTo(1313200.0134041);
        assertThat(binance.tradeCount()).isEqualTo(617);
        assertThat(binance.vwap()).isEqualTo(60705.2);
        Fact kraken = fact("kraken", minute(0));
        assertThat(kraken.quoteVolume()).isNull();
        assertThat(kraken.tradeCount()).isNull();
        assertThat(kraken.source()).isEqualTo("rest");
    }

    @Test
    void aRerunChangesNothingAndCountsEveryRowUnchanged() throws Exception {
        for (int m = 0; m < 8; m++) {
            BronzeRows.insert(database, Row.final1m("binance", "BTCUSDT", minute(m), "websocket"),
                    Row.final1m("binance", "BTCUSDT", minute(m), "rest").ingestedAt(minute(20)));
        }
        BronzeRows.insert(database, Row.final1m("kraken", "XBT/USDT", minute(0), "websocket"));
        assertThat(run(BTC_USDT, tenMinutes())).extracting(SilverReport::candidates, SilverReport::inserted,
                SilverReport::updated, SilverReport::unchanged).containsExactly(9L, 9L, 0L, 0L);
        List<Fact> before = facts();

        SilverReport again = run(BTC_USDT, tenMinutes());

        assertThat(again).extracting(SilverReport::candidates, SilverReport::inserted, SilverReport::updated,
                SilverReport::unchanged).containsExactly(9L, 0L, 0L, 9L);
        assertThat(facts()).isEqualTo(before);
    }

    @Test
    void aChangedBronzeRowCountsAsUpdated() throws Exception {
        for (int m = 0; m < 5; m++) {
            BronzeRows.insert(database, Row.final1m("binance", "BTCUSDT", minute(m), "rest"));
        }
        run(BTC_USDT, tenMinutes());
        Row closing = Row.final1m("binance", "BTCUSDT", minute(3), "websocket").close(123.45).ingestedAt(minute(4).plusSeconds(1));
        BronzeRows.insert(database, closing);

        SilverReport report = run(BTC_USDT, tenMinutes());

        assertThat(report).extracting(SilverReport::candidates, SilverReport::inserted, SilverReport::updated,
                SilverReport::unchanged).containsExactly(5L, 0L, 1L, 4L);
        assertThat(fact("binance", minute(3))).extracting(Fact::close, Fact::source, Fact::ingestionTs)
                .containsExactly(123.45, "websocket", closing.ingestionTs());
    }

    @Test
    void countsMinutesStillMissingPerExchange() throws Exception {
        for (int m = 0; m < 10; m++) {
            if (m != 2 && m != 3) {
                BronzeRows.insert(database, Row.final1m("binance", "BTCUSDT", minute(m), "websocket"));
            }
        }
        BronzeRows.insert(database,
                Row.final1m("binance", "BTCUSDT", minute(3), "websocket").nonFinal(),  // not final: still missing
                Row.final1m("binance", "ETHUSDT", minute(2), "websocket"),             // another pair fills nothing
                Row.final1m("kraken", "XBT/USDT", minute(0), "rest"),
                Row.final1m("kraken", "XBT/USDT", minute(9), "websocket"));
        // At 10:12:30: 10 ended 90 s ago and counts; 11 ended 30 s ago, in a file the engine may still
        // be writing, and 12 is open: neither counts as missing yet.
        SilverReport report = run(BTC_USDT, new TimeWindow(minute(0), minute(13)));

        assertThat(report.missingMinutesByExchange()).containsExactly(Map.entry("binance", 3L), Map.entry("kraken", 9L));
        assertThat(report.firstMissingMinutesByExchange()).as("which minutes, per venue").containsExactly(
                Map.entry("binance", List.of("2026-11-24T10:02:00Z", "2026-11-24T10:03:00Z", "2026-11-24T10:10:00Z")),
                Map.entry("kraken", List.of(1, 2, 3, 4, 5, 6, 7, 8, 10).stream().map(m -> minute(m).toString()).toList()));
    }

    @Test
    void aMinuteRestFoundEmptyIsNotMissing() throws Exception {
        try (Connection c = database.connect()) {
            c.createStatement().execute("INSERT INTO bronze.rest_checked_minutes VALUES"
                    + " ('binance', 'BTCUSDT', 60, '" + minute(4) + "', now()),"
                    + " ('binance', 'ETHUSDT', 60, '" + minute(5) + "', now())");
        }

        SilverReport report = run(BTC_USDT, tenMinutes());

        assertThat(report.missingMinutesByExchange())
                .as("binance's empty 10:04 is not missing; ETHUSDT's 10:05 says nothing about BTC-USDT")
                .containsExactly(Map.entry("binance", 9L), Map.entry("kraken", 10L));
    }

    @Test
    void anExchangeWithNoRowsMissesEveryMinuteThatIsOver() throws Exception {
        SilverReport report = run(BTC_USDT, tenMinutes());

        assertThat(report.candidates()).isZero();
        assertThat(report.missingMinutesByExchange()).containsExactly(Map.entry("binance", 10L), Map.entry("kraken", 10L));
        assertThat(report.summary()).contains(SilverReport.SELECTION_RULE);
    }

    @Test
    void refusesAPairNoExchangeLists() {
        assertThatThrownBy(() -> run(new CanonicalPair("DOGE", "USDT"), tenMinutes()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DOGE-USDT");
    }
}
