package io.klinepipeline.workers.rest;

import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.RestKlineApi;
import io.klinepipeline.exchange.RestKlineApi.RateLimitAdvice;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one run's kline requests and obeys the exchange's rate-limit advice: waits and retries
 * within the run's budget, and fails with the URL, the status and when to retry once it is spent.
 * One instance per run: it counts requests, retries and time waited.
 */
final class KlineFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(KlineFetcher.class);
    /** A dropped connection or a timeout: retried like a 5xx, after a short pause. */
    static final Duration NETWORK_RETRY_DELAY = Duration.ofSeconds(2);
    private static final int BODY_EXCERPT = 300;

    /** A successful response's candles, the time it arrived, and the pause the exchange advises before the next. */
    record Response(List<Candle> candles, Instant fetchedAt, Duration pauseBeforeNext) {}

    /** How long after a minute's end, by our clock, its candle is taken as over (clock skew, exchange lag). */
    static final Duration SETTLE_MARGIN = Duration.ofSeconds(10);

    private final HttpClient http;
    private final RestKlineApi rest;
    private final Clock clock;
    private final Sleeper sleeper;
    private final BronzeRestOptions options;
    private final String stream;
    private long requests;
    /** The last request sent: the pause its response advised is owed only by requests under the same limit. */
    private URI lastRequest;
    private long retries;
    private Duration waited = Duration.ZERO;

    /** When the last successful response arrived; null before the first. */
    private Instant lastResponseAt;

    KlineFetcher(HttpClient http, RestKlineApi rest, Clock clock, Sleeper sleeper, BronzeRestOptions options, String stream) {
        this(http, rest, clock, sleeper, options, stream, null);
    }

    /** @param lastRequest the venue's last request before this run (another stream's), whose pause the first request may owe */
    KlineFetcher(HttpClient http, RestKlineApi rest, Clock clock, Sleeper sleeper, BronzeRestOptions options, String stream,
            URI lastRequest) {
        this.lastRequest = lastRequest;
        this.http = http;
        this.rest = rest;
        this.clock = clock;
        this.sleeper = sleeper;
        this.options = options;
        this.stream = stream;
    }

    /** A successful response's body, the time it arrived, and the pause the exchange advises before the next. */
    record Body(String text, int status, Instant fetchedAt, Duration pauseBeforeNext) {}

    /** How an endpoint reads a response: proceed, wait and retry, or fail (an exchange's {@code advise}). */
    interface Advisor {
        RateLimitAdvice advise(int status, Function<String, Optional<String>> header, String body);
    }

    /** One kline request: its candles, each final only if over by our clock less a settle margin. */
    Response fetch(URI uri, String symbol) throws RestFetchException, InterruptedException {
        Body body = get(uri, (status, header, text) -> rest.advise(uri, status, header, text));
        try {
            // A candle counts as over only SETTLE_MARGIN after its end by our clock: a clock a
            // little ahead of the exchange's must not store the still-open minute as final.
            List<Candle> candles = rest.parseKlines(symbol, body.text(), body.fetchedAt().minus(SETTLE_MARGIN));
            return new Response(candles, body.fetchedAt(), body.pauseBeforeNext());
        } catch (MalformedPayloadException e) {
            throw malformed(uri, body, "a klines response", e);
        }
    }

    /** The failure for a successful response whose body is not what the endpoint returns. */
    RestFetchException malformed(URI uri, Body body, String expected, MalformedPayloadException e) {
        return new RestFetchException("GET " + uri + " (HTTP " + body.status() + ") returned a body that is not " + expected + ": "
                + e.getMessage() + "; body starts: " + excerpt(body.text()), uri, body.status(), null, e);
    }

    /** GETs {@code uri}, waiting and retrying as {@code advisor} says, within the run's budget. */
    Body get(URI uri, Advisor advisor) throws RestFetchException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(options.requestTimeout())
                .header("Accept", "application/json")
                .GET()
                .build();
        int attempt = 0;
        while (true) {
            requests++;
            lastRequest = uri;
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                waitToRetry(uri, RestFetchException.NO_RESPONSE, NETWORK_RETRY_DELAY, "no response: " + e, attempt++, clock.instant(), e);
                continue;
            }
            Instant fetchedAt = clock.instant();
            int status = response.statusCode();
            RateLimitAdvice advice = advisor.advise(status, name -> response.headers().firstValue(name), response.body());
            switch (advice.action()) {
                case PROCEED -> {
                    lastResponseAt = fetchedAt;
                    return new Body(response.body(), status, fetchedAt, advice.delay());
                }
                case RETRY_AFTER_WAIT -> waitToRetry(uri, status, advice.delay(), advice.reason(), attempt++, fetchedAt, null);
                case FAIL -> throw new RestFetchException("GET " + uri + " failed with HTTP " + status + " (" + advice.reason()
                        + "); body starts: " + excerpt(response.body()), uri, status, null, null);
                default -> throw new IllegalStateException("unknown advice " + advice.action());
            }
        }
    }

    /**
     * The pause the exchange advised before the next request; counts against the run's total wait.
     * None when {@code next} goes to an endpoint with a rate limit of its own (OKX's two candle
     * endpoints): the pause kept the last request's endpoint within its limit.
     */
    void pause(Duration pause, URI next) throws RestFetchException, InterruptedException {
        if (pause.isZero() || pause.isNegative()) {
            return;
        }
        if (lastRequest != null && !rest.sharesRateLimit(lastRequest, next)) {
            LOG.debug("{}: no pause before {}: its endpoint's rate limit is not the last request's", stream, next);
            return;
        }
        if (waited.plus(pause).compareTo(options.maxTotalWait()) > 0) {
            Instant retryAt = clock.instant().plus(pause);
            throw new RestFetchException("before GET " + next + " the exchange's rate limit advises a pause of " + seconds(pause)
                    + ", but this run has already waited " + seconds(waited) + " of its max total wait " + seconds(options.maxTotalWait())
                    + "; retry after " + retryAt, next, RestFetchException.NO_RESPONSE, retryAt, null);
        }
        LOG.info("{}: pausing {} before the next request, as the exchange's rate limit advises", stream, seconds(pause));
        sleep(pause);
    }

    private void waitToRetry(URI uri, int status, Duration delay, String reason, int attempt, Instant at, Throwable cause)
            throws RestFetchException, InterruptedException {
        Instant retryAt = at.plus(delay);
        String what = "GET " + uri + ": " + reason;
        if (delay.compareTo(options.maxWait()) > 0) {
            throw new RestFetchException(what + "; the exchange asks to wait " + seconds(delay) + ", longer than the max wait of "
                    + seconds(options.maxWait()) + "; retry after " + retryAt, uri, status, retryAt, cause);
        }
        if (attempt >= options.maxRetries()) {
            throw new RestFetchException(what + "; gave up after " + options.maxRetries() + " retries; retry after " + retryAt,
                    uri, status, retryAt, cause);
        }
        if (waited.plus(delay).compareTo(options.maxTotalWait()) > 0) {
            throw new RestFetchException(what + "; waiting another " + seconds(delay) + " would exceed the max total wait of "
                    + seconds(options.maxTotalWait()) + " (waited " + seconds(waited) + "); retry after " + retryAt,
                    uri, status, retryAt, cause);
        }
        LOG.warn("{}: {}; retry {} of {} in {}", stream, what, attempt + 1, options.maxRetries(), seconds(delay));
        retries++;
        sleep(delay);
    }

    private void sleep(Duration duration) throws InterruptedException {
        waited = waited.plus(duration);
        sleeper.sleep(duration);
    }

    long requests() {
        return requests;
    }

    URI lastRequest() {
        return lastRequest;
    }

    /** When the last successful response arrived, or null when none did. */
    Instant lastResponseAt() {
        return lastResponseAt;
    }

    long retries() {
        return retries;
    }

    Duration waited() {
        return waited;
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static String excerpt(String body) {
        if (body == null || body.isEmpty()) {
            return "(empty)";
        }
        String flat = body.replaceAll("\\s+", " ");
        return flat.length() <= BODY_EXCERPT ? flat : flat.substring(0, BODY_EXCERPT) + "...";
    }
}
