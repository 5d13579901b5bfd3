package io.klinepipeline.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.engine.StreamId;
import io.klinepipeline.engine.capture.ReceivedFrame;
import io.klinepipeline.engine.testing.MutableClock;
import io.klinepipeline.engine.upload.LeftoverFiles;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.jsonl.BronzeLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterWriterTest {
    private static final StreamId STREAM = new StreamId(ExchangeRegistry.standard().get("binance"), "BTCUSDT");
    private static final Instant T0 = Instant.parse("2026-11-24T10:15:03.123456Z");

    @TempDir
    Path localDir;

    @Test
    void deadLettersInsideLocalDirAreNeverTakenForBronzeFiles() throws Exception {
        DeadLetterWriter writer = new DeadLetterWriter(STREAM, "kline_1m", localDir, "w1test", Clock.fixed(T0, ZoneOffset.UTC));
        writer.append(io.klinepipeline.engine.capture.ReceivedFrame.text("<html>502</html>", T0, "c#1", "run.1", 1), "text",
                "frame is not JSON");
        Path file = writer.currentFile();
        writer.close();

        assertThat(file.getFileName().toString()).endsWith(".deadletter.jsonl");
        assertThat(BronzeLayout.isDataFileName(file.getFileName().toString())).isFalse();
        assertThat(LeftoverFiles.recover(localDir, localDir.resolve("dead-letter"))).as("nothing to upload").isEmpty();
        assertThat(Files.readAllLines(file)).hasSize(1);
    }

    /** The JSONL writer's schedule: due half a flush interval after the oldest unforced letter, then nothing due until the next. */
    @Test
    void aDeadLetterIsDueForForcingHalfAFlushIntervalAfterItsReceipt() throws Exception {
        MutableClock clock = new MutableClock(T0);
        try (DeadLetterWriter writer = new DeadLetterWriter(STREAM, "kline_1m", localDir, Duration.ofMillis(1000), "w1test", clock)) {
            assertThat(writer.timeUntilSyncDue()).as("nothing written, nothing to force").isEmpty();
            writer.append(ReceivedFrame.text("not json", T0, "c#1", "run.1", 1), "text", "frame is not JSON");
            clock.advance(Duration.ofMillis(200));
            writer.append(ReceivedFrame.text("not json either", clock.instant(), "c#1", "run.1", 2), "text", "frame is not JSON");
            assertThat(writer.timeUntilSyncDue()).as("counted from the oldest letter").contains(Duration.ofMillis(300));

            clock.advance(Duration.ofMillis(300));
            writer.syncIfDue();
            assertThat(writer.timeUntilSyncDue()).as("both forced").isEmpty();
            assertThat(Files.readAllLines(writer.currentFile())).hasSize(2);
        }
    }
}
