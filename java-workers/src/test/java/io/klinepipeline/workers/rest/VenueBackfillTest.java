package io.klinepipeline.workers.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.simulator.market.TrueCandle;
import io.klinepipeline.simulator.server.ExchangeSimulator;
import io.klinepipeline.simulator.server.SimulatorOptions;
import io.klinepipeline.simulator.venue.RestFault;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import io.klinepipeline.workers.window.TimeWindow;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * bronze-rest against each venue of the exchange simulator: a window several pages long, the
 * venue's rate-limit answers on the first two requests (its HTTP status, then its body-level
 * error where it has one), and every stored row checked against the simulator's true candle,
 * with the fields the venue does not give left null. A second run finds nothing to do.
 */
class VenueBackfillTest {
    private static final Instant NOW = Instant.parse("2026-11-24T22:05:30Z");
    private static ExchangeSimulator simulator;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startSimulator() throws Exception {
        simulator = ExchangeSimulator.start(SimulatorOptions.forTests(SimulatedClock.startingAt(NOW, 1)));
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    private static PipelineConfig config(String venue, String symbol) {
        return PipelineConfig.parse(simulator.exchangesYaml(Map.of(venue, List.of(symbol)))
                + "partitions: {start: \"2026-11-01T00:00:00Z\"}\n", Path.of("."), ExchangeRegistry.standard());
    }

    @ParameterizedTest(name = "{0} {1}: {2} minutes in {3} pages")
    @CsvSource({
            // venue, symbol, minutes, pages, first fault, second fault, what it reports natively
            "binance,  BTCUSDT,  1200, 2, RATE_LIMIT_STATUS, SERVER_ERROR,    quote+trades",
            "coinbase, BTC-USD,  600,  2, RATE_LIMIT_STATUS, SERVER_ERROR,    none",
            "kraken,   BTC/USD,  600,  1, RATE_LIMIT_STATUS, RATE_LIMIT_BODY, trades+vwap",
            "bybit,    BTCUSDT,  1200, 2, SERVER_ERROR,      RATE_LIMIT_BODY, quote",
            "okx,      BTC-USDT, 600,  2, RATE_LIMIT_STATUS, RATE_LIMIT_BODY, quote",
    })
    void fillsAWindowExactlyThroughTheVenuesPagingAndRateLimits(String venue, String symbol, int minutes, int pages,
            RestFault first, RestFault second, String native_) throws Exception {
        Database database = TestDatabases.migrated();
        BronzeFixture bronze = new BronzeFixture(database);
        PipelineConfig config = config(venue, symbol);
        Instant end = NOW.minusSeconds(5 * 60).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        TimeWindow window = new TimeWindow(end.minus(Duration.ofMinutes(minutes)), end);
        simulator.faults(venue).clear();
        simulator.faults(venue).failNextRest(first, 1).failNextRest(second, 1);
        List<Duration> sleeps = new CopyOnWriteArrayList<>();
        long requestsBefore = simulator.stats(venue).restRequests();

        BronzeRestReport report = new BronzeRestJob(config, ExchangeRegistry.standard(), database, HTTP,
                simulator.clock(), BronzeRestOptions.defaults(), sleeps::add).run(venue, symbol, window);

        List<TrueCandle> truth = simulator.trueCandles(venue, symbol, window.start(), window.end());
        List<TrueCandle> traded = truth.stream().filter(TrueCandle::hasTrades).toList();
        boolean omitsEmpty = venue.equals("coinbase") || venue.equals("kraken");
        assertThat(report.missing()).isEqualTo(minutes);
        assertThat(report.stillMissing()).isZero();
        assertThat(report.unfillable()).isZero();
        assertThat(report.retries()).as("both faults retried").isEqualTo(2);
        assertThat(report.requests()).isEqualTo(pages + 2);
        assertThat(simulator.stats(venue).restRequests() - requestsBefore).isEqualTo(pages + 2);
        assertThat(sleeps).as("waited as the venue asked").hasSizeGreaterThanOrEqualTo(2);
        assertThat(report.filled()).isEqualTo(omitsEmpty ? traded.size() : minutes);
        assertThat(report.checkedEmpty()).isEqualTo(omitsEmpty ? minutes - traded.size() : 0);

        Map<Instant, TrueCandle> byMinute = truth.stream().collect(Collectors.toMap(TrueCandle::start, Function.identity()));
        List<BronzeFixture.RestRow> rows = bronze.restRows(venue, symbol);
        assertThat(rows).hasSize((int) report.filled());
        for (BronzeFixture.RestRow row : rows) {
            TrueCandle t = byMinute.get(row.start());
            String what = venue + " " + row.start();
            assertThat(row.isFinal()).as(what).isTrue();
            assertThat(row.open()).as(what + " open").isCloseTo(t.open().doubleValue(), within(1e-9));
            assertThat(row.high()).as(what + " high").isCloseTo(t.high().doubleValue(), within(1e-9));
            assertThat(row.low()).as(what + " low").isCloseTo(t.low().doubleValue(), within(1e-9));
            assertThat(row.close()).as(what + " close").isCloseTo(t.close().doubleValue(), within(1e-9));
            assertThat(row.volume()).as(what + " volume").isCloseTo(t.volume().doubleValue(), within(1e-9));
            if (native_.contains("quote")) {
                assertThat(row.quoteVolume()).as(what + " quote volume").isCloseTo(t.quoteVolume().doubleValue(), within(1e-6));
            }
            if (native_.contains("trades")) {
                assertThat(row.tradeCount()).as(what + " trades").isEqualTo(t.tradeCount());
            } else {
                assertThat(row.tradeCount()).as(what + ": the venue gives no trade count").isNull();
            }
            if (native_.equals("none")) {
                assertThat(row.quoteVolume()).as(what + ": no quote volume from " + venue).isNull();
                assertThat(row.vwap()).as(what + ": no vwap from " + venue).isNull();
            } else if (t.hasTrades()) {
                assertThat(row.vwap()).as(what + " vwap").isCloseTo(t.vwap().doubleValue(), within(1e-6));
            }
        }

        BronzeRestReport again = new BronzeRestJob(config, ExchangeRegistry.standard(), database, HTTP,
                simulator.clock(), BronzeRestOptions.defaults(), sleeps::add).run(venue, symbol, window);
        assertThat(again.missing()).as("a second run finds nothing to fetch").isZero();
        assertThat(bronze.restRows(venue, symbol)).hasSize(rows.size());
    }

    @org.junit.jupiter.api.Test
    void krakenMinutesBeyondItsCandleHistoryAreRebuiltExactlyFromItsTradesPageByPage() throws Exception {
        Database database = TestDatabases.migrated();
        BronzeFixture bronze = new BronzeFixture(database);
        PipelineConfig config = config("kraken", "BTC/USD");
        // 07:00-10:00 is more than 720 minutes before NOW (22:05): beyond Kraken's OHLC, only its Trades have it.
        TimeWindow window = new TimeWindow(Instant.parse("2026-11-24T07:00:00Z"), Instant.parse("2026-11-24T10:00:00Z"));
        simulator.faults("kraken").clear();
        simulator.faults("kraken").failNextRest(RestFault.RATE_LIMIT_BODY, 1);
        long requestsBefore = simulator.stats("kraken").restRequests();

        BronzeRestReport report = new BronzeRestJob(config, ExchangeRegistry.standard(), database, HTTP,
                simulator.clock(), BronzeRestOptions.defaults(), wait -> { }).run("kraken", "BTC/USD", window);

        List<TrueCandle> truth = simulator.trueCandles("kraken", "BTC/USD", window.start(), window.end());
        List<TrueCandle> traded = truth.stream().filter(TrueCandle::hasTrades).toList();
        int trades = traded.stream().mapToInt(TrueCandle::tradeCount).sum();
        assertThat(report.missing()).isEqualTo(180);
        assertThat(report.unfillable()).as("every minute beyond the OHLC history was rebuilt").isZero();
        assertThat(report.stillMissing()).isZero();
        assertThat(report.rebuiltFromTrades()).isEqualTo(traded.size());
        assertThat(report.filled()).isEqualTo(traded.size());
        assertThat(report.checkedEmpty()).isEqualTo(180 - traded.size());
        assertThat(report.retries()).isEqualTo(1);
        long pages = simulator.stats("kraken").restRequests() - requestsBefore - 1;
        assertThat(pages).as("1,000 trades a page, and one more page past the window's end")
                .isBetween((long) Math.ceil(trades / 1000.0), (long) Math.ceil(trades / 1000.0) + 1);

        Map<Instant, TrueCandle> byMinute = truth.stream().collect(Collectors.toMap(TrueCandle::start, Function.identity()));
        List<BronzeFixture.RestRow> rows = bronze.restRows("kraken", "BTC/USD");
        assertThat(rows).hasSize(traded.size());
        for (BronzeFixture.RestRow row : rows) {
            TrueCandle t = byMinute.get(row.start());
            String what = "kraken " + row.start();
            assertThat(row.isFinal()).isTrue();
            assertThat(row.open()).as(what + " open").isCloseTo(t.open().doubleValue(), within(1e-9));
            assertThat(row.high()).as(what + " high").isCloseTo(t.high().doubleValue(), within(1e-9));
            assertThat(row.low()).as(what + " low").isCloseTo(t.low().doubleValue(), within(1e-9));
            assertThat(row.close()).as(what + " close").isCloseTo(t.close().doubleValue(), within(1e-9));
            assertThat(row.volume()).as(what + " volume").isCloseTo(t.volume().doubleValue(), within(1e-9));
            assertThat(row.quoteVolume()).as(what + " quote volume").isCloseTo(t.quoteVolume().doubleValue(), within(1e-6));
            assertThat(row.vwap()).as(what + " vwap").isCloseTo(t.vwap().doubleValue(), within(1e-6));
            assertThat(row.tradeCount()).as(what + " trades").isEqualTo(t.tradeCount());
        }

        BronzeRestReport again = new BronzeRestJob(config, ExchangeRegistry.standard(), database, HTTP,
                simulator.clock(), BronzeRestOptions.defaults(), wait -> { }).run("kraken", "BTC/USD", window);
        assertThat(again.missing()).isZero();
    }

    /**
     * The fewest requests each venue's documented pages allow for a day's gap ending 10 minutes ago,
     * worked out here from the documents, not from kline-core's constants: Binance and Bybit 1,000
     * candles a request, Coinbase 350; OKX /candles 300 for its last 1,440 minutes and
     * /history-candles 100 for older ones; Kraken's OHLC its last 720 minutes in one request, older
     * minutes only from Trades, 1,000 trades a page, read until a trade past the gap's end shows
     * the last minute complete. And the pauses: the documented rate's spacing between requests
     * under one limit (Coinbase 10/s, Bybit 600/5 s, Kraken 1/s, OKX 40/2 s and 20/2 s, each
     * endpoint its own), nothing before a request under another limit, Binance's weight budget
     * (6,000 a minute, 2 a request) untouched by two requests.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"binance, BTCUSDT", "coinbase, BTC-USD", "kraken, BTC/USD", "bybit, BTCUSDT", "okx, BTC-USDT"})
    void aDaysGapTakesTheFewestRequestsTheVenuesDocumentedPagesAllowPacedAtItsDocumentedRate(String venue, String symbol)
            throws Exception {
        Database database = TestDatabases.migrated();
        PipelineConfig config = config(venue, symbol);
        Instant before = simulator.clock().instant();
        Instant openMinute = before.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        Instant end = openMinute.minus(Duration.ofMinutes(10));
        TimeWindow window = new TimeWindow(end.minus(Duration.ofMinutes(1440)), end);
        simulator.faults(venue).clear();
        List<Duration> sleeps = new CopyOnWriteArrayList<>();
        long requestsBefore = simulator.stats(venue).restRequests();

        BronzeRestReport report = new BronzeRestJob(config, ExchangeRegistry.standard(), database, HTTP,
                simulator.clock(), BronzeRestOptions.defaults(), sleeps::add).run(venue, symbol, window);

        long fewest;
        Duration pauses;
        switch (venue) {
            case "binance" -> {
                fewest = ceil(1440, 1000);
                pauses = Duration.ZERO;
            }
            case "bybit" -> {
                fewest = ceil(1440, 1000);
                pauses = Duration.ofSeconds(5).dividedBy(600).multipliedBy(fewest - 1);
            }
            case "coinbase" -> {
                fewest = ceil(1440, 350);
                pauses = Duration.ofMillis(100).multipliedBy(fewest - 1);
            }
            case "okx" -> {
                // Greedy from the oldest minute: a request starting before /candles' reach takes 100, else 300.
                Instant reach = openMinute.minus(Duration.ofMinutes(1439));
                long history = 0;
                long recent = 0;
                for (Instant m = window.start(); m.isBefore(end); ) {
                    boolean old = m.isBefore(reach);
                    m = m.plus(Duration.ofMinutes(old ? 100 : 300));
                    if (old) {
                        history++;
                    } else {
                        recent++;
                    }
                }
                fewest = history + recent;
                pauses = Duration.ofMillis(100).multipliedBy(Math.max(0, history - 1))
                        .plus(Duration.ofMillis(50).multipliedBy(Math.max(0, recent - 1)));
            }
            case "kraken" -> {
                // The run's own count of minutes beyond the OHLC's 720, checked against the clock around it.
                long beyond = report.beyondHistory();
                Instant after = simulator.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
                assertThat(beyond).isBetween(beyondOhlc(window, openMinute), beyondOhlc(window, after));
                int trades = simulator.trueCandles(venue, symbol, window.start(), window.start().plus(Duration.ofMinutes(beyond)))
                        .stream().mapToInt(TrueCandle::tradeCount).sum();
                fewest = ceil(trades + 1, 1000) + ceil(1440 - beyond, 720);
                pauses = Duration.ofSeconds(1).multipliedBy(fewest - 1);
            }
            default -> throw new IllegalArgumentException(venue);
        }
        assertThat(report.stillMissing()).isZero();
        assertThat(report.retries()).isZero();
        assertThat(simulator.stats(venue).restRequests() - requestsBefore).as("requests the simulator counted").isEqualTo(fewest);
        assertThat(report.requests()).isEqualTo(fewest);
        assertThat(sleeps.stream().reduce(Duration.ZERO, Duration::plus)).as("paused at the documented rate, no slower")
                .isEqualTo(pauses);
    }

    /**
     * Venues limit REST requests per IP, not per symbol: in one launch, the second symbol's first
     * request still owes the pause the venue's last response (the first symbol's) asked for, and a
     * request to an endpoint under another limit owes nothing. The job's clock stands still, so the
     * owed pause is the whole pace.
     */
    @ParameterizedTest(name = "{0}: {1} then {2}, owing {3} ns")
    @CsvSource({"coinbase, BTC-USD, ETH-USD, 100000000", "kraken, BTC/USD, ETH/USD, 1000000000", "bybit, BTCUSDT, ETHUSDT, 8333333",
            "okx, BTC-USDT, ETH-USDT, 50000000"})
    void aLaunchsNextSymbolWaitsOutThePauseTheVenueAskedOfThePreviousOne(String venue, String first, String second, long owedNanos)
            throws Exception {
        Database database = TestDatabases.migrated();
        PipelineConfig config = PipelineConfig.parse(simulator.exchangesYaml(Map.of(venue, List.of(first, second)))
                + "partitions: {start: \"2026-11-01T00:00:00Z\"}\n", Path.of("."), ExchangeRegistry.standard());
        Instant now = simulator.clock().instant();
        Instant end = now.minus(Duration.ofMinutes(10)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        TimeWindow window = new TimeWindow(end.minus(Duration.ofMinutes(30)), end);
        simulator.faults(venue).clear();
        List<Duration> sleeps = new CopyOnWriteArrayList<>();
        BronzeRestJob job = new BronzeRestJob(config, ExchangeRegistry.standard(), database, HTTP,
                java.time.Clock.fixed(now, java.time.ZoneOffset.UTC), BronzeRestOptions.defaults(), sleeps::add);

        BronzeRestReport one = job.run(venue, first, window);
        assertThat(one.requests()).isEqualTo(1);
        assertThat(sleeps).as("a launch's first request owes nothing").isEmpty();
        BronzeRestReport two = job.run(venue, second, window);

        assertThat(two.requests()).isEqualTo(1);
        assertThat(two.stillMissing()).isZero();
        assertThat(sleeps).as("the second symbol's first request waited out the venue's pace")
                .containsExactly(Duration.ofNanos(owedNanos));
        assertThat(two.waited()).isEqualTo(Duration.ofNanos(owedNanos));
    }

    /**
     * A range planned for OKX's /candles (page 300) whose minutes are older than its last 1,440 by the
     * time it is sent is asked from /history-candles in pages of 100; asked in one, the 200 minutes
     * past the page would be recorded as empty.
     */
    @org.junit.jupiter.api.Test
    void anOkxRangeThatAgesPastTheRecentEndpointBeforeItIsSentIsAskedInHistoryPages() throws Exception {
        Database database = TestDatabases.migrated();
        PipelineConfig config = config("okx", "BTC-USDT");
        Instant end = simulator.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
        TimeWindow window = new TimeWindow(end.minus(Duration.ofMinutes(300)), end);
        simulator.faults("okx").clear();
        // The plan is made at the run's first reading of the clock; every later reading is a day on.
        java.util.concurrent.atomic.AtomicInteger readings = new java.util.concurrent.atomic.AtomicInteger();
        java.time.Clock aging = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                Instant now = simulator.clock().instant();
                return readings.getAndIncrement() == 0 ? now : now.plus(Duration.ofDays(1));
            }
        };
        long requestsBefore = simulator.stats("okx").restRequests();

        BronzeRestReport report = new BronzeRestJob(config, ExchangeRegistry.standard(), database, HTTP, aging,
                BronzeRestOptions.defaults(), wait -> { }).run("okx", "BTC-USDT", window);

        assertThat(report.filled()).as("every minute stored from a page that had it").isEqualTo(300);
        assertThat(report.checkedEmpty()).as("none taken as empty").isZero();
        assertThat(report.stillMissing()).isZero();
        assertThat(simulator.stats("okx").restRequests() - requestsBefore).as("three history pages of 100").isEqualTo(3);
    }

    private static long ceil(long minutes, long page) {
        return (minutes + page - 1) / page;
    }

    /** The window's minutes older than the 720 Kraken's OHLC serves while {@code openMinute} is open. */
    private static long beyondOhlc(TimeWindow window, Instant openMinute) {
        Instant oldestServed = openMinute.minus(Duration.ofMinutes(719));
        return Math.max(0, Math.min(1440, Duration.between(window.start(), oldestServed).toMinutes()));
    }
}
