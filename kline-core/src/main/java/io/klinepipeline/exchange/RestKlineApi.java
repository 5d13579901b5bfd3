package io.klinepipeline.exchange;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** An exchange's REST endpoint for 1-minute candle history. */
public interface RestKlineApi {

    /**
     * The most candles one request for minutes from {@code from} on may return, at {@code now}
     * (OKX serves recent and older minutes from endpoints with different page sizes).
     */
    int maxCandlesPerRequest(Instant from, Instant now);

    /**
     * The oldest minute the exchange serves 1-minute candles for at {@code now}, where its history
     * is bounded (Kraken: the last 720 candles); empty when it serves all of it. Older minutes are
     * unfillable from this endpoint, not empty.
     */
    default Optional<Instant> oldestServed(Instant now) {
        return Optional.empty();
    }

    /**
     * The request for the minutes in [from, toExclusive); at most maxCandlesPerRequest(from, now)
     * of them. {@code now} lets an exchange pick its endpoint by the minutes' age.
     */
    URI klinesRequest(URI restBase, String symbol, Instant from, Instant toExclusive, Instant now);

    /**
     * The candles of a successful response. A candle whose interval is not over at {@code now} is
     * returned with isFinal false: REST endpoints include the still-open minute.
     */
    List<Candle> parseKlines(String symbol, String body, Instant now) throws MalformedPayloadException;

    /**
     * What to do after a response: proceed (after a pause that keeps within the exchange's rate),
     * wait and retry, or fail.
     *
     * @param status the HTTP status
     * @param header a response header by name (case-insensitive)
     * @param body the response body: Kraken, OKX and Bybit put rate-limit errors there, with HTTP 200
     */
    RateLimitAdvice advise(int status, Function<String, Optional<String>> header, String body);

    /**
     * As {@link #advise(int, Function, String)}, for a response to {@code request}: an exchange that
     * limits each endpoint on its own (OKX) paces by the endpoint asked.
     */
    default RateLimitAdvice advise(URI request, int status, Function<String, Optional<String>> header, String body) {
        return advise(status, header, body);
    }

    /**
     * Whether a request to {@code next} counts against the same rate limit as the one to
     * {@code previous}; when not, the pause advised after {@code previous} is not owed before
     * {@code next}. Most exchanges limit public requests per IP over all endpoints: yes.
     */
    default boolean sharesRateLimit(URI previous, URI next) {
        return true;
    }

    /** The verdict on one response. */
    record RateLimitAdvice(Action action, Duration delay, String reason) {
        public enum Action { PROCEED, RETRY_AFTER_WAIT, FAIL }

        public static RateLimitAdvice proceed(Duration pauseBeforeNext) {
            return new RateLimitAdvice(Action.PROCEED, pauseBeforeNext, "");
        }

        public static RateLimitAdvice retryAfter(Duration delay, String reason) {
            return new RateLimitAdvice(Action.RETRY_AFTER_WAIT, delay, reason);
        }

        public static RateLimitAdvice fail(String reason) {
            return new RateLimitAdvice(Action.FAIL, Duration.ZERO, reason);
        }
    }
}
