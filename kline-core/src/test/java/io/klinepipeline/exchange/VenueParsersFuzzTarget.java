package io.klinepipeline.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.jsonl.RawEvent;
import io.klinepipeline.jsonl.RawEventCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One exchange's parsers as one Jazzer target: its WebSocket payload parser (over a stream of
 * frames, the way the engine stores them and ext-to-bronze reads them back), and its REST kline
 * parser, rate-limit advice and, for Kraken, trades page. Jazzer fuzzes one target per JVM, so the
 * two surfaces share one target per exchange; the input's first byte picks the surface and the
 * coverage feedback finds both.
 *
 * <p>Input: byte 0 even is a stream, its remaining text one frame per line ('\n'); byte 0 odd is
 * a REST response, its remaining text the body. Bits 1-4 of byte 0 pick the HTTP status, bit 5
 * whether the first line of a REST input is the value of the rate-limit headers instead of body.
 *
 * <p>The properties: nothing but {@link MalformedPayloadException}, with a reason, escapes a
 * parser; every candle is one the warehouse can hold ({@link WarehouseCandles}); whatever frame
 * the codec encodes reads back.
 */
final class VenueParsersFuzzTarget {
    /** Frames per stream input: enough for the stateful parsers' minutes to close. */
    static final int MAX_FRAMES = 64;
    private static final Instant START = Instant.parse("2026-11-24T10:15:00Z");
    private static final List<Integer> STATUSES = List.of(200, 200, 200, 400, 403, 404, 418, 429, 500, 503, 200, 200, 429, 418,
            451, 999);
    private static final int SEEDS_PER_SURFACE = 40;
    // Real captures are cut into small seeds: libFuzzer's speed falls with its inputs' length.
    private static final int MAX_REAL_FRAMES = 128;
    private static final int REAL_FRAMES_PER_SEED = 16;
    private static final long MAX_REAL_BODY_BYTES = 16 * 1024;

    private final Exchange exchange;
    private final String symbol;
    private final RawEventCodec codec = new RawEventCodec();

    VenueParsersFuzzTarget(String exchangeName) {
        this.exchange = ExchangeRegistry.standard().get(exchangeName);
        this.symbol = DocumentedMessages.of(exchangeName).symbol();
    }

    void run(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        int selector = input[0] & 0xff;
        String text = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        if ((selector & 1) == 0) {
            stream(text);
        } else {
            rest(text, selector);
        }
    }

    private void stream(String text) throws Exception {
        StreamProtocol stream = exchange.stream();
        PayloadParser parser = exchange.newPayloadParser(symbol);
        String[] frames = text.split("\n", MAX_FRAMES + 1);
        for (int i = 0; i < Math.min(frames.length, MAX_FRAMES); i++) {
            String frame = frames[i];
            StreamProtocol.FrameClass kind = stream.classify(frame);
            assertThat(kind).isNotNull();
            assertThat(kind.kind()).isNotNull();
            assertThat(kind.message()).isNotNull();
            if (kind.kind() == FrameKind.PONG) {
                continue; // counted, not stored
            }
            // Two connections take turns, 20 s apart: the parsers keep per-connection state.
            Instant receivedAt = START.plusSeconds(20L * i);
            String line;
            try {
                line = codec.encode(exchange.name(), symbol, stream.channel(), receivedAt, "fuzz." + (1 + i % 2), i + 1, frame);
            } catch (MalformedPayloadException e) {
                refused(e); // the engine dead-letters a frame that is not JSON
                continue;
            }
            assertThat(line).doesNotContain("\n", "\r");
            RawEvent event = codec.decode(line);
            assertThat(event.exchange()).isEqualTo(exchange.name());
            assertThat(event.sequence()).isEqualTo(i + 1);
            try {
                WarehouseCandles.check(exchange, symbol, parser.parse(event));
            } catch (MalformedPayloadException e) {
                refused(e);
            }
        }
        WarehouseCandles.check(exchange, symbol, parser.finish());
    }

    private void rest(String text, int selector) throws Exception {
        String headerValue = null;
        String body = text;
        if ((selector & 0x20) != 0) {
            int newline = text.indexOf('\n');
            headerValue = newline < 0 ? text : text.substring(0, newline);
            body = newline < 0 ? "" : text.substring(newline + 1);
        }
        RestKlineApi rest = exchange.rest();
        try {
            WarehouseCandles.check(exchange, symbol, rest.parseKlines(symbol, body, START.plusSeconds(90)));
        } catch (MalformedPayloadException e) {
            refused(e);
        }
        int status = STATUSES.get((selector >> 1) & 0xf);
        String value = headerValue;
        Function<String, Optional<String>> header = name -> switch (name.toLowerCase(Locale.ROOT)) {
            case "retry-after", "x-mbx-used-weight-1m", "x-bapi-limit-status", "x-bapi-limit-reset-timestamp" ->
                    Optional.ofNullable(value);
            default -> Optional.empty();
        };
        RestKlineApi.RateLimitAdvice advice = rest.advise(status, header, body);
        assertThat(advice.action()).isNotNull();
        assertThat(advice.delay()).isNotNull();
        assertThat(advice.delay().isNegative()).as("a wait is never negative: %s", advice).isFalse();
        assertThat(advice.reason()).isNotNull();
        if (exchange.tradeHistory().isPresent()) {
            try {
                exchange.tradeHistory().get().page(body);
            } catch (MalformedPayloadException e) {
                refused(e);
            }
        }
    }

    private static void refused(MalformedPayloadException e) {
        assertThat(e.getMessage()).as("a refusal says why").isNotBlank();
    }

    /**
     * The seed corpus: the exchange's documented messages from the structure-aware generator
     * (streams of frames and REST bodies), then the real captures under {@code kline.realData}
     * where that folder exists (read by path, never copied into the repository).
     */
    static Stream<byte[]> seeds(String exchangeName) throws IOException {
        DocumentedMessages messages = DocumentedMessages.of(exchangeName);
        List<byte[]> seeds = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(exchangeName.hashCode());
        for (int s = 0; s < SEEDS_PER_SURFACE; s++) {
            StringBuilder frames = new StringBuilder();
            int count = 1 + random.nextInt(16);
            for (int i = 0; i < count; i++) {
                frames.append(i == 0 ? "" : "\n").append(messages.frame(START.plusSeconds(60L * (i / 3)), i + 1, random));
            }
            seeds.add(input(0, frames.toString()));
            seeds.add(input(1 | (random.nextInt(16) << 1), messages.restBody(START, random)));
        }
        String realData = System.getProperty("kline.realData");
        Path folder = realData == null ? null : Path.of(realData, exchangeName);
        if (folder != null && Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.sorted().toList()) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".json") && Files.size(file) <= MAX_REAL_BODY_BYTES) {
                        seeds.add(input(1, Files.readString(file)));
                    } else if (name.endsWith(".jsonl")) {
                        List<String> frames = receivedFrames(file);
                        for (int from = 0; from < frames.size(); from += REAL_FRAMES_PER_SEED) {
                            seeds.add(input(0, String.join("\n", frames.subList(from, Math.min(frames.size(), from + REAL_FRAMES_PER_SEED)))));
                        }
                    }
                }
            }
        }
        return seeds.stream();
    }

    /** The frames a capture received ({@code {"t":"recv","data":"<frame>"}} lines), at most MAX_REAL_FRAMES. */
    private static List<String> receivedFrames(Path capture) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> frames = new ArrayList<>();
        for (String line : Files.readAllLines(capture, StandardCharsets.UTF_8)) {
            JsonNode record = json.readTree(line);
            if ("recv".equals(record.path("t").asText()) && record.path("data").isTextual() && frames.size() < MAX_REAL_FRAMES) {
                frames.add(record.path("data").asText().replace('\n', ' '));
            }
        }
        return frames;
    }

    private static byte[] input(int selector, String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(selector);
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
