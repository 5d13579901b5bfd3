package io.klinepipeline.engine.capture;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One WebSocket message as it came off the wire, stamped on the event loop at receive time.
 *
 * @param text the text frame verbatim; for a binary frame or a text frame that is not valid
 *     UTF-8, its bytes in base64
 * @param kind what the exchange sent; only {@link Kind#TEXT} can become a JSONL event
 * @param connection the label of the connection it came in on, for logs
 * @param connectionId the connection's id, stored in the JSONL line
 * @param sequence the message's number on its connection, from 1: stored, so readers see what went missing
 * @param utf8 for a text frame, its bytes as received (the UTF-8 of {@code text}), which the recorder
 *     writes without turning them into text again; null for the other kinds. Not to be changed.
 *     A frame made by {@link #utf8} keeps only these (a queue of frames holds each frame once) and
 *     {@link #text()} decodes them when asked: dead letters, frames that are not ASCII.
 */
public record ReceivedFrame(String text, Instant receivedAt, Kind kind, String connection, String connectionId, long sequence,
        byte[] utf8) {

    /** What came off the wire. */
    public enum Kind {
        TEXT,
        /** A binary frame, which the JSONL contract cannot hold. */
        BINARY,
        /** A text frame whose bytes are not valid UTF-8. */
        INVALID_UTF8,
        /** A frame larger than the engine's frame limit: its bytes were discarded unread, {@code text} is empty. */
        OVERSIZE
    }

    public static ReceivedFrame text(String text, Instant receivedAt, String connection, String connectionId, long sequence) {
        return text(text, text.getBytes(StandardCharsets.UTF_8), receivedAt, connection, connectionId, sequence);
    }

    /** A text frame as received: {@code utf8} must be valid UTF-8, and is kept, not copied. */
    public static ReceivedFrame utf8(byte[] utf8, Instant receivedAt, String connection, String connectionId, long sequence) {
        return new ReceivedFrame(null, receivedAt, Kind.TEXT, connection, connectionId, sequence, utf8);
    }

    private static ReceivedFrame text(String text, byte[] utf8, Instant receivedAt, String connection, String connectionId,
            long sequence) {
        return new ReceivedFrame(text, receivedAt, Kind.TEXT, connection, connectionId, sequence, utf8);
    }

    /** The frame's text (for binary and invalid frames, base64 of their bytes). */
    @Override
    public String text() {
        return text != null ? text : new String(utf8, StandardCharsets.UTF_8);
    }

    public static ReceivedFrame binaryAsBase64(String base64, Instant receivedAt, String connection, String connectionId, long sequence) {
        return new ReceivedFrame(base64, receivedAt, Kind.BINARY, connection, connectionId, sequence, null);
    }

    public static ReceivedFrame invalidUtf8AsBase64(String base64, Instant receivedAt, String connection, String connectionId, long sequence) {
        return new ReceivedFrame(base64, receivedAt, Kind.INVALID_UTF8, connection, connectionId, sequence, null);
    }

    /** A note that a frame over the size limit arrived here; the connection it came on is being closed. */
    public static ReceivedFrame oversize(Instant receivedAt, String connection, String connectionId, long sequence) {
        return new ReceivedFrame("", receivedAt, Kind.OVERSIZE, connection, connectionId, sequence, null);
    }

    /** True when {@link #text()} holds base64 of the frame's bytes rather than the frame itself. */
    public boolean base64() {
        return kind == Kind.BINARY || kind == Kind.INVALID_UTF8;
    }
}
