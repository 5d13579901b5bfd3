package io.klinepipeline.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.engine.StreamId;
import io.klinepipeline.engine.upload.LeftoverFiles;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.jsonl.BronzeLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
}
