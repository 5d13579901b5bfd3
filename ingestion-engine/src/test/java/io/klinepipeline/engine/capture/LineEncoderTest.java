package io.klinepipeline.engine.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.chaos.FuzzBudget;
import io.klinepipeline.chaos.JsonMutator;
import io.klinepipeline.exchange.DocumentedMessages;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.jsonl.RawEventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The recorder's byte path writes what the JSONL contract's codec writes, byte for byte, and refuses
 * what it refuses with the codec's reason: ext-to-bronze and every reader of bronze files read the
 * lines, so the byte path may be faster but never different.
 */
class LineEncoderTest {
    static final int TRIES = 3000;
    private static final List<String> EXCHANGES = List.of("binance", "coinbase", "kraken", "bybit", "okx");
    private static final Instant MINUTE = Instant.parse("2026-11-24T10:15:00Z");
    private final RawEventCodec codec = new RawEventCodec();

    @Test
    void everyFrameBecomesTheCodecsLineOrTheCodecsRefusal() {
        FuzzBudget budget = FuzzBudget.of(TRIES);
        // One encoder for all tries, as a recorder keeps one: its reused buffer and cached texts must not leak between frames.
        LineEncoder encoder = new LineEncoder(codec, "binance", "BTCUSDT", "kline_1m");
        int written = 0;
        int refused = 0;
        for (int attempt = 0; attempt < budget.tries(); attempt++) {
            SplittableRandom random = budget.random(attempt);
            String frame = frame(random);
            Instant receivedAt = MINUTE.plusSeconds(random.nextInt(7_200) - 3_600).plusNanos(random.nextInt(1_000_000_000));
            String connection = random.nextInt(4) == 0 ? "k3x9\u00e9.\"" + random.nextInt(9) : "k3x9a2f1." + random.nextInt(3);
            long sequence = 1 + (random.nextBoolean() ? random.nextInt(1000) : random.nextLong(Long.MAX_VALUE));
            String context = budget.replay(attempt) + ": " + frame;
            Outcome expected = codec(frame, receivedAt, connection, sequence);
            Outcome actual = encoder(encoder, frame, receivedAt, connection, sequence);
            assertThat(actual).as(context).isEqualTo(expected);
            if (expected.line() != null) {
                written++;
            } else {
                refused++;
            }
        }
        // Both sides of the comparison were exercised, or the test proves nothing.
        assertThat(written).isGreaterThan(budget.tries() / 10);
        assertThat(refused).isGreaterThan(budget.tries() / 10);
    }

    @Test
    void edgeFramesBecomeTheCodecsLineOrTheCodecsRefusal() {
        LineEncoder encoder = new LineEncoder(codec, "binance", "BTCUSDT", "kline_1m");
        String deepest = "[".repeat(1000) + "]".repeat(1000);
        List<String> frames = new ArrayList<>(List.of(
                "{\"e\":\"kline\"}", "  {\"a\":1}\n", "{\n  \"a\": \"x\",\r\n  \"b\": [1,\t2]\r\n}\r\n", "\t[]", "0", "\"text\"",
                "1.5e3", "{\"result\":9e4223372036854775807}", "{} {}", "{}]", "", " ", "pong", "{\"a\":\"caf\u00e9\"}",
                "\ufeff{\"a\":1}", "\u0000{\"a\":1}", "{\"a\":1}\u0000", "\u0000\u0000\u0000{", "{\"a\":\"\u2028\"}", "{\"a\":\"\t\"}",
                deepest, "[" + deepest + "]", "{\"a\":-0.0000000000000000000000001}", "{\"a\":NaN}", "{'a':1}", "{\"a\":01}",
                "{\"a\":1}\u000b", "\u00a0{\"a\":1}", "{\"a\":\"" + "x".repeat(5000) + "\"}", "{\"a\":1}"));
        Instant receivedAt = Instant.parse("2026-12-31T23:59:59.999999Z");
        long sequence = 1;
        for (String frame : frames) {
            for (Instant at : List.of(receivedAt, receivedAt.plusNanos(1_000), Instant.EPOCH, Instant.parse("+10000-01-01T00:00:00Z"))) {
                assertThat(encoder(encoder, frame, at, "c.1", sequence)).as(frame)
                        .isEqualTo(codec(frame, at, "c.1", sequence));
                sequence = sequence > Long.MAX_VALUE / 11 ? 1 : sequence * 10 + 7; // up to 19 digits
            }
        }
    }

    private static String frame(SplittableRandom random) {
        DocumentedMessages messages = DocumentedMessages.of(EXCHANGES.get(random.nextInt(EXCHANGES.size())));
        String valid = messages.frame(MINUTE, 1 + random.nextInt(100), random);
        String frame = switch (random.nextInt(6)) {
            case 0, 1 -> valid;
            case 2 -> " \r\n" + valid.replace(",", ",\n  ") + "\n";
            case 3, 4 -> JsonMutator.mutate(valid, random);
            default -> JsonMutator.randomText(random, 200);
        };
        // What a WebSocket text frame can hold: valid UTF-8 (the engine dead-letters the rest), so no lone surrogate.
        return new String(frame.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    /** The line (with its newline) as the codec writes it, or its refusal. */
    private Outcome codec(String frame, Instant receivedAt, String connection, long sequence) {
        try {
            return Outcome.line(codec.encode("binance", "BTCUSDT", "kline_1m", receivedAt, connection, sequence, frame) + "\n");
        } catch (MalformedPayloadException e) {
            return Outcome.refused(e.getMessage());
        }
    }

    private static Outcome encoder(LineEncoder encoder, String frame, Instant receivedAt, String connection, long sequence) {
        try {
            // As the engine makes it: the bytes only, the text decoded from them when the codec's path needs it.
            encoder.encode(ReceivedFrame.utf8(frame.getBytes(StandardCharsets.UTF_8), receivedAt, "test", connection, sequence));
            return Outcome.line(new String(encoder.bytes(), 0, encoder.length(), StandardCharsets.UTF_8));
        } catch (MalformedPayloadException e) {
            return Outcome.refused(e.getMessage());
        }
    }

    private record Outcome(String line, String refusal) {
        static Outcome line(String line) {
            return new Outcome(line, null);
        }

        static Outcome refused(String reason) {
            return new Outcome(null, reason);
        }
    }
}
