package io.klinepipeline.engine.capture;

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
 */
public record ReceivedFrame(String text, Instant receivedAt, Kind kind, String connection, String connectionId, long sequence) {

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
        return new ReceivedFrame(text, receivedAt, Kind.TEXT, connection, connectionId, sequence);
    }

    public static ReceivedFrame binaryAsBase64(String base64, Instant receivedAt, String connection, String connectionId, long sequence) {
        return new ReceivedFrame(base64, receivedAt, Kind.BINARY, connection, connectionId, sequence);
    }

    public static ReceivedFrame invalidUtf8AsBase64(String base64, Instant receivedAt, String connection, String connectionId, long sequence) {
        return new ReceivedFrame(base64, receivedAt, Kind.INVALID_UTF8, connection, connectionId, sequence);
    }

    /** A note that a frame over the size limit arrived here; the connection it came on is being closed. */
    public static ReceivedFrame oversize(Instant receivedAt, String connection, String connectionId, long sequence) {
        return new ReceivedFrame("", receivedAt, Kind.OVERSIZE, connection, connectionId, sequence);
    }

    /** True when {@link #text()} holds base64 of the frame's bytes rather than the frame itself. */
    public boolean base64() {
        return kind == Kind.BINARY || kind == Kind.INVALID_UTF8;
    }
}
