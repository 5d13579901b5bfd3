package io.klinepipeline.workers.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.config.ConfigException;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.exchange.RestKlineApi;
import io.klinepipeline.exchange.RestKlineApi.RateLimitAdvice;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.report.Offending;
import io.klinepipeline.workers.db.TestDatabases;
import io.klinepipeline.workers.window.TimeWindow;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BronzeRestJobTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    /** Inside minute 30: minutes 0-29 are over, minute 30 is still open. */
    private static final Instant NOW = minute(30).plusSeconds(30);
    private static final String TOO_MANY = "{\"code\":-1003,\"msg\":\"Too many requests; current limit of IP is 6000 request weight per 1 MINUTE.\"}";

    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Database database;
    private BronzeFixture bronze;
    private FakeBinanceServer binance;
    private PipelineConfig config;

    @BeforeEach
    void setUp() throws Exception {
        database = TestDatabases.migrated();
        bronze = new BronzeFixture(database);
        binance = FakeBinanceServer.start();
        config = PipelineConfig.parse("""
                exchanges:
                  binance:
                    ws_url: wss://stream.binance.com:9443
                    rest_url: %s
                    pairs: [BTCUSDT, ETHUSDT]
                    canonical: {BTCUSDT: BTC-USDT, ETHUSDT: ETH-USDT}
                partitions: {start: "2026-11-01T00:00:00Z"}
                # A minute is due 1 s + 5 s after it ends: these tests are about the exchange's answers;
                # aMinuteWhoseCaptureFileMayStillBeOpenIsNotAskedForYet tests the default lag.
                engine: {roll_max_age_seconds: 1}
                """.formatted(binance.baseUrl()), Path.of("."), ExchangeRegistry.standard());
    }

    @AfterEach
    void tearDown() {
        binance.close();
    }

    private static Instant minute(int n) {
        return T0.plusSeconds(60L * n);
    }

    private BronzeRestJob job(Instant now) {
        return job(now, BronzeRestOptions.defaults());
    }

    private BronzeRestJob job(Instant now, BronzeRestOptions options) {
        return new BronzeRestJob(config, ExchangeRegistry.standard(), database, http, Clock.fixed(now, ZoneOffset.UTC), options, sleeps::add);
    }

    private static double field(JsonNode row, int index) {
        return Double.parseDouble(row.get(index).asText());
    }

    @Test
    void fillsMissingMinutesWithFinalRestCandlesAndNeverStoresTheOpenMinute() throws Exception {
        binance.addMinutes("BTCUSDT", minute(0), minute(31));        // includes the still-open minute 30
        bronze.plantWebsocketFinal("BTCUSDT", minute(0), minute(30),
                minute(10), minute(11), minute(12), minute(13), minute(14), minute(20));
        bronze.plant("BTCUSDT", minute(20), "websocket", false);

        BronzeRestReport report = job(NOW).run("binance", "BTCUSDT", new TimeWindow(minute(0), minute(31)));

        assertThat(report.missing()).isEqualTo(6);
        assertThat(report.filled()).isEqualTo(6);
        assertThat(report.stillMissing()).isZero();
        assertThat(report.checkedEmpty()).isZero();
        assertThat(report.requests()).isEqualTo(1);
        assertThat(binance.requests()).containsExactly(
                new FakeBinanceServer.Request("BTCUSDT", minute(10).toEpochMilli(), minute(21).toEpochMilli() - 1, 1000));

        List<BronzeFixture.RestRow> rows = bronze.restRows("BTCUSDT");
        assertThat(rows).extracting(BronzeFixture.RestRow::start)
                .containsExactly(minute(10), minute(11), minute(12), minute(13), minute(14), minute(20));
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.isFinal()).isTrue();
            assertThat(r.ingestionTs()).isEqualTo(NOW);
            assertThat(r.end()).isEqualTo(r.start().plusSeconds(60));
        });
        JsonNode served = FakeBinanceServer.syntheticRow(minute(10));
        BronzeFixture.RestRow first = rows.get(0);
        assertThat(first.open()).isEqualTo(field(served, 1));
        assertThat(first.high()).isEqualTo(field(served, 2));
        assertThat(first.low()).isEqualTo(field(served, 3));
        assertThat(first.close()).isEqualTo(field(served, 4));
        assertThat(first.volume()).isEqualTo(field(served, 5));
        assertThat(first.quoteVolume()).isEqualTo(field(served, 7));
        assertThat(first.tradeCount()).isEqualTo(served.get(8).intValue());
        assertThat(first.vwap()).isCloseTo(field(served, 7) / field(served, 5), within(1e-9));
        assertThat(bronze.count("SELECT count(*) FROM bronze.bronze_ohclv_native WHERE interval_start = '"
                + minute(30) + "'")).isZero();
    }

    @Test
    void keepsOnlyAskedForMinutesWhenTheExchangeSendsMore() throws Exception {
        binance.addMinutes("BTCUSDT", minute(0), minute(31));
        binance.ignoreEndTime();                                     // answers minutes 12..30, open minute included
        bronze.plantWebsocketFinal("BTCUSDT", minute(0), minute(30), minute(12));

        BronzeRestReport report = job(NOW).run("binance", "BTCUSDT", new TimeWindow(minute(0), minute(31)));

        assertThat(report.filled()).isEqualTo(1);
        assertThat(bronze.restMinutes("BTCUSDT")).containsExactly(minute(12));
        assertThat(bronze.count("SELECT count(*) FROM bronze.bronze_ohclv_native")).isEqualTo(30);
    }

    @Test
    void splitsALongGapIntoRequestsAtTheExchangeLimit() throws Exception {
        Instant now = minute(2500).plusSeconds(15);
        binance.addMinutes("BTCUSDT", minute(0), minute(2500));

        BronzeRestReport report = job(now).run("binance", "BTCUSDT", new TimeWindow(minute(0), minute(2500)));

        assertThat(binance.requests()).extracting(FakeBinanceServer.Request::from, FakeBinanceServer.Request::toExclusive,
                        FakeBinanceServer.Request::limit)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(minute(0), minute(1000), 1000),
                        org.assertj.core.groups.Tuple.tuple(minute(1000), minute(2000), 1000),
                        org.assertj.core.groups.Tuple.tuple(minute(2000), minute(2500), 1000));
        assertThat(report.requests()).isEqualTo(3);
        assertThat(report.missing()).isEqualTo(2500);
        assertThat(report.filled()).isEqualTo(2500);
        assertThat(bronze.restMinutes("BTCUSDT")).isEqualTo(IntStream.range(0, 2500).mapToObj(BronzeRestJobTest::minute).toList());
        assertThat(sleeps).isEmpty();
    }

    @Test
    void shortGapsCloseTogetherShareOneRequest() throws Exception {
        binance.addMinutes("BTCUSDT", minute(0), minute(31));
        bronze.plantWebsocketFinal("BTCUSDT", minute(0), minute(30), minute(3), minute(17), minute(25));

        BronzeRestReport report = job(NOW).run("binance", "BTCUSDT", new TimeWindow(minute(0), minute(30)));

        assertThat(report.requests()).isEqualTo(1);
        assertThat(binance.requests()).extracting(FakeBinanceServer.Request::from, FakeBinanceServer.Request::toExclusive)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(minute(3), minute(26)));
        assertThat(bronze.restMinutes("BTCUSDT")).containsExactly(minute(3), minute(17), minute(25));
    }

    @Test
    void waitsForRetryAfterOn429AndThenRetriesTheSameRequest() throws Exception {
        binance.addMinutes("BTCUSDT", minute(0), minute(31));
        binance.respondNext(new FakeBinanceServer.Scripted(429, Map.of("Retry-After", "7"), TOO_MANY));

        BronzeRestReport report = job(NOW).run("binance", "BTCUSDT", new TimeWindow(minute(0), minute(30)));

        assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
        assertThat(binance.requests()).hasSize(2).allSatisfy(r -> assertThat(r).isEqualTo(binance.requests().get(0)));
        assertThat(report.requests()).isEqualTo(2);
        assertThat(report.retries()).isEqualTo(1);
        assertThat(report.waited()).isEqualTo(Duration.ofSeconds(7));
        assertThat(report.filled()).isEqualTo(30);
    }

    @Test
    void failsClearlyWhenBannedForLongerThanTheMaxWait() throws Exception {
        binance.addMinutes("BTCUSDT", minute(0), minute(31));
        binance.respondNext(new FakeBinanceServer.Scripted(418, Map.of("Retry-After", "7200"),
                "{\"code\":-1003,\"msg\":\"Way too many requests; IP banned until 1764000000000.\"}"));

        RestFetchException e = job(NOW).run("binance", "BTCUSDT", new TimeWindow(minute(0), minute(30)))
                .stoppedBy().orElseThrow();

        assertThat(e).hasMessageContaining("HTTP 418")
                .hasMessageContaining(binance.baseUrl() + "/api/v3/klines?symbol=BTCUSDT")
                .hasMessageContaining("7200 s")
                .hasMessageContaining("retry after " + NOW.plusSeconds(7200));
        assertThat(e.status()).isEqualTo(418);
        assertThat(e.retryAt()).contains(NOW.plusSeconds(7200));
        assertThat(sleeps).isEmpty();
        assertThat(binance.requests()).hasSize(1);
        assertThat(bronze.restRows("BTCUSDT")).isEmpty();
    }

    @Test
    void givesUpAfterMaxRetries() throws Exception {
        FakeBinanceServer.Scripted tooMany = new FakeBinanceServer.Scripted(429, Map.of("Retry-After", "1"), TOO_MANY);
        binance.respondNext(tooMany, tooMany, tooMany);
        BronzeRestOptions options = new BronzeRestOptions(2, Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofSeconds(5));

        assertThat(job(NOW, options).run("binance", "BTCUSDT", new TimeWindow(minute(0), minute(30))).stoppedBy())
                .get(InstanceOfAssertFactories.THROWABLE)
                .hasMessageContaining("HTTP 429")
                .hasMessageContaining("gave up after 2 retries");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(binance.requests()).hasSize(3);
    }

    @Test
    void stopsWhenWaitingWouldExceedTheMaxTotalWait() throws Exception {
        FakeBinanceServer.Scripted tooMany = new FakeBinanceServer.Scripted(429, Map.of("Retry-After", "40"), TOO_MANY);
        binance.respondNext(tooMany, tooMany);
        BronzeRestOptions options = new BronzeRestOptions(5, Duration.ofMinutes(1), Duration.ofSeconds(60), Duration.ofSeconds(5));

        assertThat(job(NOW, options).run("binance", "BTCUSDT", new TimeWindow(minute(0), minute(30))).stoppedBy())
                .get(InstanceOfAssertFactories.THROWABLE)
                .hasMessageContaining("max total wait of 60 s");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(40));
    }

    @Test
    void retriesWhenTheExchangeCannotBeReachedThenFailsNamingTheUrl() throws Exception {
        String url = binance.baseUrl() + "/api/v3/klines?symbol=BTCUSDT";
        binance.close();
        BronzeRestOptions options = new BronzeRestOptions(1, Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofSeconds(5));

        RestFetchException e = job(NOW, options).run("binance", "BTCUSDT", new TimeWindow(minute(0), minute(30)))
                .stoppedBy().orElseThrow();

        assertThat(e).hasMessageContaining(url).hasMessageContaining("no response").hasMessageContaining("gave up after 1 retries");
        assertThat(e.status()).isEqualTo(RestFetchException.NO_RESPONSE);
        assertThat(sleeps).containsExactly(KlineFetcher.NETWORK_RETRY_DELAY);
    }

    @Test
    void failsNamingTheUrlStatusAndBodyOnAnExchangeError() throws Exception {
        binance.respondNext(new FakeBinanceServer.Scripted(400, Map.of(), "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}"));

        assertThat(job(NOW).run("binance", "BTCUSDT", new TimeWindow(minute(0), minute(30))).stoppedBy())
                .get(InstanceOfAssertFactories.THROWABLE)
                .hasMessageContaining("GET " + binance.baseUrl() + "/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime="
                        + minute(0).toEpochMilli())
                .hasMessageContaining("HTTP 400")
                .hasMessageContaining("Invalid symbol.");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aMinuteThatEndedSecondsAgoIsNotStoredAsFinalYet() throws Exception {
        // Our clock may run ahead of the exchange's: 8 s after 10:29's end, Binance may still call it open.
        Instant now = minute(30).plusSeconds(8);
        binance.addMinutes("BTCUSDT", minute(0), minute(30));
        bronze.plantWebsocketFinal("BTCUSDT", minute(0), minute(29));

        BronzeRestReport report = job(now).run("binance", "BTCUSDT", new TimeWindow(minute(0), minute(30)));

        assertThat(report.missing()).isEqualTo(1);
        assertThat(report.filled()).isZero();
        assertThat(report.stillMissingMinutes()).containsExactly(minute(29));
        assertThat(bronze.checked("BTCUSDT")).as("answered, so not empty: asked again next run").isEmpty();
    }

    @Test
    void aMinuteWhoseCaptureFileMayStillBeOpenIsNotAskedForYet() throws Exception {
        // The default roll age (60 s): at 10:31:10, 10:29 ended 70 s ago (due), 10:30 ended 10 s ago,
        // still in a file the engine may be writing; the run of the hour under way leaves it to the capture.
        config = PipelineConfig.parse("""
                exchanges:
                  binance: {ws_url: "wss://stream.binance.com:9443", rest_url: "%s", pairs: [BTCUSDT]}
                partitions: {start: "2026-11-01T00:00:00Z"}
                """.formatted(binance.baseUrl()), Path.of("."), ExchangeRegistry.standard());
        binance.addMinutes("BTCUSDT", minute(0), minute(31));
        bronze.plantWebsocketFinal("BTCUSDT", minute(0), minute(31), minute(29), minute(30));

        BronzeRestReport report = job(minute(31).plusSeconds(10)).run("binance", "BTCUSDT", new TimeWindow(minute(0), minute(60)));

        assertThat(report.missing()).isEqualTo(1);
        assertThat(bronze.restMinutes("BTCUSDT")).containsExactly(minute(29));
        assertThat(binance.requests()).hasSize(1);
        assertThat(binance.requests().get(0).endTime()).isLessThan(minute(30).toEpochMilli());
    }

    @Test
    void pausesBetweenRequestsWhenTheUsedWeightNearsTheLimit() throws Exception {
        Instant now = minute(1500).plusSeconds(15);
        binance.addMinutes("BTCUSDT", minute(0), minute(1500));
        binance.usedWeight(5000);

        BronzeRestReport report = job(now).run("binance", "BTCUSDT", new TimeWindow(minute(0), minute(1500)));

        assertThat(report.requests()).isEqualTo(2);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(15));   // between the two, not after the last
        assertThat(report.waited()).isEqualTo(Duration.ofSeconds(15));
        assertThat(report.filled()).isEqualTo(1500);
    }

    @Test
    void recordsAnEmptyMinuteAsCheckedAndDoesNotAskForItAgain() throws Exception {
        Instant now = minute(30).plusSeconds(10);
        // Minute 5 has no candle. Minutes 27 and 28 have none yet: 27 ended 2 minutes before the
        // fetch (empty), 28 only 1 minute before (the exchange may still publish it).
        binance.addMinutes("BTCUSDT", minute(0), minute(30), minute(5), minute(27), minute(28));
        TimeWindow window = new TimeWindow(minute(0), minute(30));

        BronzeRestReport first = job(now).run("binance", "BTCUSDT", window);

        assertThat(first.missing()).isEqualTo(30);
        assertThat(first.filled()).isEqualTo(27);
        assertThat(first.checkedEmpty()).isEqualTo(2);
        assertThat(first.stillMissing()).isEqualTo(1);
        assertThat(first.stillMissingMinutes()).containsExactly(minute(28));
        assertThat(first.emptyMinutes()).isEqualTo(new Offending<>(2, List.of(minute(5), minute(27))));
        assertThat(first.failedMinutes()).as("not published yet: asked again next run").isEqualTo(new Offending<>(1, List.of(minute(28))));
        assertThat(first.unfillableMinutes()).isEqualTo(Offending.none());
        assertThat(bronze.checked("BTCUSDT")).containsExactly(List.of(minute(5), now), List.of(minute(27), now));

        BronzeRestReport second = job(now).run("binance", "BTCUSDT", window);

        assertThat(second.missing()).isEqualTo(1);
        assertThat(binance.requests()).hasSize(2);
        assertThat(binance.requests().get(1)).extracting(FakeBinanceServer.Request::from, FakeBinanceServer.Request::toExclusive)
                .containsExactly(minute(28), minute(29));

        binance.addMinutes("BTCUSDT", minute(28), minute(29));       // the exchange caught up
        BronzeRestReport third = job(now.plusSeconds(60)).run("binance", "BTCUSDT", window);

        assertThat(third.filled()).isEqualTo(1);
        assertThat(third.stillMissing()).isZero();
        assertThat(third.emptyMinutes()).as("earlier runs' empty minutes are still reported")
                .isEqualTo(new Offending<>(2, List.of(minute(5), minute(27))));
        assertThat(bronze.restMinutes("BTCUSDT")).doesNotContain(minute(5), minute(27)).contains(minute(28)).hasSize(28);
    }

    /** Binance as it is, except that its REST history reaches back only to {@code oldest} (as Kraken's 720 candles do). */
    private static ExchangeRegistry binanceWithHistoryFrom(Instant oldest) {
        Exchange binance = ExchangeRegistry.standard().get("binance");
        RestKlineApi rest = binance.rest();
        RestKlineApi bounded = new RestKlineApi() {
            @Override
            public int maxCandlesPerRequest(Instant from, Instant now) {
                return rest.maxCandlesPerRequest(from, now);
            }

            @Override
            public java.util.Optional<Instant> oldestServed(Instant now) {
                return java.util.Optional.of(oldest);
            }

            @Override
            public java.net.URI klinesRequest(java.net.URI base, String symbol, Instant from, Instant to, Instant now) {
                return rest.klinesRequest(base, symbol, from, to, now);
            }

            @Override
            public List<io.klinepipeline.exchange.Candle> parseKlines(String symbol, String body, Instant now)
                    throws io.klinepipeline.exchange.MalformedPayloadException {
                return rest.parseKlines(symbol, body, now);
            }

            @Override
            public RateLimitAdvice advise(int status, java.util.function.Function<String, java.util.Optional<String>> header,
                    String body) {
                return rest.advise(status, header, body);
            }
        };
        return new ExchangeRegistry(List.of(new Exchange() {
            @Override
            public String name() {
                return binance.name();
            }

            @Override
            public io.klinepipeline.exchange.SymbolRules symbols() {
                return binance.symbols();
            }

            @Override
            public io.klinepipeline.exchange.StreamProtocol stream() {
                return binance.stream();
            }

            @Override
            public io.klinepipeline.exchange.PayloadParser newPayloadParser(String symbol) {
                return binance.newPayloadParser(symbol);
            }

            @Override
            public RestKlineApi rest() {
                return bounded;
            }

            @Override
            public io.klinepipeline.exchange.SourcePrecedence sourcePrecedence() {
                return binance.sourcePrecedence();
            }
        }));
    }

    @Test
    void minutesOlderThanTheExchangesRestHistoryAreUnfillableNeverAskedForAndNeverTakenAsEmpty() throws Exception {
        binance.addMinutes("BTCUSDT", minute(0), minute(30));
        TimeWindow window = new TimeWindow(minute(0), minute(30));
        BronzeRestJob bounded = new BronzeRestJob(config, binanceWithHistoryFrom(minute(20)), database, http,
                Clock.fixed(NOW, ZoneOffset.UTC), BronzeRestOptions.defaults(), sleeps::add);

        BronzeRestReport report = bounded.run("binance", "BTCUSDT", window);

        assertThat(report.missing()).isEqualTo(30);
        assertThat(report.filled()).isEqualTo(10);
        assertThat(report.unfillable()).isEqualTo(20);
        assertThat(report.stillMissing()).isEqualTo(20);
        assertThat(report.checkedEmpty()).as("beyond the history is not empty").isZero();
        assertThat(report.stillMissingMinutes()).first().isEqualTo(minute(0));
        assertThat(report.unfillableMinutes().count()).isEqualTo(20);
        assertThat(report.unfillableMinutes().first()).hasSize(20).startsWith(minute(0)).endsWith(minute(19));
        assertThat(report.failedMinutes()).isEqualTo(Offending.none());
        assertThat(report.emptyMinutes()).isEqualTo(Offending.none());
        assertThat(binance.requests()).extracting(FakeBinanceServer.Request::from).containsExactly(minute(20));
        assertThat(bronze.checked("BTCUSDT")).isEmpty();

        BronzeRestReport again = bounded.run("binance", "BTCUSDT", window);
        assertThat(again.unfillable()).isEqualTo(20);
        assertThat(again.requests()).as("nothing the exchange could serve is left").isZero();
    }

    @Test
    void aRunWaitsForTheStreamLockBeforeLookingForGapsSoAConcurrentRunSpendsNoRequests() throws Exception {
        binance.addMinutes("BTCUSDT", minute(0), minute(31));
        bronze.plantWebsocketFinal("BTCUSDT", minute(0), minute(30), minute(4), minute(9));
        TimeWindow window = new TimeWindow(minute(0), minute(30));
        java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<BronzeRestReport> waiting;
            // Stands in for a first run of the same stream that is still fetching.
            try (java.sql.Connection first = database.connect()) {
                io.klinepipeline.workers.db.RunLock.withDefaultWait().hold(first, "bronze-rest", "binance/BTCUSDT");
                waiting = executor.submit(() -> job(NOW).run("binance", "BTCUSDT", window));
                Thread.sleep(500);
                assertThat(waiting).as("blocked on the lock").isNotDone();
                assertThat(binance.requests()).as("no REST weight spent while another run holds the stream").isEmpty();
                bronze.plant("BTCUSDT", minute(4), "websocket", true);  // what the first run stored
                bronze.plant("BTCUSDT", minute(9), "websocket", true);
            }

            BronzeRestReport report = waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(report.missing()).as("the gaps were looked up after the first run released the stream").isZero();
            assertThat(binance.requests()).isEmpty();
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void runsOfDifferentStreamsDoNotWaitForEachOther() throws Exception {
        binance.addMinutes("ETHUSDT", minute(0), minute(31));
        bronze.plantWebsocketFinal("ETHUSDT", minute(0), minute(30), minute(4));
        try (java.sql.Connection other = database.connect()) {
            io.klinepipeline.workers.db.RunLock.withDefaultWait().hold(other, "bronze-rest", "binance/BTCUSDT");

            BronzeRestReport report = job(NOW).run("binance", "ETHUSDT", new TimeWindow(minute(0), minute(30)));

            assertThat(report.filled()).isEqualTo(1);
        }
    }

    @Test
    void aSecondRunFindsNothingMissingAndInsertsNothing() throws Exception {
        binance.addMinutes("BTCUSDT", minute(0), minute(31));
        bronze.plantWebsocketFinal("BTCUSDT", minute(0), minute(30), minute(4), minute(9));
        TimeWindow window = new TimeWindow(minute(0), minute(31));
        job(NOW).run("binance", "BTCUSDT", window);
        long rows = bronze.count("SELECT count(*) FROM bronze.bronze_ohclv_native");

        BronzeRestReport again = job(NOW.plusSeconds(20)).run("binance", "BTCUSDT", window);

        assertThat(again).isEqualTo(BronzeRestReport.nothingMissing(Offending.none()));
        assertThat(binance.requests()).hasSize(1);
        assertThat(bronze.count("SELECT count(*) FROM bronze.bronze_ohclv_native")).isEqualTo(rows);
    }

    @Test
    void storesWhatWasFetchedBeforeARequestFailedForGoodAndContinuesNextRun() throws Exception {
        Instant now = minute(1500).plusSeconds(15);
        binance.addMinutes("BTCUSDT", minute(0), minute(1500));
        binance.respondNext(FakeBinanceServer.NORMAL,
                new FakeBinanceServer.Scripted(418, Map.of("Retry-After", "3600"), "{\"code\":-1003,\"msg\":\"banned\"}"));
        TimeWindow window = new TimeWindow(minute(0), minute(1500));

        BronzeRestReport first = job(now).run("binance", "BTCUSDT", window);
        assertThat(first.stoppedBy())
                .get(InstanceOfAssertFactories.THROWABLE).hasMessageContaining("HTTP 418");
        assertThat(first.filled()).isEqualTo(1000);
        assertThat(first.failedMinutes().count()).isEqualTo(first.stillMissing()).isPositive();
        assertThat(bronze.restRows("BTCUSDT")).hasSize(1000);

        BronzeRestReport next = job(now).run("binance", "BTCUSDT", window);

        assertThat(next.missing()).isEqualTo(500);
        assertThat(next.requests()).isEqualTo(1);
        assertThat(bronze.restRows("BTCUSDT")).hasSize(1500);
    }

    @Test
    void refusesASymbolThatIsNotConfigured() {
        assertThatThrownBy(() -> job(NOW).run("binance", "DOGEUSDT", new TimeWindow(minute(0), minute(30))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DOGEUSDT");
        assertThat(binance.requests()).isEmpty();
    }

    @Test
    void parsesTheRealBinanceRestBodyServedOverHttp() throws Exception {
        String realData = System.getProperty("kline.realData");
        Path file = realData == null ? null : Path.of(realData, "binance", "rest_api_v3_klines_BTCUSDT_1m_2021-10-22.json");
        Assumptions.assumeTrue(file != null && Files.isRegularFile(file),
                "real Binance REST capture not found at " + file + " (set -Dkline.realData to the shared real-data folder)");
        String body = Files.readString(file);
        // The capture's 10 rows: 2021-10-22 23:03 to 23:12 UTC. Served byte for byte.
        Instant first = Instant.ofEpochMilli(1634943780000L);
        binance.respondNext(new FakeBinanceServer.Scripted(200, Map.of("X-MBX-USED-WEIGHT-1M", "2"), body));

        BronzeRestReport report = new BronzeRestJob(config, ExchangeRegistry.standard(), database, http,
                Clock.fixed(Instant.parse("2021-10-23T00:00:00Z"), ZoneOffset.UTC), BronzeRestOptions.defaults(), sleeps::add)
                .run("binance", "BTCUSDT", new TimeWindow(first, first.plusSeconds(600)));

        assertThat(binance.requests()).containsExactly(new FakeBinanceServer.Request("BTCUSDT", 1634943780000L, 1634944379999L, 1000));
        assertThat(report.filled()).isEqualTo(10);
        assertThat(report.stillMissing()).isZero();
        List<BronzeFixture.RestRow> rows = bronze.restRows("BTCUSDT");
        assertThat(rows).extracting(BronzeFixture.RestRow::start)
                .isEqualTo(IntStream.range(0, 10).mapToObj(i -> first.plusSeconds(60L * i)).toList());
        BronzeFixture.RestRow row = rows.get(0);
        assertThat(row.open()).isEqualTo(60685.22);
        assertThat(row.high()).isEqualTo(60729.84);
        assertThat(row.low()).isEqualTo(60670.90);
        assertThat(row.close()).isEqualTo(60719.27);
        assertThat(row.volume()).isEqualTo(21.63272);
        assertThat(row.quoteVolume()).isEqualTo(1313200.0134041);
        assertThat(row.tradeCount()).isEqualTo(617);
        assertThat(row.vwap()).isCloseTo(1313200.0134041 / 21.63272, within(1e-6));
        assertThat(rows.get(1).tradeCount()).isEqualTo(769);
        assertThat(rows).allSatisfy(r -> assertThat(r.isFinal()).isTrue());
    }
}
