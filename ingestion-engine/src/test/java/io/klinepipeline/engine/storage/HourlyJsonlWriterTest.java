package io.klinepipeline.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.klinepipeline.engine.StreamId;
import io.klinepipeline.engine.testing.BronzeFiles;
import io.klinepipeline.engine.testing.MutableClock;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.jsonl.BronzeLayout;
import io.klinepipeline.jsonl.RawEventCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HourlyJsonlWriterTest {
    private static final StreamId STREAM = new StreamId(ExchangeRegistry.standard().get("binance"), "BTCUSDT");
    private static final Instant T0 = Instant.parse("2026-11-24T10:59:58.000001Z");

    @TempDir
    Path dir;

    private final RawEventCodec codec = new RawEventCodec();
    private final List<Path> finished = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock(T0);

    private HourlyJsonlWriter writer(long maxBytes, Duration maxAge) {
        return new HourlyJsonlWriter(STREAM, dir, new RollPolicy(maxBytes, maxAge), "w1test", clock, finished::add);
    }

    private HourlyJsonlWriter writer(Duration flushInterval) {
        return new HourlyJsonlWriter(STREAM, dir, new RollPolicy(1 << 20, Duration.ofHours(1)), flushInterval, "w1test", clock,
                finished::add);
    }

    private String line(Instant receivedAt, int n) throws Exception {
        return codec.encode("binance", "BTCUSDT", "kline_1m", receivedAt, "run.1", n + 1, "{\"n\":" + n + ",\"pad\":\"" + "x".repeat(40) + "\"}");
    }

    @Test
    void rollsAtTheUtcHourOfReceivedAt() throws Exception {
        HourlyJsonlWriter writer = writer(1 << 20, Duration.ofMinutes(5));
        Instant lastOfHour = Instant.parse("2026-11-24T10:59:59.999999Z");
        Instant firstOfNext = Instant.parse("2026-11-24T11:00:00.000000Z");
        writer.append(line(T0, 1), T0);
        writer.append(line(lastOfHour, 2), lastOfHour);
        assertThat(finished).isEmpty();
        clock.set(firstOfNext);
        writer.append(line(firstOfNext, 3), firstOfNext);

        assertThat(finished).hasSize(1);
        assertThat(dir.relativize(finished.get(0)).getParent().toString().replace('\\', '/'))
                .isEqualTo("exchange=binance/symbol=BTCUSDT/date=2026-11-24/hour=10");
        assertThat(Files.readAllLines(finished.get(0))).hasSize(2);
        Path open = writer.currentFile().orElseThrow();
        assertThat(dir.relativize(open).getParent().toString().replace('\\', '/'))
                .isEqualTo("exchange=binance/symbol=BTCUSDT/date=2026-11-24/hour=11");
        writer.close();
        assertThat(finished).hasSize(2).last().isEqualTo(open);
        assertThat(finished).allSatisfy(f -> assertThat(BronzeLayout.isDataFileName(f.getFileName().toString())).isTrue());
    }

    @Test
    void rollsBeforeAFileWouldPassTheSizeBoundAndNeverSplitsALine() throws Exception {
        long maxBytes = 1000;
        HourlyJsonlWriter writer = writer(maxBytes, Duration.ofHours(1));
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Instant at = T0.plusNanos(i * 1000L);
            String line = line(at, i);
            written.add(line);
            writer.append(line, at);
        }
        writer.close();

        assertThat(finished).hasSizeGreaterThan(5);
        for (Path file : finished) {
            byte[] content = Files.readAllBytes(file);
            assertThat(content.length).isLessThanOrEqualTo((int) maxBytes);
            assertThat(content[content.length - 1]).isEqualTo((byte) '\n');
        }
        List<String> readBack = BronzeFiles.lines(dir).stream().map(BronzeFiles.Line::text).toList();
        assertThat(readBack).containsExactlyElementsOf(written);
        for (String line : readBack) {
            codec.decode(line);
        }
    }

    @Test
    void aLineLargerThanTheBoundGetsAFileOfItsOwn() throws Exception {
        HourlyJsonlWriter writer = writer(200, Duration.ofHours(1));
        String big = codec.encode("binance", "BTCUSDT", "kline_1m", T0, "run.1", 1, "{\"big\":\"" + "y".repeat(500) + "\"}");
        writer.append(line(T0, 1), T0);
        writer.append(big, T0);
        writer.append(line(T0, 2), T0);
        writer.close();

        assertThat(finished).hasSize(3);
        assertThat(Files.readString(finished.get(1), StandardCharsets.UTF_8)).isEqualTo(big + "\n");
    }

    @Test
    void finishesAQuietFileOnTheTimerOnceItReachesItsAge() throws Exception {
        HourlyJsonlWriter writer = writer(1 << 20, Duration.ofSeconds(300));
        Instant first = Instant.parse("2026-11-24T10:10:00Z");
        clock.set(first);
        writer.append(line(first, 1), first);
        clock.advance(Duration.ofSeconds(299));
        writer.rollIfDue();
        assertThat(finished).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        writer.rollIfDue();
        assertThat(finished).hasSize(1);
        assertThat(writer.currentFile()).isEmpty();
    }

    @Test
    void finishesAQuietFileOnTheTimerWhenItsHourIsOver() throws Exception {
        HourlyJsonlWriter writer = writer(1 << 20, Duration.ofHours(2));
        writer.append(line(T0, 1), T0);
        clock.set(Instant.parse("2026-11-24T10:59:59.999Z"));
        writer.rollIfDue();
        assertThat(finished).isEmpty();
        clock.set(Instant.parse("2026-11-24T11:00:00.001Z"));
        writer.rollIfDue();
        assertThat(finished).hasSize(1);
    }

    @Test
    void everyFileNameIsNewEvenForTheSameOpeningTime() throws Exception {
        HourlyJsonlWriter first = writer(10, Duration.ofHours(1)); // every line gets a file of its own
        for (int i = 0; i < 5; i++) {
            first.append(line(T0, i), T0);
        }
        first.close();
        List<String> finishOrder = finished.stream().map(p -> p.getFileName().toString()).toList();
        assertThat(finishOrder).hasSize(5).isSortedAccordingTo(String::compareTo);

        HourlyJsonlWriter second = writer(10, Duration.ofHours(1)); // the same writer id, as after a clash
        second.append(line(T0, 1), T0);
        second.close();
        assertThat(finished).hasSize(6).doesNotHaveDuplicates();
    }

    @Test
    void aReaderOfTheOpenFileSeesOnlyWholeLines() throws Exception {
        HourlyJsonlWriter writer = writer(1 << 20, Duration.ofHours(1));
        for (int i = 0; i < 10; i++) {
            writer.append(line(T0, i), T0);
            writer.flush();
            String content = Files.readString(writer.currentFile().orElseThrow());
            assertThat(content).endsWith("\n");
            assertThat(content.split("\n")).hasSize(i + 1);
        }
        writer.close();
    }

    @Test
    void appendOnlyBatchesAndFlushWritesTheWholeBatchAtOnce() throws Exception {
        HourlyJsonlWriter writer = writer(Duration.ofSeconds(1));
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            written.add(line(T0, i));
            writer.append(written.get(i), T0);
        }
        Path open = writer.currentFile().orElseThrow();
        assertThat(Files.size(open)).as("nothing written before the batch is flushed").isZero();
        assertThat(writer.batchedLines()).isEqualTo(100);
        writer.flush();
        assertThat(Files.readAllLines(open)).containsExactlyElementsOf(written);
        assertThat(writer.batchedLines()).isZero();
        writer.close();
    }

    @Test
    void forcesOnceTheOldestUnforcedLineIsHalfAFlushIntervalOldAndNeverMoreOften() throws Exception {
        Instant start = Instant.parse("2026-11-24T10:10:00Z");
        clock.set(start);
        HourlyJsonlWriter writer = writer(Duration.ofMillis(1000));
        assertThat(writer.timeUntilSyncDue()).as("nothing to force").isEmpty();
        writer.syncIfDue();
        assertThat(writer.forces()).isZero();

        // A line every 10 ms for 3 s: a force whenever the oldest unforced line is 500 ms old, and never
        // two forces less than 500 ms apart.
        List<Instant> forcedAt = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Instant at = start.plusMillis(10L * i);
            clock.set(at);
            writer.append(line(at, i), at);
            writer.flush();
            long before = writer.forces();
            writer.syncIfDue();
            if (writer.forces() > before) {
                forcedAt.add(at);
            }
        }
        assertThat(forcedAt).containsExactly(start.plusMillis(500), start.plusMillis(1010), start.plusMillis(1520),
                start.plusMillis(2030), start.plusMillis(2540));
        assertThat(writer.timeUntilSyncDue()).hasValue(Duration.ofMillis(60)); // the line of 2.55 s is due at 3.05 s

        // Quiet: the last lines are still forced on time, then nothing more is due.
        clock.set(start.plusMillis(3_050));
        writer.syncIfDue();
        assertThat(writer.forces()).isEqualTo(6);
        assertThat(writer.timeUntilSyncDue()).isEmpty();
        clock.advance(Duration.ofSeconds(10));
        writer.syncIfDue();
        assertThat(writer.forces()).isEqualTo(6);
        writer.close();
    }

    /**
     * An fsync takes tens of milliseconds on a busy disk: lines keep reaching the file while the
     * force runs elsewhere, one force runs at a time, and the lines that came during it are forced
     * by the next one on their own schedule.
     */
    @Test
    void linesReachTheFileWhileAForceRunsOnAnotherThread() throws Exception {
        Instant start = Instant.parse("2026-11-24T10:10:00Z");
        clock.set(start);
        CountDownLatch diskBusy = new CountDownLatch(1);
        List<Thread> forceThreads = new CopyOnWriteArrayList<>();
        HourlyJsonlWriter writer = new HourlyJsonlWriter(STREAM, dir, new RollPolicy(1 << 20, Duration.ofHours(1)),
                Duration.ofMillis(1000), "w1test", clock, finished::add, task -> {
                    Thread thread = new Thread(() -> {
                        try {
                            diskBusy.await(); // the first force hangs until the test lets it go
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        task.run();
                    });
                    forceThreads.add(thread);
                    thread.start();
                });
        writer.append(line(start, 0), start);
        clock.set(start.plusMillis(500));
        assertTimeoutPreemptively(Duration.ofSeconds(30), writer::syncIfDue, "a due force must not wait for the disk");
        assertThat(forceThreads).hasSize(1);
        Path file = writer.currentFile().orElseThrow();
        assertThat(Files.readAllLines(file)).as("written before the force").hasSize(1);

        for (int i = 1; i <= 3; i++) {
            Instant at = start.plusMillis(500 + 100L * i);
            clock.set(at);
            writer.append(line(at, i), at);
            writer.flush();
            assertTimeoutPreemptively(Duration.ofSeconds(30), writer::syncIfDue);
        }
        assertThat(Files.readAllLines(file)).as("lines written while the force runs").hasSize(4);
        assertThat(forceThreads).as("one force at a time").hasSize(1);
        assertThat(writer.forces()).isZero();
        assertThat(writer.timeUntilSyncDue()).as("a running force is looked at again soon").hasValue(HourlyJsonlWriter.FORCE_POLL);

        diskBusy.countDown();
        forceThreads.get(0).join(30_000);
        assertThat(writer.forces()).isEqualTo(1);
        writer.syncIfDue(); // collects the force; the line of 0.6 s is due at 1.1 s
        assertThat(forceThreads).hasSize(1);
        assertThat(writer.timeUntilSyncDue()).hasValue(Duration.ofMillis(300));
        clock.set(start.plusMillis(1_100));
        writer.syncIfDue();
        assertThat(forceThreads).hasSize(2);
        writer.close(); // waits for the second force before it forces and closes the file
        assertThat(writer.forces()).isEqualTo(3);
        assertThat(Files.readAllLines(finished.get(0))).hasSize(4);
    }

    @Test
    void alwaysWritesAndForcesAFileBeforeFinishingIt() throws Exception {
        HourlyJsonlWriter writer = writer(Duration.ofHours(1)); // a force would never be due by time
        writer.append(line(T0, 1), T0);
        writer.append(line(T0, 2), T0);
        assertThat(writer.forces()).isZero();
        writer.close();
        assertThat(writer.forces()).isEqualTo(1);
        assertThat(finished).hasSize(1);
        assertThat(Files.readAllLines(finished.get(0))).hasSize(2);

        HourlyJsonlWriter rolling = writer(Duration.ofHours(1));
        Instant nextHour = Instant.parse("2026-11-24T11:00:00Z");
        rolling.append(line(T0, 3), T0);
        rolling.append(line(nextHour, 4), nextHour); // finishes the 10:00 file first
        assertThat(rolling.forces()).isEqualTo(1);
        assertThat(finished).hasSize(2);
        assertThat(Files.readAllLines(finished.get(1))).hasSize(1);
        rolling.close();
    }

    @Test
    void aBurstLargerThanOneBatchIsWrittenAsItGrows() throws Exception {
        HourlyJsonlWriter writer = writer(64L << 20, Duration.ofHours(1));
        String line = line(T0, 1);
        int lines = HourlyJsonlWriter.MAX_BATCH_BYTES / line.length() + 10;
        for (int i = 0; i < lines; i++) {
            writer.append(line, T0);
        }
        assertThat(Files.size(writer.currentFile().orElseThrow())).isPositive();
        assertThat(writer.batchedLines()).isLessThan(lines);
        writer.close();
        assertThat(Files.readAllLines(finished.get(0))).hasSize(lines);
    }
}
