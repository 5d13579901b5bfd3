package io.klinepipeline.workers.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.chaos.ChaosRow;
import io.klinepipeline.chaos.FuzzBudget;
import io.klinepipeline.chaos.JsonMutator;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.jsonl.BronzeLayout;
import io.klinepipeline.jsonl.RawEvent;
import io.klinepipeline.jsonl.RawEventCodec;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import io.klinepipeline.workers.window.TimeWindow;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ext-to-bronze's whole line path (the local source, CompleteLineReader, the codec, the parser,
 * the dead-letter file and the COPY into PostgreSQL) over generated JSONL files: valid lines,
 * lines whose frame or envelope is damaged, arbitrary bytes (invalid UTF-8, NUL, CR), now and then
 * a line past the reader's limit. The property: the run never fails; every line read is either
 * loaded or dead-lettered with a reason, never both, never neither; and bronze holds exactly the
 * in-window candles of the loaded lines.
 */
@Tag("chaos")
@Tag("fuzz")
class ExtToBronzeLineFuzzTest {
    /** Files (one run each) at scale 1. */
    static final int TRIES = 10;
    private static final Instant FIRST_HOUR = Instant.parse("2026-11-02T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RawEventCodec CODEC = new RawEventCodec();

    @TempDir
    Path dir;

    @Test
    void everyLineIsLoadedOrDeadLetteredWithItsReason() throws Exception {
        Database database = TestDatabases.migrated();
        PipelineConfig config = BronzeFixtures.config(dir);
        Path localDir = config.storage().localDir();
        FuzzBudget budget = FuzzBudget.of(TRIES);
        long linesTotal = 0;
        long deadTotal = 0;
        long rowsTotal = 0;
        for (int attempt = 0; attempt < budget.tries(); attempt++) {
            SplittableRandom random = budget.random(attempt);
            // A window of its own per try (hours apart), so that files, rows and dead letters do not mix.
            Instant hour = FIRST_HOUR.plus(attempt, ChronoUnit.HOURS);
            TimeWindow window = new TimeWindow(hour, hour.plus(1, ChronoUnit.HOURS));
            List<byte[]> lines = lines(hour, random);
            Path file = localDir.resolve(BronzeLayout.hourPrefix(BronzeFixtures.BINANCE, "BTCUSDT", hour)
                    + BronzeLayout.newFileName(hour, "fuzz"));
            Files.createDirectories(file.getParent());
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (byte[] line : lines) {
                content.write(line);
                content.write('\n');
            }
            Files.write(file, content.toByteArray());
            try {
                ExtToBronzeReport report = new ExtToBronzeJob(config, BronzeFixtures.EXCHANGES, database,
                        new LocalJsonlSource(localDir), Clock.fixed(hour.plusSeconds(7200), ZoneOffset.UTC))
                        .run("binance", "BTCUSDT", window);
                account(lines, window, report, database);
                linesTotal += report.lines();
                deadTotal += report.deadLettered();
                rowsTotal += report.rowsLoaded();
            } catch (Throwable e) {
                throw new AssertionError(budget.replay(attempt) + " failed on " + file, e);
            }
        }
        ChaosRow.of("parser", "fuzzed JSONL files through ext-to-bronze").trials(budget.tries()).sent(linesTotal)
                .unrecoveredErrors(0).lost(0).duplicates(0)
                .notes(linesTotal + " lines: " + (linesTotal - deadTotal) + " loaded (" + rowsTotal + " rows), " + deadTotal
                        + " dead-lettered with a reason; seed " + budget.seed())
                .record();
    }

    /** Lines read = lines loaded + lines dead-lettered, each exactly once, and the rows are those of the loaded lines. */
    private static void account(List<byte[]> lines, TimeWindow window, ExtToBronzeReport report, Database database) throws Exception {
        assertThat(report.lines()).as("every complete line is read").isEqualTo(lines.size());
        Map<Long, String> deadLetters = new HashMap<>();
        if (report.deadLetterFile() != null) {
            for (String entry : Files.readAllLines(report.deadLetterFile(), StandardCharsets.UTF_8)) {
                JsonNode node = JSON.readTree(entry);
                assertThat(node.path("error").asText()).as("a dead letter says why: %s", entry).isNotBlank();
                assertThat(deadLetters.put(node.path("line").asLong(), node.path("error").asText()))
                        .as("a line is dead-lettered once: %s", entry).isNull();
            }
        }
        assertThat(deadLetters).hasSize((int) report.deadLettered());
        long expectedRows = 0;
        for (int i = 0; i < lines.size(); i++) {
            long number = i + 1;
            List<Candle> candles = independently(lines.get(i), window.start());
            if (candles == null) {
                assertThat(deadLetters).as("line %d is refused, so dead-lettered", number).containsKey(number);
            } else {
                assertThat(deadLetters).as("line %d is usable, so not dead-lettered", number).doesNotContainKey(number);
                expectedRows += candles.stream().filter(c -> !c.intervalStart().isBefore(window.start())
                        && c.intervalStart().isBefore(window.end())).count();
            }
        }
        assertThat(report.rowsLoaded()).as("rows of the loaded lines").isEqualTo(expectedRows);
        long inBronze = BronzeRows.all(database).stream()
                .filter(r -> !r.intervalStart().isBefore(window.start()) && r.intervalStart().isBefore(window.end())).count();
        assertThat(inBronze).as("bronze holds them, once").isEqualTo(expectedRows);
    }

    /**
     * The line's candles by the contract alone (Binance's parser keeps no state), or null when it
     * must be refused. Bytes decode as the reader decodes them: bad UTF-8 becomes U+FFFD. Files
     * roll at the hour, so a line received well outside its folder's hour is damaged.
     */
    private static List<Candle> independently(byte[] bytes, Instant folderHour) {
        if (bytes.length > CompleteLineReader.MAX_LINE_BYTES) {
            return null;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        try {
            RawEvent event = CODEC.decode(text);
            if (!event.exchange().equals("binance") || !event.symbol().equals("BTCUSDT")
                    || event.receivedAt().isBefore(folderHour.minus(WindowReplay.HOUR_FOLDER_TOLERANCE))
                    || !event.receivedAt().isBefore(folderHour.plus(1, ChronoUnit.HOURS).plus(WindowReplay.HOUR_FOLDER_TOLERANCE))) {
                return null;
            }
            return BronzeFixtures.BINANCE.newPayloadParser("BTCUSDT").parse(event);
        } catch (MalformedPayloadException e) {
            return null;
        }
    }

    /** 20 to 200 lines received within the hour, in received order. */
    private static List<byte[]> lines(Instant hour, SplittableRandom random) throws Exception {
        int count = 20 + random.nextInt(181);
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Instant receivedAt = hour.plusMillis(i * (3_600_000L / count));
            Instant minute = receivedAt.truncatedTo(ChronoUnit.MINUTES);
            BinanceKlineFrame update = BinanceKlineFrame.update(minute, receivedAt, "100.5", "102", "99.75", "101.25", "2", "201", 9);
            String frame = (random.nextInt(4) == 0 ? update.closing() : update).text();
            int pick = random.nextInt(20);
            String line;
            if (pick < 8) {
                line = encode(receivedAt, i, frame);
            } else if (pick < 12) {
                String mutated = JsonMutator.mutate(frame, random);
                line = encode(receivedAt, i, mutated);
                if (line == null) { // not JSON: the engine would have dead-lettered it; ext-to-bronze sees it raw
                    line = mutated.replace('\n', ' ');
                }
            } else if (pick < 16) {
                line = JsonMutator.mutate(encode(receivedAt, i, frame), random).replace('\n', ' ');
            } else if (pick < 19) {
                out.add(randomBytes(random));
                continue;
            } else {
                line = random.nextInt(10) == 0 ? "{\"v\":1,\"payload\":\"" + "x".repeat(CompleteLineReader.MAX_LINE_BYTES) + "\"}"
                        : encode(receivedAt, i, frame).replace("\"BTCUSDT\"", "\"ETHUSDT\""); // another stream's line
            }
            out.add(line.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String encode(Instant receivedAt, int i, String frame) {
        try {
            return CODEC.encode("binance", "BTCUSDT", "kline_1m", receivedAt, "fuzz.1", i + 1, frame);
        } catch (MalformedPayloadException e) {
            return null;
        }
    }

    /** Arbitrary bytes without a line break: invalid UTF-8, NUL, a lone CR. */
    private static byte[] randomBytes(SplittableRandom random) {
        byte[] bytes = new byte[random.nextInt(120)];
        for (int i = 0; i < bytes.length; i++) {
            byte b = (byte) random.nextInt(256);
            bytes[i] = b == '\n' ? (byte) 0xC3 : b;
        }
        return bytes;
    }
}
