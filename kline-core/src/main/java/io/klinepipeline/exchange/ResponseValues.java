package io.klinepipeline.exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Optional;

/**
 * Reading what an exchange's REST response says about rate limits, the same way for every
 * exchange: header values that are whole numbers (weights, Retry-After seconds, reset
 * timestamps) and error bodies that may or may not be JSON.
 */
public final class ResponseValues {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResponseValues() {}

    /** A header's whole number; empty when it is not one. */
    public static Optional<Long> number(String text) {
        try {
            return Optional.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A header's whole, non-negative number of seconds (Retry-After); empty otherwise (an HTTP date, garbage). */
    public static Optional<Duration> seconds(String text) {
        return number(text).filter(n -> n >= 0).map(Duration::ofSeconds);
    }

    /** The body as JSON, or null when it is empty or not JSON (an HTML error page, a proxy's text). */
    public static JsonNode jsonOrNull(String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
