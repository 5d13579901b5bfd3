package io.klinepipeline.exchange.okx;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.ResponseValues;
import io.klinepipeline.exchange.RestKlineApi;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * OKX v5 market data, two endpoints for 1-minute candles, both answering
 * {@code {"code":"0","msg":"","data":[[ts,o,h,l,c,vol,volCcy,volCcyQuote,confirm],…]}} newest first:
 * <ul>
 *   <li>{@code GET /api/v5/market/candles} ("Get candlesticks"): "the latest 1,440 data entries",
 *       {@code limit} at most 300; 40 requests per 2 s per IP;</li>
 *   <li>{@code GET /api/v5/market/history-candles} ("Get candlesticks history"): "from recent
 *       years"; 20 requests per 2 s per IP; {@code limit} at most 100 in the older docs and 300 in
 *       the current ones: we ask 100, which both accept.</li>
 * </ul>
 * {@code after} returns "records earlier than the requested ts" and {@code before} "records newer
 * than the requested ts", both exclusive. The newest row may be the still-forming candle
 * ({@code confirm "0"}).
 *
 * <p>Errors come in the body's {@code code} (a string) and {@code msg}, often with HTTP 200; too
 * many requests is {@code 50011} ("Rate limit reached"), with HTTP 429 or 200 ("REST API / Error
 * codes").
 */
final class OkxRestKlineApi implements RestKlineApi {
    static final String RECENT_PATH = "/api/v5/market/candles";
    static final String HISTORY_PATH = "/api/v5/market/history-candles";
    static final int RECENT_ENTRIES = 1440;
    static final int RECENT_PAGE = 300;
    static final int HISTORY_PAGE = 100;
    /**
     * /candles only for minutes at least this far inside its 1,440. The endpoint is chosen when the
     * request is sent (bronze-rest splits a planned /candles range that aged out of reach by then),
     * so the margin only covers a clock behind OKX's and the request's time in flight.
     */
    static final int RECENT_MARGIN_MINUTES = 2;
    /** /candles: 40 requests per 2 s per IP, so one every 50 ms. */
    static final Duration RECENT_PACE = Duration.ofMillis(50);
    /** /history-candles: 20 requests per 2 s per IP, so one every 100 ms. */
    static final Duration HISTORY_PACE = Duration.ofMillis(100);
    /** The limits are counted over 2 s windows: wait one whole window. */
    static final Duration RATE_LIMITED_WAIT = Duration.ofSeconds(2);
    static final Duration SERVER_RETRY = Duration.ofSeconds(2);
    static final String OK = "0";
    static final String RATE_LIMIT = "50011";
    /** Service unavailable, request timeout, systems busy, system error: "please try again later". */
    private static final Set<String> TRY_AGAIN = Set.of("50001", "50004", "50013", "50026");

    /** Whether minutes from {@code from} on are well within the 1,440 that /candles serves at {@code now}. */
    static boolean recent(Instant from, Instant now) {
        Instant oldestSafe = now.truncatedTo(ChronoUnit.MINUTES).minus(RECENT_ENTRIES - 1 - RECENT_MARGIN_MINUTES, ChronoUnit.MINUTES);
        return !from.isBefore(oldestSafe);
    }

    @Override
    public int maxCandlesPerRequest(Instant from, Instant now) {
        return recent(from, now) ? RECENT_PAGE : HISTORY_PAGE;
    }

    /**
     * The rows with ts in [from, toExclusive): {@code before} = from − 1 ms (newer than it, so from
     * itself is included), {@code after} = toExclusive (earlier than it).
     */
    @Override
    public URI klinesRequest(URI restBase, String symbol, Instant from, Instant toExclusive, Instant now) {
        String base = restBase.toString();
        boolean recent = recent(from, now);
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                + (recent ? RECENT_PATH : HISTORY_PATH) + "?instId=" + OkxInstruments.spotInstId(symbol)
                + "&bar=1m&after=" + toExclusive.toEpochMilli() + "&before=" + (from.toEpochMilli() - 1)
                + "&limit=" + (recent ? RECENT_PAGE : HISTORY_PAGE));
    }

    /**
     * The rows present, oldest first. A row is final when OKX confirmed it and its minute is over
     * at {@code now}. The body does not name the instrument or the bar: that the rows are this
     * pair's minutes rests on the request.
     */
    @Override
    public List<Candle> parseKlines(String symbol, String body, Instant now) throws MalformedPayloadException {
        JsonNode root = ResponseValues.jsonOrNull(body);
        if (root == null || !root.isObject()) {
            throw new MalformedPayloadException("candles response is not a JSON object");
        }
        JsonNode code = root.get("code");
        if (code == null || !OK.equals(code.asText())) {
            throw new MalformedPayloadException("candles response with code " + (code == null ? "missing" : code.asText()) + msg(root));
        }
        JsonNode rows = root.get("data");
        if (rows == null || !rows.isArray()) {
            throw new MalformedPayloadException("candles response without a 'data' array");
        }
        List<Candle> out = new ArrayList<>(rows.size());
        Set<Instant> seen = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            Candle candle = OkxFields.candle(symbol, rows.get(i), "row " + i);
            if (!seen.add(candle.intervalStart())) {
                throw new MalformedPayloadException("row " + i + " repeats the minute " + candle.intervalStart());
            }
            boolean over = !candle.intervalEnd().isAfter(now);
            out.add(candle.isFinal() && over ? candle : OkxFields.withFinal(candle, false));
        }
        out.sort(Comparator.comparing(Candle::intervalStart));
        return out;
    }

    /** Paced as the slower endpoint, history-candles: which one answered is not in the response. */
    @Override
    public RateLimitAdvice advise(int status, Function<String, Optional<String>> header, String body) {
        return advise(HISTORY_PACE, status, header, body);
    }

    /** Paced by the endpoint asked: each has its own limit. */
    @Override
    public RateLimitAdvice advise(URI request, int status, Function<String, Optional<String>> header, String body) {
        return advise(RECENT_PATH.equals(request.getPath()) ? RECENT_PACE : HISTORY_PACE, status, header, body);
    }

    /** "Rate limit: 40 requests per 2 seconds" and "20 requests per 2 seconds" are each endpoint's own. */
    @Override
    public boolean sharesRateLimit(URI previous, URI next) {
        return previous.getPath().equals(next.getPath());
    }

    private static RateLimitAdvice advise(Duration pace, int status, Function<String, Optional<String>> header, String body) {
        JsonNode root = ResponseValues.jsonOrNull(body);
        String code = root == null || !root.isObject() || !root.has("code") ? null : root.get("code").asText();
        if (status == 429 || RATE_LIMIT.equals(code)) {
            Duration wait = header.apply("Retry-After").flatMap(ResponseValues::seconds).orElse(RATE_LIMITED_WAIT);
            return RateLimitAdvice.retryAfter(wait, "OKX rate limit (HTTP " + status
                    + (code == null ? "" : ", code " + code) + ")" + msg(root));
        }
        if (status >= 500) {
            return RateLimitAdvice.retryAfter(SERVER_RETRY, "HTTP " + status + ": server error" + msg(root));
        }
        if (status != 200) {
            return RateLimitAdvice.fail("HTTP " + status + (code == null ? "" : ", code " + code) + msg(root));
        }
        if (code == null || OK.equals(code)) {
            return RateLimitAdvice.proceed(pace); // without a code, parseKlines says what is wrong with the body
        }
        if (TRY_AGAIN.contains(code)) {
            return RateLimitAdvice.retryAfter(SERVER_RETRY, "OKX code " + code + msg(root));
        }
        // e.g. 51001 "Instrument ID does not exist", 51000 "Parameter bar error": asking again will not help.
        return RateLimitAdvice.fail("OKX code " + code + msg(root));
    }

    private static String msg(JsonNode root) {
        String message = root == null ? "" : root.path("msg").asText("");
        return message.isEmpty() ? "" : ": " + message;
    }
}
