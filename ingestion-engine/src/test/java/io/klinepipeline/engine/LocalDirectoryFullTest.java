package io.klinepipeline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.chaos.ChaosRow;
import io.klinepipeline.engine.metrics.StreamCounters;
import io.klinepipeline.engine.testing.Await;
import io.klinepipeline.engine.testing.BinanceKlineFrames;
import io.klinepipeline.engine.testing.BronzeFiles;
import io.klinepipeline.engine.testing.CapturedLogs;
import io.klinepipeline.engine.testing.FakeBinanceServer;
import io.klinepipeline.engine.testing.SmallTmpfs;
import io.klinepipeline.engine.testing.TestPipelines;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.jsonl.RawEventCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine writes into a real, small file system (a tmpfs) that fills up while frames keep
 * arriving: it stops writing with an error naming the stream and the file, leaves every file
 * ending on a whole line, holds what arrives (queue, then socket back-pressure), and writes all
 * of it once space is back. Skips, saying why, where a tmpfs cannot be mounted (not root).
 */
@Tag("chaos")
class LocalDirectoryFullTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** More than the engine's frame queue holds (10 000), so the socket must pause while the disk is full. */
    private static final int FRAMES_WHILE_FULL_FIRST = 11_000;
    private static final int FRAMES_WHILE_FULL_LATER = 300;

    @TempDir
    Path dir;

    @Test
    void stopsWritingWhenTheDiskIsFullAndWritesEveryHeldFrameOnceSpaceIsBack() throws Exception {
        int trials = ChaosRow.scale();
        SmallTmpfs.Mounted mounted = SmallTmpfs.mount(dir.resolve("small"), 16 + trials);
        Assumptions.assumeTrue(mounted.tmpfs().isPresent(), "skipped: " + mounted.whyNot());
        BinanceKlineFrames klines = new BinanceKlineFrames("BTCUSDT", 1_795_000_020_000L - 1_795_000_020_000L % 60_000);
        RawEventCodec codec = new RawEventCodec();
        AtomicInteger next = new AtomicInteger();
        long fullMillis = 0;

        try (SmallTmpfs disk = mounted.tmpfs().get(); CapturedLogs logs = new CapturedLogs();
                FakeBinanceServer server = new FakeBinanceServer()) {
            Path localDir = disk.dir().resolve("bronze");
            Engine engine = new Engine(TestPipelines.binance(server.wsBase(), disk.dir(), "roll_max_age_seconds: 2"),
                    ExchangeRegistry.standard(), Clock.systemUTC(), () -> {
                        throw new AssertionError("S3 is off");
                    }, new EngineOptions(Duration.ofSeconds(60), Duration.ofSeconds(1)));
            try {
                engine.start();
                StreamCounters counters = engine.streamCounters().get(0);
                FakeBinanceServer.Connection connection = server.awaitConnection(Duration.ofSeconds(10));

                for (int trial = 0; trial < trials; trial++) {
                    for (int i = 0; i < 20; i++) {
                        connection.send(klines.frame(next.getAndIncrement()));
                    }
                    awaitTrue("the first frames written", () -> counters.lines() == next.get());
                    int errorsBefore = logs.lines().size();

                    disk.fill();
                    long fullSince = System.nanoTime();
                    int whileFull = trial == 0 ? FRAMES_WHILE_FULL_FIRST : FRAMES_WHILE_FULL_LATER;
                    // Sent from another thread: once the engine stops reading, the sender blocks on TCP.
                    Thread sender = new Thread(() -> {
                        for (int i = 0; i < whileFull; i++) {
                            connection.send(klines.frame(next.getAndIncrement()));
                        }
                    }, "sender");
                    sender.start();

                    awaitTrue("an error naming the stream and the file it could not write", () -> {
                        List<String> now = logs.lines();
                        return now.subList(errorsBefore, now.size()).stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("binance/BTCUSDT") && l.contains(localDir.toString()));
                    });
                    assertThat(logs.lines()).as("the cause, as the file system gave it")
                            .anyMatch(l -> l.startsWith("ERROR") && l.contains("No space left on device"));
                    if (trial == 0) {
                        awaitTrue("socket reads paused once the queue was full",
                                () -> logs.lines().stream().anyMatch(l -> l.contains("pausing reads")));
                    }
                    long writtenWhileFull = counters.lines();
                    Thread.sleep(300);
                    assertThat(counters.lines()).as("nothing more is written while the disk is full")
                            .isEqualTo(writtenWhileFull).isLessThan(next.get());
                    assertWholeJsonLines(localDir, codec);
                    assertThat(engine.awaitClosed(Duration.ZERO)).as("the engine is still running").isFalse();

                    disk.free();
                    fullMillis += (System.nanoTime() - fullSince) / 1_000_000;
                    sender.join(WAIT.toMillis());
                    assertThat(sender.isAlive()).as("every frame was sent once the engine read again").isFalse();
                    awaitTrue("every held frame written once space is back", () -> counters.lines() == next.get());
                }
            } finally {
                engine.close();
            }

            List<BronzeFiles.Line> lines = assertWholeJsonLines(localDir, codec);
            List<String> sent = server.sent();
            assertThat(lines).extracting(BronzeFiles.Line::payload).as("every frame on disk once, in order")
                    .containsExactlyElementsOf(sent);
            ChaosRow.of("disk", "local directory full")
                    .trials(trials).sent(sent.size()).onDisk(lines.size()).lost(0).duplicates(0).unrecoveredErrors(0)
                    .notes("a " + (16 + trials) + " MiB tmpfs filled for " + fullMillis / trials + " ms per trial while "
                            + FRAMES_WHILE_FULL_FIRST + " frames arrived (more than the 10k frame queue: socket reads "
                            + "paused); every file ended on a whole JSON line throughout")
                    .record();
        }
    }

    /** Every data file ends with a newline and every line is a whole JSONL event. */
    private static List<BronzeFiles.Line> assertWholeJsonLines(Path localDir, RawEventCodec codec) throws Exception {
        for (Path file : BronzeFiles.dataFiles(localDir)) {
            byte[] bytes = Files.readAllBytes(file);
            assertThat(bytes.length == 0 || bytes[bytes.length - 1] == '\n').as("%s ends on a newline", file).isTrue();
        }
        List<BronzeFiles.Line> lines = BronzeFiles.lines(localDir);
        for (BronzeFiles.Line line : lines) {
            codec.decode(line.text());
        }
        return lines;
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, WAIT, condition);
    }
}
