package io.klinepipeline.exchange;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** An exchange's REST endpoint for 1-minute candle history. */
public interface RestKlineApi {

    /** The most candles one request may return. */
    int maxCandlesPerRequest();

    /** The request for the minutes in [from, toExclusive); at most maxCandlesPerRequest of them. */
    URI klinesRequest(URI restBase, String symbol, Instant from, Instant toExclusive);

    /**
     * The candles of a successful response. A candle whose interval is not over at {@code now} is
     * returned with isFinal false: REST endpoints include the still-open minute.
     */
    List<Candle> parseKlines(String symbol, String body, Instant now) throws MalformedPayloadException;

    /**
     * What to do after a response: proceed, wait and retry, or wait before the next request.
     *
     * @param status the HTTP status
     * @param header a response header by name (case-insensitive)
     */
    RateLimitAdvice advise(int status, Function<String, Optional<String>> header);

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
