package io.klinepipeline.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** Turns one stream's raw payloads, in the order they were received, into candles. */
public interface PayloadParser {

    /**
     * The candles one payload carries; empty for messages that carry none (acks, heartbeats,
     * maintenance notices).
     *
     * @throws MalformedPayloadException when the payload does not have the documented shape
     */
    List<Candle> parse(JsonNode payload, Instant receivedAt) throws MalformedPayloadException;
}
