package io.klinepipeline.engine.capture;

import java.time.Instant;

/**
 * One WebSocket message as it came off the wire, stamped on the event loop at receive time.
 *
 * @param text the text frame verbatim; for a binary frame, its bytes in base64
 * @param binary true when the exchange sent a binary frame, which the JSONL contract cannot hold
 * @param connection the label of the connection it came in on, for logs
 */
public record ReceivedFrame(String text, Instant receivedAt, boolean binary, String connection) {

    public static ReceivedFrame text(String text, Instant receivedAt, String connection) {
        return new ReceivedFrame(text, receivedAt, false, connection);
    }

    public static ReceivedFrame binaryAsBase64(String base64, Instant receivedAt, String connection) {
        return new ReceivedFrame(base64, receivedAt, true, connection);
    }
}
