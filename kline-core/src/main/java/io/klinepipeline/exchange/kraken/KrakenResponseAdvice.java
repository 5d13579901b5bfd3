package io.klinepipeline.exchange.kraken;

import io.klinepipeline.exchange.ResponseValues;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.RestKlineApi.RateLimitAdvice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The verdict on a Kraken public REST answer (OHLC and Trades alike). Kraken's "Spot REST
 * Introduction": "HTTP status codes are generally not used by our API to convey information about
 * the state of requests": errors come in the body's {@code error} array, with HTTP 200, as
 * {@code <severity><category>:<description>}, severity E (error) or W (warning, the request
 * succeeded). Kraken support, "What are the API rate limits?": public endpoints are limited per IP
 * (and per pair for Trades and OHLC); "calling the public endpoints at a frequency of 1 per second
 * (or less) would remain within the rate limits"; past them "additional calls would be restricted
 * for a few seconds (or possibly longer if calls continue to be made)".
 */
final class KrakenResponseAdvice {
    /** 1 s between requests: Kraken's "1 per second (or less)" stays within its public limits. */
    static final Duration PACE = Duration.ofSeconds(1);
    /** Long enough for Kraken's "few seconds" of restriction to lapse without prolonging it. */
    static final Duration RATE_LIMITED_WAIT = Duration.ofSeconds(10);
    static final Duration SERVICE_WAIT = Duration.ofSeconds(5);
    static final Duration SERVER_ERROR_WAIT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private KrakenResponseAdvice() {}

    static RateLimitAdvice advise(int status, Function<String, Optional<String>> header, String body) {
        List<String> errors = errors(body);
        String said = errors.isEmpty() ? "" : ": " + String.join("; ", errors);
        if (status == 429) {
            Duration wait = header.apply("Retry-After").flatMap(ResponseValues::seconds).orElse(RATE_LIMITED_WAIT);
            return RateLimitAdvice.retryAfter(wait, "HTTP 429: too many requests" + said);
        }
        if (status >= 500) {
            return RateLimitAdvice.retryAfter(SERVER_ERROR_WAIT, "HTTP " + status + ": server error" + said);
        }
        if (status != 200) {
            return RateLimitAdvice.fail("HTTP " + status + said);
        }
        for (String error : errors) {
            if (error.startsWith("EGeneral:Too many requests") || error.startsWith("EAPI:Rate limit exceeded")) {
                return RateLimitAdvice.retryAfter(RATE_LIMITED_WAIT, "Kraken rate limit (HTTP 200)" + said);
            }
            if (error.startsWith("EService:Unavailable") || error.startsWith("EService:Busy")) {
                return RateLimitAdvice.retryAfter(SERVICE_WAIT, "Kraken service unavailable (HTTP 200)" + said);
            }
        }
        if (errors.stream().anyMatch(e -> e.startsWith("E"))) {
            // e.g. "EQuery:Unknown asset pair", "EGeneral:Invalid arguments": asking again will not help.
            return RateLimitAdvice.fail("Kraken error (HTTP 200)" + said);
        }
        return RateLimitAdvice.proceed(PACE); // no errors, or only W warnings
    }

    /** The body's error strings; none when the body is not a Kraken JSON object (the parser then says why). */
    static List<String> errors(String body) {
        if (body == null || body.isEmpty()) {
            return List.of();
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return List.of();
        }
        JsonNode error = root == null ? null : root.get("error");
        List<String> out = new ArrayList<>();
        if (error != null && error.isArray()) {
            error.forEach(e -> out.add(e.asText(e.toString())));
        } else if (error != null && error.isTextual()) {
            out.add(error.asText());
        }
        return out;
    }
}
