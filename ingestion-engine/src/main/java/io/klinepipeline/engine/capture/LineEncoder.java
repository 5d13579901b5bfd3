package io.klinepipeline.engine.capture;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.jsonl.OneJsonValue;
import io.klinepipeline.jsonl.RawEventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * One stream's frames as JSONL lines, straight from the frame's bytes into a reused buffer: the
 * bytes {@link RawEventCodec#encode} would give, plus the newline, without the Strings, the
 * char[] copy of the frame for the parser and the three copies of the line on the way to the
 * file that the String path costs per frame (they were most of the engine's garbage, and its
 * young collections were the receive-to-file latency's worst tail).
 *
 * <p>The byte path takes only frames whose bytes are all ASCII and hold no NUL: for those, Jackson's
 * byte parser (UTF-8, no encoding guess) reads exactly what the codec's String parser reads. Every
 * other frame, and every frame the byte path refuses, goes through {@link RawEventCodec#encode}
 * itself, so a refusal carries the codec's own reason. Not thread-safe: one recorder owns it.
 */
final class LineEncoder {
    private static final byte[] PAYLOAD = ",\"payload\":".getBytes(StandardCharsets.US_ASCII);

    private final RawEventCodec codec;
    /** The codec's parser settings (Jackson's default limits): the same frames pass. */
    private final JsonFactory json = new ObjectMapper().getFactory();
    private final ObjectMapper quoting = new ObjectMapper();
    private final String exchange;
    private final String symbol;
    private final String channel;
    private byte[] head;
    private String headConnection;
    private byte[] conn;
    private long second = Long.MIN_VALUE;
    private byte[] secondText;
    private byte[] line = new byte[1024];
    private int length;

    LineEncoder(RawEventCodec codec, String exchange, String symbol, String channel) {
        this.codec = codec;
        this.exchange = exchange;
        this.symbol = symbol;
        this.channel = channel;
    }

    /**
     * Encodes a text frame into {@link #bytes()}, which then holds {@link #length()} bytes: the
     * line and its newline.
     *
     * @throws MalformedPayloadException when the frame is not a single JSON value (the codec's reason)
     */
    void encode(ReceivedFrame frame) throws MalformedPayloadException {
        byte[] utf8 = frame.utf8();
        if (utf8 == null || !plainAscii(utf8) || !oneJsonValue(utf8)) {
            byte[] slow = (codec.encode(exchange, symbol, channel, frame.receivedAt(), frame.connectionId(), frame.sequence(),
                    frame.text()) + "\n").getBytes(StandardCharsets.UTF_8);
            ensure(slow.length);
            System.arraycopy(slow, 0, line, 0, slow.length);
            length = slow.length;
            return;
        }
        if (frame.connectionId() == null || frame.connectionId().isEmpty() || frame.sequence() < 1) {
            throw new IllegalArgumentException("a line needs its connection and a sequence from 1, not "
                    + frame.connectionId() + "/" + frame.sequence());
        }
        int from = 0;
        int to = utf8.length;
        while (from < to && whitespace(utf8[from])) {
            from++;
        }
        while (to > from && whitespace(utf8[to - 1])) {
            to--;
        }
        envelope(frame.connectionId());
        ensure(head.length + 27 + conn.length + 20 + PAYLOAD.length + (to - from) + 2);
        length = 0;
        put(head);
        receivedAt(frame.receivedAt());
        put(conn);
        sequence(frame.sequence());
        put(PAYLOAD);
        for (int i = from; i < to; i++) {
            byte b = utf8[i];
            // JSON strings cannot hold a raw line break: these are whitespace, and a line holds one event.
            line[length++] = b == '\n' || b == '\r' ? (byte) ' ' : b;
        }
        line[length++] = '}';
        line[length++] = '\n';
    }

    byte[] bytes() {
        return line;
    }

    int length() {
        return length;
    }

    /** What the codec's strip() removes from a frame that parsed: JSON's own whitespace, nothing else can be there. */
    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** ASCII without NUL: Jackson's byte parser cannot take it for UTF-16 or UTF-32, nor skip a byte-order mark. */
    private static boolean plainAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b <= 0) {
                return false;
            }
        }
        return true;
    }

    /** The codec's check ({@link OneJsonValue}) on the bytes; false: let the codec say why. */
    private boolean oneJsonValue(byte[] utf8) {
        try (JsonParser parser = json.createParser(utf8)) {
            OneJsonValue.read(parser);
            return true;
        } catch (IOException | NumberFormatException | MalformedPayloadException e) {
            return false;
        }
    }

    /** The envelope up to received_at, and from it to seq: quoted as the codec quotes them, once per connection. */
    private void envelope(String connection) {
        if (connection.equals(headConnection)) {
            return;
        }
        try {
            head = ("{\"v\":" + RawEventCodec.VERSION + ",\"exchange\":" + quoting.writeValueAsString(exchange)
                    + ",\"symbol\":" + quoting.writeValueAsString(symbol) + ",\"channel\":" + quoting.writeValueAsString(channel)
                    + ",\"received_at\":\"").getBytes(StandardCharsets.UTF_8);
            conn = ("\",\"conn\":" + quoting.writeValueAsString(connection) + ",\"seq\":").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot quote a string", e);
        }
        headConnection = connection;
    }

    /** received_at as {@link RawEventCodec#formatReceivedAt} writes it; the text up to the second changes once a second. */
    private void receivedAt(Instant at) {
        if (at.getEpochSecond() != second) {
            String text = RawEventCodec.formatReceivedAt(at);
            secondText = text.substring(0, text.length() - 7).getBytes(StandardCharsets.US_ASCII); // up to and with the '.'
            second = at.getEpochSecond();
        }
        put(secondText);
        int micros = at.getNano() / 1_000;
        for (int scale = 100_000; scale > 0; scale /= 10) {
            line[length++] = (byte) ('0' + micros / scale % 10);
        }
        line[length++] = 'Z';
    }

    private void sequence(long value) {
        int start = length;
        do {
            line[length++] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value > 0);
        for (int i = start, j = length - 1; i < j; i++, j--) {
            byte swap = line[i];
            line[i] = line[j];
            line[j] = swap;
        }
    }

    private void put(byte[] bytes) {
        System.arraycopy(bytes, 0, line, length, bytes.length);
        length += bytes.length;
    }

    private void ensure(int capacity) {
        if (line.length < capacity) {
            line = Arrays.copyOf(line, Math.max(capacity, line.length * 2));
        } else if (line.length > (1 << 20) && capacity < 1024) {
            line = new byte[1024]; // one huge frame must not pin its buffer for the stream's life
        }
    }
}
