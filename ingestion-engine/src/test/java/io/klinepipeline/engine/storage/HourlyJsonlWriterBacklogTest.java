package io.klinepipeline.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.engine.StreamId;
import io.klinepipeline.engine.testing.MutableClock;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.jsonl.RawEventCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recorder that fell behind (the disk was full or slow) writes lines received long ago, calling
 * {@link HourlyJsonlWriter#rollIfDue()} between them: files must still hold many lines each, not
 * one line per file (which, on a file system that was just full, fills it again).
 */
class HourlyJsonlWriterBacklogTest {
    private static final StreamId STREAM = new StreamId(ExchangeRegistry.standard().get("binance"), "BTCUSDT");

    @TempDir
    Path dir;

    private final RawEventCodec codec = new RawEventCodec();
    private final List<Path> finished = new CopyOnWriteArrayList<>();

    private String line(Instant receivedAt, int n) throws Exception {
        return codec.encode("binance", "BTCUSDT", "kline_1m", receivedAt, "run.1", n + 1, "{\"n\":" + n + "}");
    }

    @Test
    void aBacklogOlderThanTheFileAgeIsWrittenIntoFewFilesNotOnePerLine() throws Exception {
        Instant received = Instant.parse("2026-11-24T10:20:00Z");
        MutableClock clock = new MutableClock(received.plusSeconds(30)); // 30 s behind, file age 2 s
        HourlyJsonlWriter writer = new HourlyJsonlWriter(STREAM, dir, new RollPolicy(1 << 20, Duration.ofSeconds(2)),
                "w1test", clock, finished::add);
        for (int n = 0; n < 100; n++) {
            writer.append(line(received.plusMillis(10L * n), n), received.plusMillis(10L * n));
            writer.rollIfDue();
        }
        assertThat(finished).as("no file finished while catching up within a second of the clock").isEmpty();
        clock.advance(Duration.ofSeconds(2));
        writer.rollIfDue();
        assertThat(finished).hasSize(1);
        assertThat(Files.readAllLines(finished.get(0))).hasSize(100);
    }

    @Test
    void aBacklogOfAnHourThatIsOverIsNotWrittenOneLinePerFile() throws Exception {
        Instant received = Instant.parse("2026-11-24T10:59:59Z");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-24T11:00:05Z"));
        HourlyJsonlWriter writer = new HourlyJsonlWriter(STREAM, dir, new RollPolicy(1 << 20, Duration.ofSeconds(60)),
                "w1test", clock, finished::add);
        for (int n = 0; n < 50; n++) {
            writer.append(line(received.plusMillis(10L * n), n), received.plusMillis(10L * n));
            writer.rollIfDue();
        }
        assertThat(finished).isEmpty();
        Instant nextHour = Instant.parse("2026-11-24T11:00:00.001Z");
        writer.append(line(nextHour, 50), nextHour); // a line of the next hour finishes the old hour's file
        assertThat(finished).hasSize(1);
        assertThat(Files.readAllLines(finished.get(0))).hasSize(50);
        writer.close();
    }
}
