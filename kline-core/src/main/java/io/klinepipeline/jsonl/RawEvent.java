package io.klinepipeline.jsonl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One line of the bronze JSONL contract, decoded: the exchange's message, untouched, with where
 * and when it was received.
 */
public record RawEvent(String exchange, String symbol, String channel, Instant receivedAt, JsonNode payload) {}
