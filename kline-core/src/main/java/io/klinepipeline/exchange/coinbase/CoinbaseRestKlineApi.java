package io.klinepipeline.exchange.coinbase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.ResponseValues;
import io.klinepipeline.exchange.RestKlineApi;
import io.klinepipeline.exchange.UnixSeconds;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code GET /api/v3/brokerage/market/products/{product_id}/candles?start=<unix s>&end=<unix s>
 * &granularity=ONE_MINUTE&limit=350} (Coinbase Advanced Trade "Get Public Product Candles", no
 * authentication): {@code {"candles":[{"start","low","high","open","close","volume"}]}}, every
 * field a string, newest first. There is no trade count, vwap or quote volume: they stay null.
 * Minutes without trades have no row (Coinbase: "no data is published for intervals where there
 * are no ticks"): the rows present are returned, and the caller records asked-for minutes that
 * have none as empty.
 *
 * <p>The documents do not say whether {@code end} is inclusive, and Coinbase refuses a range of
 * more candles than it serves. We ask {@code end} = the last wanted minute's start + 59 s: that
 * minute is in the range either way, the next one is not, and the range spans less than
 * {@link #MAX_CANDLES} whole minutes. The answer may include the still-open minute: it is not final.
 *
 * <p>Rate limits: public endpoints are limited per IP, 10 requests a second (Coinbase "REST API
 * Rate Limits"); past that HTTP 429.
 */
final class CoinbaseRestKlineApi implements RestKlineApi {
    static final String PATH = "/api/v3/brokerage/market/products/";
    static final int MAX_CANDLES = 350;
    /** 10 requests a second, the public per-IP limit's own rate (one run at a time shares the IP with no other). */
    static final Duration PACE = Duration.ofMillis(100);
    static final Duration RATE_LIMITED_WAIT = Duration.ofSeconds(2);
    static final Duration SERVER_ERROR_WAIT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public int maxCandlesPerRequest(Instant from, Instant now) {
        return MAX_CANDLES;
    }

    @Override
    public URI klinesRequest(URI restBase, String symbol, Instant from, Instant toExclusive, Instant now) {
        String base = restBase.toString();
        long start = from.getEpochSecond();
        long end = toExclusive.getEpochSecond() - 1;
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + PATH
                + CoinbaseStreamProtocol.productId(symbol) + "/candles?start=" + start + "&end=" + end
                + "&granularity=ONE_MINUTE&limit=" + MAX_CANDLES);
    }

    /**
     * The candles oldest first. The body does not name the granularity: that the rows are minutes
     * rests on the request's {@code granularity=ONE_MINUTE}.
     */
    @Override
    public List<Candle> parseKlines(String symbol, String body, Instant now) throws MalformedPayloadException {
        JsonNode root;
        try {
            root = body == null ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MalformedPayloadException("candles response is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedPayloadException("candles response is not a JSON object");
        }
        JsonNode rows = root.get("candles");
        if (rows == null || !rows.isArray()) {
            String message = errorMessage(root);
            throw new MalformedPayloadException("candles response without a 'candles' array"
                    + (message.isEmpty() ? "" : ": " + message));
        }
        List<Candle> out = new ArrayList<>(rows.size());
        Instant previous = null;
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            String what = "candle " + i;
            if (!row.isObject()) {
                throw new MalformedPayloadException(what + " is not an object");
            }
            long seconds = CoinbaseFields.wholeNumber(row.get("start"), what + " 'start'");
            if (seconds % CoinbaseFields.MINUTE_SECONDS != 0) {
                throw new MalformedPayloadException(what + " start " + seconds + " is not on a whole minute");
            }
            Instant start = UnixSeconds.toInstant(seconds, what + " start");
            if (previous != null && !start.isBefore(previous)) {
                throw new MalformedPayloadException(what + " (" + start + ") is not older than the candle before it: "
                        + "Coinbase sends newest first, without repeats");
            }
            previous = start;
            BigDecimal open = CoinbaseFields.nonNegative(row.get("open"), what + " 'open'");
            BigDecimal high = CoinbaseFields.nonNegative(row.get("high"), what + " 'high'");
            BigDecimal low = CoinbaseFields.nonNegative(row.get("low"), what + " 'low'");
            BigDecimal close = CoinbaseFields.nonNegative(row.get("close"), what + " 'close'");
            BigDecimal volume = CoinbaseFields.nonNegative(row.get("volume"), what + " 'volume'");
            if (high.compareTo(low) < 0) {
                throw new MalformedPayloadException(what + " high " + high + " is below low " + low);
            }
            boolean over = !start.plusSeconds(CoinbaseFields.MINUTE_SECONDS).isAfter(now);
            out.add(new Candle(CoinbaseExchange.NAME, symbol, CoinbaseFields.MINUTE_SECONDS, start, open.doubleValue(),
                    high.doubleValue(), low.doubleValue(), close.doubleValue(), volume.doubleValue(), null, null, null, over));
        }
        Collections.reverse(out);
        return out;
    }

    @Override
    public RateLimitAdvice advise(int status, Function<String, Optional<String>> header, String body) {
        String said = errorMessage(ResponseValues.jsonOrNull(body));
        String suffix = said.isEmpty() ? "" : ": " + said;
        if (status == 429) {
            Duration wait = header.apply("Retry-After").flatMap(ResponseValues::seconds).orElse(RATE_LIMITED_WAIT);
            return RateLimitAdvice.retryAfter(wait, "HTTP 429: too many requests" + suffix);
        }
        if (status >= 500) {
            return RateLimitAdvice.retryAfter(SERVER_ERROR_WAIT, "HTTP " + status + ": server error" + suffix);
        }
        if (status < 200 || status >= 300) {
            return RateLimitAdvice.fail("HTTP " + status + suffix);
        }
        return RateLimitAdvice.proceed(PACE);
    }

    /**
     * Advanced Trade errors: {@code {"error":"INVALID_ARGUMENT","error_details":"...","message":"..."}}
     * (some gateways send only {@code error}/{@code message}); empty when the body says nothing.
     */
    static String errorMessage(JsonNode root) {
        if (root == null || !root.isObject()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (String field : new String[] {"error", "message", "error_details"}) {
            JsonNode value = root.get(field);
            if (value != null && value.isTextual() && !value.asText().isBlank() && !parts.contains(value.asText())) {
                parts.add(value.asText());
            }
        }
        return String.join(": ", parts);
    }
}
