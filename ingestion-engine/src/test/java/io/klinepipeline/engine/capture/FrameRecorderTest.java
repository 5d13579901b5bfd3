package io.klinepipeline.engine.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.engine.StreamId;
import io.klinepipeline.engine.metrics.StreamCounters;
import io.klinepipeline.engine.storage.DeadLetterWriter;
import io.klinepipeline.engine.storage.HourlyJsonlWriter;
import io.klinepipeline.engine.storage.RollPolicy;
import io.klinepipeline.engine.testing.Await;
import io.klinepipeline.engine.testing.BinanceKlineFrames;
import io.klinepipeline.engine.testing.MutableClock;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.jsonl.RawEventCodec;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameRecorderTest {
    private static final StreamId STREAM = new StreamId(ExchangeRegistry.standard().get("binance"), "BTCUSDT");
    private static final Instant T0 = Instant.parse("2026-11-24T10:59:58Z");

    @TempDir
    Path dir;

    @Test
    void keepsRecordingWhenFinishingADueFileThrows() throws Exception {
        MutableClock clock = new MutableClock(T0);
        AtomicInteger handedOn = new AtomicInteger();
        HourlyJsonlWriter writer = new HourlyJsonlWriter(STREAM, dir.resolve("bronze"), new RollPolicy(1 << 20, Duration.ofHours(1)),
                "w1test", clock, file -> {
                    if (handedOn.incrementAndGet() == 1) {
                        throw new IllegalStateException("a bug in the listener");
                    }
                });
        StreamCounters counters = new StreamCounters(STREAM);
        FrameQueue queue = new FrameQueue(STREAM, 100, 10);
        FrameRecorder recorder = new FrameRecorder(STREAM, "kline_1m", queue, new RawEventCodec(), writer,
                new DeadLetterWriter(STREAM, "kline_1m", dir.resolve("dead-letter"), "w1test", clock), counters);
        BinanceKlineFrames klines = new BinanceKlineFrames("BTCUSDT", 1_795_000_020_000L - 1_795_000_020_000L % 60_000);
        EmbeddedChannel channel = new EmbeddedChannel();
        recorder.start();
        try {
            queue.put(ReceivedFrame.text(klines.frame(0), T0, "c#1", "run.1", 1), channel);
            awaitTrue(() -> counters.lines() == 1);
            clock.advance(Duration.ofSeconds(5)); // the hour is over: rollIfDue finishes the file, the listener throws
            awaitTrue(() -> handedOn.get() == 1);
            queue.put(ReceivedFrame.text(klines.frame(1), clock.instant(), "c#1", "run.1", 2), channel);
            awaitTrue(() -> counters.lines() == 2);
        } finally {
            recorder.stop();
        }
        assertThat(handedOn.get()).isEqualTo(2);
    }

    @Test
    void writesWhatItTakesAtOnceSoAKillLosesOnlyWhatIsStillQueued() throws Exception {
        HourlyJsonlWriter writer = new HourlyJsonlWriter(STREAM, dir.resolve("bronze"), new RollPolicy(1 << 20, Duration.ofHours(1)),
                Duration.ofHours(1), "w1test", Clock.systemUTC(), file -> { });
        StreamCounters counters = new StreamCounters(STREAM);
        FrameQueue queue = new FrameQueue(STREAM, 100, 10);
        FrameRecorder recorder = new FrameRecorder(STREAM, "kline_1m", queue, new RawEventCodec(), writer,
                new DeadLetterWriter(STREAM, "kline_1m", dir.resolve("dead-letter"), "w1test", Clock.systemUTC()), counters);
        BinanceKlineFrames klines = new BinanceKlineFrames("BTCUSDT", 1_795_000_020_000L - 1_795_000_020_000L % 60_000);
        EmbeddedChannel channel = new EmbeddedChannel();
        recorder.start();
        try {
            for (int i = 0; i < 3; i++) {
                queue.put(ReceivedFrame.text(klines.frame(i), Instant.now(), "c#1", "run.1", i + 1), channel);
            }
            // No force is due for an hour and the file is not finished: the lines are in the file anyway.
            awaitTrue(() -> writer.currentFile().map(FrameRecorderTest::lineCount).orElse(0L) == 3);
            assertThat(writer.forces()).isZero();
        } finally {
            recorder.stop();
        }
        assertThat(writer.forces()).as("finishing the file forces it").isEqualTo(1);
    }

    @Test
    void forcesAQuietStreamsLastLinesWithoutWaitingForMoreFrames() throws Exception {
        HourlyJsonlWriter writer = new HourlyJsonlWriter(STREAM, dir.resolve("bronze"), new RollPolicy(1 << 20, Duration.ofHours(1)),
                Duration.ofMillis(300), "w1test", Clock.systemUTC(), file -> { });
        StreamCounters counters = new StreamCounters(STREAM);
        FrameQueue queue = new FrameQueue(STREAM, 100, 10);
        FrameRecorder recorder = new FrameRecorder(STREAM, "kline_1m", queue, new RawEventCodec(), writer,
                new DeadLetterWriter(STREAM, "kline_1m", dir.resolve("dead-letter"), "w1test", Clock.systemUTC()), counters);
        BinanceKlineFrames klines = new BinanceKlineFrames("BTCUSDT", 1_795_000_020_000L - 1_795_000_020_000L % 60_000);
        recorder.start();
        try {
            queue.put(ReceivedFrame.text(klines.frame(0), Instant.now(), "c#1", "run.1", 1), new EmbeddedChannel());
            awaitTrue(() -> writer.forces() == 1);
            Thread.sleep(600);
            assertThat(writer.forces()).as("nothing new to force").isEqualTo(1);
            assertThat(writer.currentFile()).as("the file is still open").isPresent();
        } finally {
            recorder.stop();
        }
    }

    private static long lineCount(Path file) {
        try {
            return Files.readAllLines(file).size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        Await.until("the condition holds", Duration.ofSeconds(10), condition);
    }
}
