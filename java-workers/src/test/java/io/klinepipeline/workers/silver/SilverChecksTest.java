package io.klinepipeline.workers.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The silver checks against the real PostgreSQL: bronze rows with known faults, and exactly those named. */
class SilverChecksTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final CanonicalPair BTC_USDT = new CanonicalPair("BTC", "USDT");
    /** Every venue of the test and its native symbol for BTC-USDT. */
    private static final Map<String, String> VENUES = venues();

    private Database database;

    private static Map<String, String> venues() {
        Map<String, String> venues = new LinkedHashMap<>();
        venues.put("binance", "BTCUSDT");
        venues.put("bybit", "BTCUSDT");
        venues.put("kraken", "XBT/USDT");
        venues.put("okx", "BTC-USDT");
        return venues;
    }

    @BeforeEach
    void setUp() {
        database = TestDatabases.migrated();
    }

    private static Instant minute(int n) {
        return T0.plusSeconds(60L * n);
    }

    /** Silver over the first {@code count} venues, closes bound by 2 % (the default), window 10:00-10:10 at 10:10:30. */
    private SilverChecks run(int count) throws Exception {
        return run(count, new TimeWindow(minute(0), minute(10)));
    }

    private SilverChecks run(int count, TimeWindow window) throws Exception {
        Map<String, ExchangeConfig> exchanges = new LinkedHashMap<>();
        VENUES.entrySet().stream().limit(count).forEach(v -> exchanges.put(v.getKey(), new ExchangeConfig(v.getKey(),
                URI.create("wss://" + v.getKey() + ".example"), URI.create("https://" + v.getKey() + ".example"),
                List.of(new PairConfig(v.getValue(), BTC_USDT)))));
        PipelineConfig config = BronzeRows.config(exchanges);
        SilverReport report = new SilverJob(config, name -> SourcePrecedence.WEBSOCKET_FIRST, database,
                Clock.fixed(minute(10).plusSeconds(30), ZoneOffset.UTC)).run(BTC_USDT, window);
        return report.checks();
    }

    /** Ten final minutes of every one of the first {@code count} venues, close 105 unless {@code closes} says otherwise. */
    private void tenMinutes(int count, Map<String, Map<Integer, Double>> closes) throws Exception {
        List<Row> rows = new ArrayList<>();
        VENUES.entrySet().stream().limit(count).forEach(v -> {
            for (int m = 0; m < 10; m++) {
                double close = closes.getOrDefault(v.getKey(), Map.of()).getOrDefault(m, 105.0);
                rows.add(Row.final1m(v.getKey(), v.getValue(), minute(m), "websocket").close(close));
            }
        });
        BronzeRows.insert(database, rows.toArray(Row[]::new));
    }

    @Test
    void aVenueWhoseCloseDivergesFromTheOthersMedianIsNamedWithExactlyThoseMinutes() throws Exception {
        // 108 is 2.9 % above the others' 105; okx's 106 at 10:05 is 0.95 % off, within the bound.
        tenMinutes(4, Map.of("kraken", Map.of(3, 108.0, 7, 108.0), "okx", Map.of(5, 106.0)));

        SilverChecks checks = run(4);

        assertThat(checks.venues()).isEqualTo(4);
        assertThat(checks.divergentVenues()).extracting(VenueDivergence::exchange, VenueDivergence::minutes, VenueDivergence::firstMinutes)
                .containsExactly(tuple("kraken", 2L, List.of(minute(3), minute(7))));
        assertThat(checks.divergentVenues().get(0).maxDivergence()).isCloseTo(3.0 / 105, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(checks.inconsistentRows().isEmpty()).isTrue();
        assertThat(checks.duplicateKeys()).isEqualTo(new io.klinepipeline.workers.report.Offending<DuplicateKey>(0, List.of()));
    }

    @Test
    void withTwoVenuesEachIsComparedWithTheOtherSoADivergenceNamesBoth() throws Exception {
        tenMinutes(2, Map.of("bybit", Map.of(9, 100.0)));

        SilverChecks checks = run(2);

        assertThat(checks.divergentVenues()).extracting(VenueDivergence::exchange, VenueDivergence::firstMinutes)
                .containsExactly(tuple("binance", List.of(minute(9))), tuple("bybit", List.of(minute(9))));
    }

    @Test
    void withThreeVenuesEachIsComparedWithTheMeanOfTheOtherTwo() throws Exception {
        // At 10:02: binance 100, bybit 104, kraken 106. binance against (104 + 106) / 2 = 105: 4.8 %;
        // bybit against (100 + 106) / 2 = 103: 0.97 %, within the bound; kraken against (100 + 104) / 2 = 102: 3.9 %.
        tenMinutes(3, Map.of("binance", Map.of(2, 100.0), "bybit", Map.of(2, 104.0), "kraken", Map.of(2, 106.0)));

        SilverChecks checks = run(3);

        assertThat(checks.divergentVenues()).extracting(VenueDivergence::exchange, VenueDivergence::firstMinutes)
                .containsExactly(tuple("binance", List.of(minute(2))), tuple("kraken", List.of(minute(2))));
        assertThat(checks.divergentVenues().get(0).maxDivergence()).isCloseTo(5.0 / 105, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(checks.divergentVenues().get(1).maxDivergence()).isCloseTo(4.0 / 102, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void withOneVenueThereIsNothingToCompareAndTheCheckPasses() throws Exception {
        tenMinutes(1, Map.of("binance", Map.of(4, 50.0)));

        SilverChecks checks = run(1);

        assertThat(checks.venues()).isEqualTo(1);
        assertThat(checks.divergentVenues()).isEmpty();
    }

    @Test
    void rowsBreakingTheOhlcOrderOrWithNegativeVolumeAreNamed() throws Exception {
        BronzeRows.insert(database,
                Row.final1m("binance", "BTCUSDT", minute(1), "websocket"),
                Row.final1m("binance", "BTCUSDT", minute(4), "websocket").close(120),   // above high 110
                Row.final1m("bybit", "BTCUSDT", minute(4), "websocket").close(89),      // below low 90
                Row.final1m("bybit", "BTCUSDT", minute(6), "websocket").volume(-1),
                Row.final1m("bybit", "BTCUSDT", minute(7), "websocket").close(110));    // at high: consistent

        SilverChecks checks = run(2);

        assertThat(checks.inconsistentRows().count()).isEqualTo(3);
        assertThat(checks.inconsistentRows().first()).extracting(SilverRow::exchange, SilverRow::intervalStart, SilverRow::close,
                SilverRow::volume).containsExactly(
                        tuple("binance", minute(4), 120.0, 2.0),
                        tuple("bybit", minute(4), 89.0, 2.0),
                        tuple("bybit", minute(6), 105.0, -1.0));
    }

    @Test
    void aNanOrInfiniteValueIsInconsistentThoughPostgresSortsNanAboveEveryNumber() throws Exception {
        BronzeRows.insert(database,
                Row.final1m("binance", "BTCUSDT", minute(1), "websocket").high(Double.NaN),
                Row.final1m("binance", "BTCUSDT", minute(2), "websocket").volume(Double.NaN),
                Row.final1m("binance", "BTCUSDT", minute(3), "websocket").high(Double.POSITIVE_INFINITY),
                Row.final1m("binance", "BTCUSDT", minute(4), "websocket"));

        SilverChecks checks = run(1);

        assertThat(checks.inconsistentRows().first()).extracting(SilverRow::intervalStart)
                .containsExactly(minute(1), minute(2), minute(3));
    }

    @Test
    void freshnessNamesTheVenuesWhoseNewestMinuteIsOlderThanTheBoundOrAbsent() throws Exception {
        // At 10:10:30, bound 10 minutes: binance's newest minute ended 10:10, kraken's 10:01 (570 s
        // ago), bybit's 10:00 (630 s ago, merged by an earlier run of the hour before), okx has none.
        tenMinutes(1, Map.of());
        BronzeRows.insert(database, Row.final1m("bybit", "BTCUSDT", minute(-1), "websocket"),
                Row.final1m("kraken", "XBT/USDT", minute(0), "rest"));
        run(4, new TimeWindow(minute(-60), minute(0)));

        SilverChecks checks = run(4);

        SilverFreshness freshness = checks.freshness();
        assertThat(freshness.bound()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(freshness.newestEnd()).containsExactly(
                Map.entry("binance", java.util.Optional.of(minute(10))),
                Map.entry("bybit", java.util.Optional.of(minute(0))),
                Map.entry("kraken", java.util.Optional.of(minute(1))),
                Map.entry("okx", java.util.Optional.empty()));
        assertThat(freshness.lag("bybit")).contains(java.time.Duration.ofSeconds(630));
        // bybit's newest minute is older than any window this run merged: freshness is about the table, not the window.
        assertThat(freshness.staleVenues()).containsExactly("bybit", "okx");
    }

    @Test
    void theListOfOffendersIsBoundedButTheCountIsNot() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int m = 0; m < 60; m++) {
            rows.add(Row.final1m("binance", "BTCUSDT", minute(m), "websocket").volume(-m - 1));
        }
        BronzeRows.insert(database, rows.toArray(Row[]::new));
        Map<String, ExchangeConfig> exchanges = Map.of("binance", new ExchangeConfig("binance", URI.create("wss://b.example"),
                URI.create("https://b.example"), List.of(new PairConfig("BTCUSDT", BTC_USDT))));
        SilverReport report = new SilverJob(BronzeRows.config(exchanges),
                name -> SourcePrecedence.WEBSOCKET_FIRST, database, Clock.fixed(minute(61), ZoneOffset.UTC))
                .run(BTC_USDT, new TimeWindow(minute(0), minute(60)));

        assertThat(report.checks().inconsistentRows().count()).isEqualTo(60);
        assertThat(report.checks().inconsistentRows().first()).hasSize(50).first().extracting(SilverRow::intervalStart).isEqualTo(minute(0));
    }

    @Test
    void thePreviewHoldsTheLastFiveCandlesOfEachVenue() throws Exception {
        tenMinutes(2, Map.of());

        SilverChecks checks = run(2);

        assertThat(checks.latest()).extracting(SilverRow::exchange, SilverRow::intervalStart).containsExactly(
                tuple("binance", minute(5)), tuple("binance", minute(6)), tuple("binance", minute(7)), tuple("binance", minute(8)),
                tuple("binance", minute(9)),
                tuple("bybit", minute(5)), tuple("bybit", minute(6)), tuple("bybit", minute(7)), tuple("bybit", minute(8)),
                tuple("bybit", minute(9)));
        assertThat(Set.copyOf(checks.latest().stream().map(SilverRow::source).toList())).containsExactly("websocket");
    }
}
