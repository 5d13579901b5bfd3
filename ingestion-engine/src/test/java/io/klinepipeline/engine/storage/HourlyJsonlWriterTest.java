package io.klinepipeline.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;

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
            String content = Files.readString(writer.currentFile().orElseThrow());
            assertThat(content).endsWith("\n");
            assertThat(content.split("\n")).hasSize(i + 1);
        }
        writer.close();
    }
}
