package io.klinepipeline.workers.bronze;

import io.klinepipeline.jsonl.BronzeLayout;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Not a test: writes what the engine would have captured for {@code make bench} (scripts/bench.py):
 * one JSONL file per Binance stream and hour, in the bronze layout below a root, from
 * {@link GeneratedSource}. Run with the worker jar and the test classes on the class path:
 * {@code java -cp kline-worker.jar:test-classes io.klinepipeline.workers.bronze.BenchJsonlFiles ROOT START HOURS UPDATES_PER_MINUTE SYMBOL[,SYMBOL...] ...}
 * (several groups of five arguments: one JVM start for every input a benchmark needs).
 * Prints the number of lines written per group.
 */
public final class BenchJsonlFiles {

    private BenchJsonlFiles() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args.length % 5 != 0) {
            System.err.println("usage: BenchJsonlFiles ROOT START HOURS UPDATES_PER_MINUTE SYMBOL[,SYMBOL...] ...");
            System.exit(2);
        }
        for (int group = 0; group < args.length; group += 5) {
            System.out.println(write(Path.of(args[group]), Instant.parse(args[group + 1]), Integer.parseInt(args[group + 2]),
                    Integer.parseInt(args[group + 3]), args[group + 4].split(",")));
        }
    }

    private static long write(Path root, Instant start, int hours, int updatesPerMinute, String[] symbols) throws IOException {
        long lines = 0;
        for (String symbol : symbols) {
            for (int h = 0; h < hours; h++) {
                Instant hour = start.plus(h, ChronoUnit.HOURS);
                GeneratedSource source = new GeneratedSource(symbol, hour, 60, updatesPerMinute);
                String folder = BronzeLayout.hourPrefix(BronzeFixtures.BINANCE, symbol, hour);
                String name = folder + source.fileNames(folder).get(0);
                Path file = root.resolve(name);
                Files.createDirectories(file.getParent());
                try (InputStream in = source.open(name);
                        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                    in.transferTo(out);
                }
                lines += 60L * updatesPerMinute;
            }
        }
        return lines;
    }
}
