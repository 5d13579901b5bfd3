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
}
