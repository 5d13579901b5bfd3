package io.klinepipeline.workers.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.DocumentedMessages;
import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.jsonl.RawEvent;
import io.klinepipeline.jsonl.RawEventCodec;
import io.klinepipeline.workers.window.TimeWindow;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ext-to-bronze's line path under Jazzer, coverage-guided: one hour's JSONL file of arbitrary
 * bytes through the reader, the codec, an exchange's parser and the dead-letter file, as
 * {@link WindowReplay} runs them for a load (the COPY into PostgreSQL is left to
 * ExtToBronzeLineFuzzTest, which runs whole jobs). Input: byte 0 picks the exchange, the rest is
 * the file.
 *
 * <p>The property: nothing escapes; each complete line read is loaded or, when refused and it
 * belongs to this window, dead-lettered once with its reason, and exactly those; the rows handed on
 * are the in-window candles of the loaded lines. What to expect is worked out line by line from the
 * contract (WindowReplay's documented rules, the codec, a parser of its own), not from the replay.
 */
@Tag("fuzz")
class ExtToBronzeLinesJazzerFuzzTest {
    private static final List<String> EXCHANGES = List.of("binance", "coinbase", "kraken", "bybit", "okx");
    private static final ExchangeRegistry REGISTRY = ExchangeRegistry.standard();
    private static final Instant HOUR = Instant.parse("2026-11-24T10:00:00Z");
    private static final TimeWindow WINDOW = new TimeWindow(HOUR, HOUR.plus(Duration.ofHours(1)));
    private static final Instant READ_UNTIL = WINDOW.end().plus(Duration.ofMinutes(2));
    private static final String OBJECT = "fuzz.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RawEventCodec CODEC = new RawEventCodec();
    @TempDir
    static Path deadLetterDir;

    @MethodSource("seeds") // before @FuzzTest, as Jazzer requires
    @DictionaryEntries({"{\"v\":1,", "\"exchange\":", "\"symbol\":", "\"channel\":", "\"received_at\":", "\"conn\":",
            "\"seq\":", "\"payload\":", "2026-11-24T10:15:03.123456Z", "+10000-01-01T00:00:00.000000Z", "\u2028"})
    @DictionaryFile(resourcePath = "/io/klinepipeline/exchange/exchange-messages.dict")
    @FuzzTest
    void everyLineIsLoadedOrDeadLetteredWithItsReason(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        String name = EXCHANGES.get((input[0] & 0xff) % EXCHANGES.size());
        Exchange exchange = REGISTRY.get(name);
        String symbol = DocumentedMessages.of(name).symbol();
        byte[] file = Arrays.copyOfRange(input, 1, input.length);

        Path deadLetterPath = deadLetterDir.resolve("dead-letters.jsonl"); // removed after each input
        List<Candle> rows = new ArrayList<>();
        WindowReplay replay;
        try (DeadLetterFile deadLetters = new DeadLetterFile(deadLetterPath)) {
            replay = new WindowReplay(name, symbol, new ReplaceScope(WINDOW, Set.of(HOUR)), READ_UNTIL, new BytesSource(file),
                    CODEC, exchange.newPayloadParser(symbol), ExtToBronzeJob.shortcutFor(name, symbol), (candle, receivedAt) -> rows.add(candle),
                    deadLetters, "fuzz");
            replay.read(OBJECT, HOUR);
            replay.finish();
        }
        Map<Long, String> deadLettered = new HashMap<>();
        if (Files.exists(deadLetterPath)) {
            for (String entry : Files.readAllLines(deadLetterPath, StandardCharsets.UTF_8)) {
                JsonNode node = JSON.readTree(entry);
                assertThat(node.path("error").asText()).as("a dead letter says why: %s", entry).isNotBlank();
                assertThat(deadLettered.put(node.path("line").asLong(), node.path("error").asText()))
                        .as("a line is dead-lettered once: %s", entry).isNull();
            }
            Files.delete(deadLetterPath);
        }
        Expected expected = expected(exchange, symbol, file);
        assertThat(replay.lines()).as("lines read").isEqualTo(expected.lines);
        assertThat(deadLettered.keySet()).as("the lines dead-lettered").isEqualTo(expected.deadLettered);
        assertThat(rows).as("the rows of the loaded lines").hasSize(expected.rows);
    }

    private record Expected(long lines, Set<Long> deadLettered, int rows) {}

    /** What the contract says of this file, line by line, with a parser of its own. */
    private static Expected expected(Exchange exchange, String symbol, byte[] file) {
        PayloadParser parser = exchange.newPayloadParser(symbol);
        Set<Long> deadLettered = new TreeSet<>();
        long lines = 0;
        int rows = 0;
        Instant lastReceived = null;
        int start = 0;
        long number = 0;
        for (int i = 0; i < file.length; i++) {
            if (file[i] != '\n') {
                continue;
            }
            number++;
            byte[] bytes = Arrays.copyOfRange(file, start, i);
            start = i + 1;
            String text = new String(bytes, 0, Math.min(bytes.length, CompleteLineReader.MAX_LINE_BYTES), StandardCharsets.UTF_8);
            text = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            RawEvent event = null;
            if (bytes.length <= CompleteLineReader.MAX_LINE_BYTES) {
                try {
                    event = CODEC.decode(text);
                } catch (MalformedPayloadException e) {
                    event = null;
                }
            }
            if (event == null) { // cut or not an envelope: its time is the last good line's, else it is the folder's
                lines++;
                if (lastReceived == null || inWindow(lastReceived)) {
                    deadLettered.add(number);
                }
                continue;
            }
            if (!inHour(event.receivedAt())) { // files roll at the hour: a time outside the folder's is damage, so no time
                lines++;
                if (lastReceived == null || inWindow(lastReceived)) {
                    deadLettered.add(number);
                }
                continue;
            }
            if (event.receivedAt().isAfter(READ_UNTIL)) {
                break; // received order: nothing after it is for the window
            }
            lines++;
            lastReceived = event.receivedAt();
            List<Candle> candles = null;
            if (exchange.name().equals(event.exchange()) && symbol.equals(event.symbol())) {
                try {
                    candles = parser.parse(event);
                } catch (MalformedPayloadException e) {
                    candles = null;
                }
            }
            if (candles == null) {
                if (inWindow(event.receivedAt())) {
                    deadLettered.add(number);
                }
                continue;
            }
            rows += (int) candles.stream().filter(c -> inWindow(c.intervalStart())).count();
        }
        rows += (int) parser.finish().stream().filter(c -> inWindow(c.intervalStart())).count();
        return new Expected(lines, deadLettered, rows);
    }

    private static boolean inHour(Instant instant) {
        return !instant.isBefore(HOUR.minus(WindowReplay.HOUR_FOLDER_TOLERANCE))
                && instant.isBefore(HOUR.plus(Duration.ofHours(1)).plus(WindowReplay.HOUR_FOLDER_TOLERANCE));
    }

    private static boolean inWindow(Instant instant) {
        return !instant.isBefore(WINDOW.start()) && instant.isBefore(WINDOW.end());
    }

    /** An hour's file from each exchange's documented frames, now and then damaged, as the engine writes them. */
    static Stream<byte[]> seeds() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int e = 0; e < EXCHANGES.size(); e++) {
            DocumentedMessages messages = DocumentedMessages.of(EXCHANGES.get(e));
            for (int s = 0; s < 6; s++) {
                ByteArrayOutputStream file = new ByteArrayOutputStream();
                file.write(e);
                int count = 1 + random.nextInt(24);
                for (int i = 0; i < count; i++) {
                    Instant receivedAt = HOUR.plusSeconds(20L * i + 150L * s);
                    String frame = messages.frame(receivedAt.truncatedTo(ChronoUnit.MINUTES), i + 1, random);
                    String line;
                    try {
                        line = CODEC.encode(EXCHANGES.get(e), messages.symbol(), "fuzz", receivedAt, "fuzz.1", i + 1, frame);
                    } catch (MalformedPayloadException notJson) {
                        line = frame; // OKX's "pong": the engine never stores it; here it is a damaged line
                    }
                    file.writeBytes(line.getBytes(StandardCharsets.UTF_8));
                    file.write('\n');
                }
                seeds.add(file.toByteArray());
            }
        }
        return seeds.stream();
    }

    /** One object held in memory. */
    private static final class BytesSource implements JsonlObjectSource {
        private final byte[] content;

        BytesSource(byte[] content) {
            this.content = content;
        }

        @Override
        public List<String> fileNames(String folder) {
            return List.of(OBJECT);
        }

        @Override
        public InputStream open(String name) {
            return new ByteArrayInputStream(content);
        }

        @Override
        public String describe(String name) {
            return "memory:" + name;
        }
    }
}
