package io.klinepipeline.jsonl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.MalformedPayloadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * The JSONL contract, version 1. One JSON object per line:
 * <pre>{"v":1,"exchange":"binance","symbol":"BTCUSDT","channel":"kline_1m","received_at":"2026-11-24T10:15:03.123456Z","conn":"k3x9a2f1.4","seq":17,"payload":{...}}</pre>
 * {@code payload} is the exchange's text frame verbatim. Readers must ignore keys they do not know.
 * {@code conn} and {@code seq} (the connection that received the frame and the frame's number on
 * it) were added within version 1: lines without them stay readable, their connection is unknown.
 */
public final class RawEventCodec {
    public static final int VERSION = 1;
    private static final DateTimeFormatter RECEIVED_AT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static final DateTimeFormatter UP_TO_SECOND =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.").withZone(ZoneOffset.UTC);
    /** The text of received_at up to its second, for the last second written. */
    private volatile SecondText lastSecond;
    private volatile Envelope lastEnvelope;

    /** Checks frames: Jackson's default limits, 1000 levels of nesting among them. */
    private final ObjectMapper json = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /**
     * Reads lines: the envelope nests the frame one level deeper, so it allows one level more;
     * otherwise a frame just within the limit would be written as a line no reader can read.
     */
    private final ObjectMapper lineJson = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(StreamReadConstraints.DEFAULT_MAX_DEPTH + 1).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /**
     * One line, without its trailing newline. The frame is checked to be one JSON value and kept
     * verbatim; line breaks in it can only be insignificant whitespace (JSON strings cannot hold
     * raw ones), so they become spaces to keep one event per line.
     *
     * @throws MalformedPayloadException when the frame is not a single JSON value
     */
    public String encode(String exchange, String symbol, String channel, Instant receivedAt, String connection,
            long sequence, String frameText) throws MalformedPayloadException {
        if (connection == null || connection.isEmpty() || sequence < 1) {
            throw new IllegalArgumentException("a line needs its connection and a sequence from 1, not " + connection + "/" + sequence);
        }
        checkOneJsonValue(frameText);
        String payload = frameText.strip();
        if (payload.indexOf('\n') >= 0 || payload.indexOf('\r') >= 0) {
            payload = payload.replace('\n', ' ').replace('\r', ' ');
        }
        Envelope envelope = envelope(exchange, symbol, channel, connection);
        StringBuilder line = new StringBuilder(payload.length() + 160);
        line.append(envelope.head());
        appendReceivedAt(line, receivedAt);
        line.append(envelope.conn())
                .append(sequence)
                .append(",\"payload\":").append(payload)
                .append('}');
        return line.toString();
    }

    /** The frame is exactly one JSON value, as the readers (with {@link #lineJson}) will parse it: {@link OneJsonValue}. */
    private void checkOneJsonValue(String frameText) throws MalformedPayloadException {
        try (JsonParser parser = json.getFactory().createParser(frameText)) {
            OneJsonValue.read(parser);
        } catch (JsonProcessingException e) {
            throw new MalformedPayloadException("frame is not JSON: " + e.getOriginalMessage(), e);
        } catch (NumberFormatException e) {
            throw numberOutOfRange("frame", e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a String cannot fail", e);
        }
    }

    /** Decodes one line; throws MalformedPayloadException naming what is wrong. */
    public RawEvent decode(String line) throws MalformedPayloadException {
        JsonNode root;
        try {
            root = lineJson.readTree(line);
        } catch (JsonProcessingException e) {
            throw new MalformedPayloadException("line is not JSON: " + e.getOriginalMessage(), e);
        } catch (NumberFormatException e) {
            throw numberOutOfRange("line", e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedPayloadException("line is not a JSON object");
        }
        JsonNode version = root.get("v");
        if (version == null || !version.isInt() || version.intValue() != VERSION) {
            throw new MalformedPayloadException("unsupported envelope version " + version + " (expected " + VERSION + ")");
        }
        JsonNode payload = root.get("payload");
        if (payload == null) {
            throw new MalformedPayloadException("envelope without 'payload'");
        }
        String receivedAtText = field(root, "received_at");
        Instant receivedAt;
        try {
            receivedAt = Instant.parse(receivedAtText);
        } catch (DateTimeParseException e) {
            throw new MalformedPayloadException("received_at '" + receivedAtText + "' is not an ISO-8601 UTC timestamp");
        }
        JsonNode connection = root.get("conn");
        if (connection == null || connection.isNull()) {
            return RawEvent.unattributed(field(root, "exchange"), field(root, "symbol"), field(root, "channel"), receivedAt, payload);
        }
        JsonNode sequence = root.get("seq");
        if (!connection.isTextual() || connection.asText().isEmpty()) {
            throw new MalformedPayloadException("envelope field 'conn' is not a non-empty string");
        }
        if (sequence == null || !sequence.isIntegralNumber() || !sequence.canConvertToLong() || sequence.longValue() < 1) {
            throw new MalformedPayloadException("envelope field 'seq' missing or not a whole number from 1 (it goes with 'conn')");
        }
        return new RawEvent(field(root, "exchange"), field(root, "symbol"), field(root, "channel"), receivedAt, payload,
                connection.asText(), sequence.longValue());
    }

    /**
     * Jackson reads floats as BigDecimal here (to keep every digit), and a number whose exponent
     * BigDecimal cannot hold (1e9999999999) fails with an unchecked NumberFormatException, not a
     * parse error: it is a refusal like any other, not a reason to stop the engine's writer or a load.
     */
    private static MalformedPayloadException numberOutOfRange(String what, NumberFormatException e) {
        return new MalformedPayloadException(what + " holds a number out of range: " + e.getMessage(), e);
    }

    /**
     * What {@link #formatReceivedAt} writes, without its formatter's cost per frame: the text up to
     * the second changes once a second, so it is kept, and the microseconds are appended.
     */
    private void appendReceivedAt(StringBuilder line, Instant instant) {
        SecondText second = lastSecond;
        if (second == null || second.epochSecond() != instant.getEpochSecond()) {
            second = new SecondText(instant.getEpochSecond(), UP_TO_SECOND.format(instant));
            lastSecond = second; // immutable, so a codec shared by threads at worst formats a second twice
        }
        int micros = instant.getNano() / 1_000;
        line.append(second.text());
        for (int scale = 100_000; scale > 0; scale /= 10) {
            line.append((char) ('0' + micros / scale % 10));
        }
        line.append('Z');
    }

    private record SecondText(long epochSecond, String text) {}

    /**
     * The envelope's text around received_at and seq for one stream and connection: the same for
     * every frame of a connection, so it is quoted once, not four Jackson calls per frame.
     */
    private record Envelope(String exchange, String symbol, String channel, String connection, String head, String conn) {
        boolean isFor(String exchange, String symbol, String channel, String connection) {
            return Objects.equals(this.exchange, exchange) && Objects.equals(this.symbol, symbol)
                    && Objects.equals(this.channel, channel) && this.connection.equals(connection);
        }
    }

    private Envelope envelope(String exchange, String symbol, String channel, String connection) {
        Envelope envelope = lastEnvelope;
        if (envelope == null || !envelope.isFor(exchange, symbol, channel, connection)) {
            String head = "{\"v\":" + VERSION + ",\"exchange\":" + quote(exchange) + ",\"symbol\":" + quote(symbol)
                    + ",\"channel\":" + quote(channel) + ",\"received_at\":\"";
            envelope = new Envelope(exchange, symbol, channel, connection, head, "\",\"conn\":" + quote(connection) + ",\"seq\":");
            lastEnvelope = envelope; // immutable: a codec shared by threads at worst quotes twice
        }
        return envelope;
    }

    /** received_at as written: UTC, always six fractional digits. */
    public static String formatReceivedAt(Instant instant) {
        return RECEIVED_AT.format(instant);
    }

    private static String field(JsonNode root, String name) throws MalformedPayloadException {
        JsonNode node = root.get(name);
        if (node == null || !node.isTextual() || node.asText().isEmpty()) {
            throw new MalformedPayloadException("envelope field '" + name + "' missing or not a string");
        }
        return node.asText();
    }

    private String quote(String text) {
        try {
            return json.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot quote a string", e);
        }
    }
}
