package io.klinepipeline.workers.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import io.klinepipeline.workers.rest.FakeBinanceServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The pipeline of one Binance pair, BTCUSDT (BTC-USDT), for one hour: captured JSONL files, a
 * local Binance REST server with every minute but {@link #EMPTY_MINUTE}, pipeline.yaml, and the three workers' command
 * lines. A fault test breaks a run of it and compares the tables with a fault-free run's.
 */
final class FaultScene implements AutoCloseable {
    static final Instant HOUR = Instant.parse("2026-11-24T10:00:00Z");
    static final String HELD_MINUTE = "2026-11-24T10:30:00Z";
    /** The trigger condition ({@link Warehouse#holdWritesTo}) that holds a worker at {@link #HELD_MINUTE}. */
    static final String AT_HELD_MINUTE = "NEW.interval_start = '" + HELD_MINUTE + "'";
    /** The minute the exchange has no candle for: bronze-rest records it empty after storing the others. */
    static final Instant EMPTY_MINUTE = HOUR.plusSeconds(35 * 60);
    private static final String[] WINDOW = {"--start", "2026-11-24T10:00:00Z", "--end", "2026-11-24T11:00:00Z"};

    final Path dir;
    final Path config;
    final WorkerCli cli;
    private final FakeBinanceServer binance;

    FaultScene(Path dir) throws Exception {
        this.dir = dir;
        this.binance = FakeBinanceServer.start();
        binance.addMinutes("BTCUSDT", HOUR, HOUR.plusSeconds(3600), EMPTY_MINUTE);
        this.config = dir.resolve("pipeline.yaml");
        Files.writeString(config, """
                exchanges:
                  binance:
                    ws_url: ws://127.0.0.1:1
                    rest_url: %s
                    pairs: [BTCUSDT]
                    canonical: {BTCUSDT: BTC-USDT}
                storage: {local_dir: bronze, dead_letter_dir: dead}
                partitions: {start: "2026-11-24T00:00:00Z"}
                """.formatted(binance.baseUrl()));
        this.cli = new WorkerCli(config);
    }

    /** Replaces the hour's captured file; returns its lines (the messages the engine received). */
    int capture(int price, int updatesPerMinute, Set<Integer> skippedMinutes) throws Exception {
        return BinanceHourFiles.write(dir.resolve("bronze"), "BTCUSDT", HOUR, updatesPerMinute, price, skippedMinutes);
    }

    static String[] extToBronze(String... options) {
        return args(options, "ext-to-bronze", "--exchange", "binance", "--symbol", "BTCUSDT");
    }

    static String[] bronzeRest(String... options) {
        return args(options, "bronze-rest", "--exchange", "binance", "--symbol", "BTCUSDT");
    }

    static String[] silver(String... options) {
        return args(options, "silver", "--symbol", "BTC-USDT");
    }

    /** silver over part of the hour: {@code [start, end)}. */
    static String[] silverOver(String start, String end) {
        return new String[] {"silver", "--symbol", "BTC-USDT", "--start", start, "--end", end};
    }

    /** Root options (e.g. --lock-wait 1) first, then the subcommand, its stream and the hour's window. */
    private static String[] args(String[] rootOptions, String... subcommand) {
        return Stream.of(rootOptions, subcommand, WINDOW).flatMap(Stream::of).toArray(String[]::new);
    }

    /** Runs the steps on the database, each of which must succeed. */
    void runAll(Database database, String[]... steps) {
        for (String[] step : steps) {
            WorkerCli.Run run = cli.run(database, step);
            assertThat(run.exitCode()).as("%s: %s", String.join(" ", step), run).isZero();
        }
    }

    /** The tables after the steps ran without a fault, on a fresh database. */
    Warehouse.Contents reference(String[]... steps) throws Exception {
        Database fresh = TestDatabases.migrated();
        runAll(fresh, steps);
        return new Warehouse(fresh).contents();
    }

    /** Rows in {@code expected} missing from {@code actual}, counted with multiplicity. */
    static long lost(List<String> expected, List<String> actual) {
        return surplus(expected, actual);
    }

    /** Rows in {@code actual} beyond those in {@code expected}: doubles, or rows that should be gone. */
    static long extra(List<String> expected, List<String> actual) {
        return surplus(actual, expected);
    }

    private static long surplus(List<String> of, List<String> minus) {
        Map<String, Integer> counts = new HashMap<>();
        of.forEach(r -> counts.merge(r, 1, Integer::sum));
        minus.forEach(r -> counts.merge(r, -1, Integer::sum));
        return counts.values().stream().filter(n -> n > 0).mapToLong(Integer::longValue).sum();
    }

    static List<String> all(Warehouse.Contents contents) {
        List<String> rows = new ArrayList<>(contents.bronze());
        rows.addAll(contents.restChecked());
        rows.addAll(contents.silver());
        return rows;
    }

    @Override
    public void close() {
        binance.close();
    }
}
