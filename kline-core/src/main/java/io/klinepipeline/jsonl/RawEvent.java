package io.klinepipeline.jsonl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One line of the bronze JSONL contract, decoded: the exchange's message, untouched, with where
 * and when it was received.
 *
 * @param connection the engine's id of the WebSocket connection the message came in on, unique
 *     across engine runs; null on lines written before the field existed
 * @param sequence the message's number on that connection, from 1, counting every message the
 *     engine received on it (also those it could not store): a jump means messages are missing;
 *     0 when the line has no connection
 */
public record RawEvent(String exchange, String symbol, String channel, Instant receivedAt, JsonNode payload,
        String connection, long sequence) {

    /** An event whose connection is unknown (lines of contract version 1 before the connection fields). */
    public static RawEvent unattributed(String exchange, String symbol, String channel, Instant receivedAt, JsonNode payload) {
        return new RawEvent(exchange, symbol, channel, receivedAt, payload, null, 0);
    }

    /** Whether the engine said which connection received it. */
    public boolean hasConnection() {
        return connection != null;
    }
}
