package io.klinepipeline.exchange.bybit;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.ResponseValues;
import io.klinepipeline.exchange.RestKlineApi;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code GET /v5/market/kline?category=spot} (Bybit v5 "Market / Get Kline"): at most 1000 rows
 * ({@code limit} 1-1000), "sort in reverse by startTime", each
 * {@code ["startTime ms","open","high","low","close","volume","turnover"]}, all strings, inside
 * {@code {"retCode":0,"retMsg":"OK","result":{"category":"spot","symbol":…,"list":[…]},"time":<ms>}}.
 * {@code start} and {@code end} both bound the start time inclusively: the documented example asks
 * start=1670601600000&end=1670608800000 at interval 60 and gets the three hours 1670601600000,
 * 1670605200000 and 1670608800000.
 *
 * <p>Rate limits (Bybit v5 "Rate Limit Rules"): 600 requests per 5 s per IP; past it Bybit answers
 * HTTP 403 "access too frequent" and the IP must wait at least 10 minutes. The per-second API
 * limit is answered with HTTP 200 and {@code "retCode": 10006, "retMsg": "Too many visits!"};
 * {@code X-Bapi-Limit} / {@code X-Bapi-Limit-Status} give the limit and what is left of it, and
 * {@code X-Bapi-Limit-Reset-Timestamp} when it resets (Bybit v5 "Error Codes" for 10000, 10016,
 * 10018).
 */
final class BybitRestKlineApi implements RestKlineApi {
    static final String PATH = "/v5/market/kline";
    static final int MAX_ROWS = 1000;
    /**
     * The IP limit's own rate, 600 requests per 5 s: one request every 8.33 ms. The limit is per IP
     * and a run paces only itself: make run launches one run at a time, so the run's pace is the IP's.
     * Bybit's 10-minute ban for going over is why the pace is never faster than this.
     */
    static final Duration PACE = Duration.ofSeconds(5).dividedBy(600);
    /** "wait for at least 10 minutes. The ban will be lifted automatically." */
    static final Duration IP_BAN = Duration.ofMinutes(10);
    /** The API limit is a rolling one-second window. */
    static final Duration LIMIT_WINDOW = Duration.ofSeconds(1);
    static final Duration SERVER_RETRY = Duration.ofSeconds(2);
    static final int TOO_MANY_VISITS = 10006;
    static final int IP_RATE_LIMIT = 10018;
    static final int SERVER_TIMEOUT = 10000;
    static final int SERVER_ERROR = 10016;

    private final Clock clock;

    /** @param clock for reset timestamps when a response does not carry Bybit's own {@code time} */
    BybitRestKlineApi(Clock clock) {
        this.clock = clock;
    }

    @Override
    public int maxCandlesPerRequest(Instant from, Instant now) {
        return MAX_ROWS;
    }

    @Override
    public URI klinesRequest(URI restBase, String symbol, Instant from, Instant toExclusive, Instant now) {
        String base = restBase.toString();
        // end is inclusive on the start time: the last minute wanted starts before toExclusive.
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + PATH
                + "?category=spot&symbol=" + symbol + "&interval=1&start=" + from.toEpochMilli()
                + "&end=" + (toExclusive.toEpochMilli() - 1) + "&limit=" + MAX_ROWS);
    }

    /**
     * The candles oldest first. The body does not name the interval: that the rows are minutes
     * rests on the request's {@code interval=1}.
     */
    @Override
    public List<Candle> parseKlines(String symbol, String body, Instant now) throws MalformedPayloadException {
        JsonNode root = ResponseValues.jsonOrNull(body);
        if (root == null || !root.isObject()) {
            throw new MalformedPayloadException("kline response is not a JSON object");
        }
        JsonNode retCode = root.get("retCode");
        if (retCode == null || !retCode.isIntegralNumber()) {
            throw new MalformedPayloadException("kline response without an integer 'retCode'");
        }
        if (retCode.intValue() != 0) {
            throw new MalformedPayloadException("kline response retCode " + retCode.intValue() + ": " + root.path("retMsg").asText(""));
        }
        JsonNode result = root.get("result");
        if (result == null || !result.isObject()) {
            throw new MalformedPayloadException("kline response without a 'result' object");
        }
        if (result.has("category") && !"spot".equals(result.get("category").asText())) {
            throw new MalformedPayloadException("kline response for category '" + result.get("category").asText() + "', not spot");
        }
        if (result.has("symbol") && !symbol.equals(result.get("symbol").asText())) {
            throw new MalformedPayloadException("kline response for " + result.get("symbol").asText() + ", not " + symbol);
        }
        JsonNode rows = result.get("list");
        if (rows == null || !rows.isArray()) {
            throw new MalformedPayloadException("kline response without a 'result.list' array");
        }
        List<Candle> out = new ArrayList<>(rows.size());
        Instant previous = null;
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            if (!row.isArray() || row.size() < 7) {
                throw new MalformedPayloadException("kline row " + i + " is not an array of at least 7 fields");
            }
            Instant start = BybitFields.minuteStart(BybitFields.wholeNumberText(row.get(0), "start time of row " + i));
            if (previous != null && !start.isBefore(previous)) {
                throw new MalformedPayloadException("kline row " + i + " (" + start + ") is not older than the row before it: "
                        + "Bybit sends newest first, without repeats");
            }
            previous = start;
            boolean over = !start.plusSeconds(BybitFields.MINUTE_SECONDS).isAfter(now);
            out.add(BybitFields.candle("bybit", symbol, start,
                    BybitFields.decimal(row.get(1), "open of row " + i), BybitFields.decimal(row.get(2), "high of row " + i),
                    BybitFields.decimal(row.get(3), "low of row " + i), BybitFields.decimal(row.get(4), "close of row " + i),
                    BybitFields.decimal(row.get(5), "volume of row " + i), BybitFields.decimal(row.get(6), "turnover of row " + i),
                    over));
        }
        Collections.reverse(out);
        return out;
    }

    @Override
    public RateLimitAdvice advise(int status, Function<String, Optional<String>> header, String body) {
        if (status == 403) {
            return RateLimitAdvice.retryAfter(IP_BAN,
                    "HTTP 403: Bybit's IP limit (600 requests per 5 s) was breached; the IP must wait at least 10 minutes");
        }
        JsonNode root = ResponseValues.jsonOrNull(body);
        Instant serverNow = serverTime(root);
        if (status == 429) {
            // Not in Bybit's v5 rules, but a 429 means the same everywhere.
            return RateLimitAdvice.retryAfter(untilReset(header, serverNow, LIMIT_WINDOW), "HTTP 429: too many requests");
        }
        if (status >= 500) {
            return RateLimitAdvice.retryAfter(SERVER_RETRY, "HTTP " + status + ": server error");
        }
        if (status != 200) {
            return RateLimitAdvice.fail("HTTP " + status + retMsg(root));
        }
        JsonNode retCode = root == null ? null : root.get("retCode");
        if (retCode == null || !retCode.isIntegralNumber()) {
            return RateLimitAdvice.proceed(PACE); // parseKlines says what is wrong with the body
        }
        switch (retCode.intValue()) {
            case 0:
                return RateLimitAdvice.proceed(pace(header, serverNow));
            case TOO_MANY_VISITS:
                return RateLimitAdvice.retryAfter(untilReset(header, serverNow, LIMIT_WINDOW),
                        "retCode 10006: API rate limit hit" + retMsg(root));
            case IP_RATE_LIMIT:
                return RateLimitAdvice.retryAfter(IP_BAN, "retCode 10018: IP rate limit exceeded" + retMsg(root));
            case SERVER_TIMEOUT:
            case SERVER_ERROR:
                return RateLimitAdvice.retryAfter(SERVER_RETRY, "retCode " + retCode.intValue() + ": server error" + retMsg(root));
            default:
                return RateLimitAdvice.fail("retCode " + retCode.intValue() + retMsg(root));
        }
    }

    /** The usual pace; a full window's wait when what is left of the limit runs low (under a tenth). */
    private Duration pace(Function<String, Optional<String>> header, Instant serverNow) {
        Optional<Long> remaining = header.apply("X-Bapi-Limit-Status").flatMap(ResponseValues::number);
        Optional<Long> limit = header.apply("X-Bapi-Limit").flatMap(ResponseValues::number);
        if (remaining.isPresent() && limit.isPresent() && remaining.get() <= Math.max(1, limit.get() / 10)) {
            Duration untilReset = untilReset(header, serverNow, LIMIT_WINDOW);
            return untilReset.compareTo(LIMIT_WINDOW) > 0 ? untilReset : LIMIT_WINDOW;
        }
        return PACE;
    }

    /** The wait until X-Bapi-Limit-Reset-Timestamp, at least {@link #PACE}; {@code fallback} without the header. */
    private static Duration untilReset(Function<String, Optional<String>> header, Instant serverNow, Duration fallback) {
        Optional<Long> reset = header.apply("X-Bapi-Limit-Reset-Timestamp").flatMap(ResponseValues::number);
        if (reset.isEmpty()) {
            return fallback;
        }
        Duration wait = Duration.between(serverNow, Instant.ofEpochMilli(reset.get()));
        return wait.compareTo(PACE) < 0 ? PACE : wait;
    }

    /** Bybit's own time of the response, so that its reset timestamp is read on its clock; ours without one. */
    private Instant serverTime(JsonNode root) {
        JsonNode time = root == null ? null : root.get("time");
        return time != null && time.isIntegralNumber() ? Instant.ofEpochMilli(time.longValue()) : clock.instant();
    }

    private static String retMsg(JsonNode root) {
        String message = root == null ? "" : root.path("retMsg").asText("");
        return message.isEmpty() ? "" : ": " + message;
    }
}
