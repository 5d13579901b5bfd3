package io.klinepipeline.workers.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.engine.Engine;
import io.klinepipeline.engine.EngineOptions;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.simulator.market.TrueCandle;
import io.klinepipeline.simulator.server.ExchangeSimulator;
import io.klinepipeline.simulator.server.SimulatorOptions;
import io.klinepipeline.simulator.venue.Venues;
import io.klinepipeline.workers.bronze.ExtToBronzeJob;
import io.klinepipeline.workers.bronze.ExtToBronzeReport;
import io.klinepipeline.workers.bronze.LocalJsonlSource;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import io.klinepipeline.workers.rest.BronzeRestJob;
import io.klinepipeline.workers.rest.BronzeRestOptions;
import io.klinepipeline.workers.rest.BronzeRestReport;
import io.klinepipeline.workers.silver.SilverJob;
import io.klinepipeline.workers.silver.SilverReport;
import io.klinepipeline.workers.window.TimeWindow;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline for one hour on all five venues: the exchange simulator (its clock 120 times
 * as fast, shared with the engine), the engine writing JSONL, then ext-to-bronze, bronze-rest
 * and silver as the workers run them, against a real PostgreSQL. Every venue loses minutes
 * 10:20-10:22 (the venue sends nothing) and Coinbase's and Kraken's connections are reset in
 * the middle of 10:40, so REST has to heal both. Silver must then hold every minute of every
 * venue, exactly the simulator's true candle, and be the same after running all three layers again.
 */
class FiveVenuesEndToEndTest {
    private static final Instant HOUR = Instant.parse("2026-11-24T10:00:00Z");
    private static final TimeWindow WINDOW = new TimeWindow(HOUR, HOUR.plus(Duration.ofHours(1)));
    private static final double SPEED = 120;
    private static final Map<String, String> SYMBOLS = Venues.bitcoinSymbols();

    @TempDir
    Path dir;

    private ExchangeSimulator simulator;
    private Engine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void silverHoldsEveryMinuteOfEveryVenueExactlyAndASecondRunChangesNothing() throws Exception {
        SimulatedClock clock = SimulatedClock.startingAt(HOUR.minusSeconds(70), SPEED);
        simulator = ExchangeSimulator.start(SimulatorOptions.forTests(clock));
        for (String venue : SYMBOLS.keySet()) {
            simulator.faults(venue).gap(HOUR.plusSeconds(20 * 60), HOUR.plusSeconds(23 * 60));
        }
        ExchangeRegistry registry = ExchangeRegistry.standard();
        PipelineConfig config = config(registry);
        engine = new Engine(config, registry, clock, () -> {
            throw new AssertionError("S3 is off");
        }, new EngineOptions(Duration.ofSeconds(60), Duration.ofSeconds(1)));
        engine.start();
        sleepUntil(clock, HOUR.plusSeconds(40 * 60 + 30));
        simulator.venue("coinbase").dropConnections();
        simulator.venue("kraken").dropConnections();
        sleepUntil(clock, WINDOW.end().plusSeconds(90));
        engine.close();
        assertThat(engine.streamCounters()).allSatisfy(c -> assertThat(c.deadLetteredCount()).as(c.stream().toString()).isZero());
        // Let every minute of the hour end long enough ago for an absent REST candle to count as "no trades".
        sleepUntil(clock, WINDOW.end().plusSeconds(4 * 60));

        Database database = TestDatabases.migrated();
        Map<String, Long> firstRun = runAllLayers(config, registry, database, clock, true);
        List<List<Object>> silverAfterFirst = silver(database);
        assertSilverIsTheTruth(database);

        Map<String, Long> secondRun = runAllLayers(config, registry, database, clock, false);
        assertThat(secondRun.get("rest_requests")).as("nothing left to fetch").isZero();
        assertThat(silver(database)).as("silver after a second run").isEqualTo(silverAfterFirst);
        assertThat(firstRun.get("rest_filled")).as("REST healed the gaps").isGreaterThanOrEqualTo(5 * 3);
    }

    /** ext-to-bronze and bronze-rest for every stream, then silver for both canonical pairs. */
    private Map<String, Long> runAllLayers(PipelineConfig config, ExchangeRegistry registry, Database database, SimulatedClock clock,
            boolean first) throws Exception {
        long restRequests = 0;
        long restFilled = 0;
        for (Map.Entry<String, String> stream : SYMBOLS.entrySet()) {
            ExtToBronzeReport loaded = new ExtToBronzeJob(config, registry, database,
                    new LocalJsonlSource(config.storage().localDir()), clock).run(stream.getKey(), stream.getValue(), WINDOW);
            assertThat(loaded.deadLettered()).as(stream + " dead letters").isZero();
            BronzeRestReport rest = new BronzeRestJob(config, registry, database, HttpClient.newHttpClient(), clock,
                    BronzeRestOptions.defaults(), wait -> { }).run(stream.getKey(), stream.getValue(), WINDOW);
            assertThat(rest.stillMissing()).as(stream + " still missing after REST").isZero();
            if (first) {
                assertThat(rest.missing()).as(stream + ": the gap was missing from the capture").isGreaterThanOrEqualTo(3);
            }
            restRequests += rest.requests();
            restFilled += rest.filled();
        }
        for (String pair : List.of("BTC-USDT", "BTC-USD")) {
            SilverReport report = new SilverJob(config, name -> registry.get(name).sourcePrecedence(), database, clock)
                    .run(CanonicalPair.parse(pair), WINDOW);
            assertThat(report.missingMinutes()).as(pair + " minutes missing in silver").isZero();
        }
        return Map.of("rest_requests", restRequests, "rest_filled", restFilled);
    }

    private void assertSilverIsTheTruth(Database database) throws Exception {
        for (Map.Entry<String, String> stream : SYMBOLS.entrySet()) {
            String venue = stream.getKey();
            List<TrueCandle> truth = simulator.trueCandles(venue, stream.getValue(), WINDOW.start(), WINDOW.end());
            boolean omitsEmpty = venue.equals("coinbase") || venue.equals("kraken");
            Map<Instant, List<Object>> rows = new LinkedHashMap<>();
            for (List<Object> row : silver(database)) {
                if (row.get(0).equals(venue)) {
                    rows.put(((OffsetDateTime) row.get(4)).toInstant(), row);
                }
            }
            // Coinbase and Kraken report no candle for a minute without trades; the others an empty one.
            assertThat(rows).as(venue + " rows").hasSize((int) truth.stream().filter(t -> !omitsEmpty || t.hasTrades()).count());
            for (TrueCandle t : truth) {
                List<Object> row = rows.get(t.start());
                if (row == null) {
                    assertThat(omitsEmpty && !t.hasTrades()).as(venue + " " + t.start() + " missing from silver").isTrue();
                    continue;
                }
                String what = venue + " " + t.start() + " (" + row.get(14) + ")";
                assertThat(row.get(1)).isEqualTo(venue.equals("coinbase") || venue.equals("kraken") ? "BTC-USD" : "BTC-USDT");
                assertThat((double) row.get(6)).as(what + " open").isCloseTo(t.open().doubleValue(), within(1e-9));
                assertThat((double) row.get(7)).as(what + " high").isCloseTo(t.high().doubleValue(), within(1e-9));
                assertThat((double) row.get(8)).as(what + " low").isCloseTo(t.low().doubleValue(), within(1e-9));
                assertThat((double) row.get(9)).as(what + " close").isCloseTo(t.close().doubleValue(), within(1e-9));
                assertThat((double) row.get(10)).as(what + " volume").isCloseTo(t.volume().doubleValue(), within(1e-9));
                if (row.get(11) != null) {
                    assertThat((double) row.get(11)).as(what + " quote volume").isCloseTo(t.quoteVolume().doubleValue(), within(1e-6));
                }
                if (row.get(12) != null) {
                    assertThat((int) row.get(12)).as(what + " trades").isEqualTo(t.tradeCount());
                }
            }
        }
    }

    /** Every silver row, every column, in key order. */
    private static List<List<Object>> silver(Database database) throws Exception {
        try (Connection c = database.connect();
                ResultSet rs = c.createStatement().executeQuery("SELECT exchange, symbol, quote_asset, interval_seconds,"
                        + " interval_start, interval_end, open, high, low, close, volume, quote_volume, trade_count, vwap, source,"
                        + " ingestion_ts FROM silver.fact_ohlcv ORDER BY exchange, symbol, interval_start")) {
            ResultSetMetaData meta = rs.getMetaData();
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.add(meta.getColumnType(i) == java.sql.Types.TIMESTAMP_WITH_TIMEZONE || meta.getColumnTypeName(i).equals("timestamptz")
                            ? rs.getObject(i, OffsetDateTime.class) : rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private PipelineConfig config(ExchangeRegistry registry) {
        Map<String, List<String>> pairs = new LinkedHashMap<>();
        SYMBOLS.forEach((venue, symbol) -> pairs.put(venue, List.of(symbol)));
        return PipelineConfig.parse(simulator.exchangesYaml(pairs) + """
                storage:
                  local_dir: bronze
                  dead_letter_dir: dead-letter
                  s3: {enabled: false}
                partitions: {start: "2026-11-01T00:00:00Z"}
                engine: {reconnect_initial_delay_ms: 20, reconnect_max_delay_ms: 200, connect_spacing_ms: 1}
                """, dir, registry);
    }

    private static void sleepUntil(SimulatedClock clock, Instant simulated) throws InterruptedException {
        Thread.sleep(Math.max(0, clock.realDelayUntil(simulated).toMillis()) + 1);
    }
}
