package io.klinepipeline.exchange.binance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.ResponseValues;
import io.klinepipeline.exchange.RestKlineApi;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code GET /api/v3/klines}: oldest first, at most 1000 rows, each
 * {@code [open ms, "o", "h", "l", "c", "volume", close ms, "quote volume", trades, ...]}.
 * Rate limits (Binance "LIMITS"): request weight per minute in {@code X-MBX-USED-WEIGHT-1M}
 * (6000 allowed); 429 asks the client to back off for {@code Retry-After} seconds, and a client
 * that keeps going gets 418, an IP ban of {@code Retry-After} seconds.
 */
final class BinanceRestKlineApi implements RestKlineApi {
    static final int WEIGHT_LIMIT_PER_MINUTE = 6000;
    static final int MAX_ROWS = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public int maxCandlesPerRequest(Instant from, Instant now) {
        return MAX_ROWS;
    }

    @Override
    public URI klinesRequest(URI restBase, String symbol, Instant from, Instant toExclusive, Instant now) {
        // startTime and endTime both bound the open time, inclusively.
        return URI.create(restBase + "/api/v3/klines?symbol=" + symbol + "&interval=1m&startTime=" + from.toEpochMilli()
                + "&endTime=" + (toExclusive.toEpochMilli() - 1) + "&limit=" + MAX_ROWS);
    }

    @Override
    public List<Candle> parseKlines(String symbol, String body, Instant now) throws MalformedPayloadException {
        JsonNode rows;
        try {
            rows = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MalformedPayloadException("klines response is not JSON: " + e.getOriginalMessage(), e);
        }
        if (rows == null || !rows.isArray()) {
            throw new MalformedPayloadException("klines response is not a JSON array");
        }
        List<Candle> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            if (!row.isArray() || row.size() < 9) {
                throw new MalformedPayloadException("kline row " + i + " is not an array of at least 9 fields");
            }
            long openMillis = BinanceFields.wholeNumber(row.get(0), "open time of row " + i);
            boolean over = !Instant.ofEpochMilli(openMillis).plusSeconds(BinanceFields.MINUTE_SECONDS).isAfter(now);
            out.add(BinanceFields.candle("binance", symbol, openMillis,
                    BinanceFields.decimal(row.get(1), "open of row " + i), BinanceFields.decimal(row.get(2), "high of row " + i),
                    BinanceFields.decimal(row.get(3), "low of row " + i), BinanceFields.decimal(row.get(4), "close of row " + i),
                    BinanceFields.decimal(row.get(5), "volume of row " + i),
                    BinanceFields.decimal(row.get(7), "quote volume of row " + i),
                    BinanceFields.wholeNumber(row.get(8), "trade count of row " + i), over));
        }
        return out;
    }

    @Override
    public RateLimitAdvice advise(int status, Function<String, Optional<String>> header, String body) {
        Duration retryAfter = header.apply("Retry-After").flatMap(ResponseValues::seconds).orElse(Duration.ofSeconds(60));
        if (status == 429) {
            return RateLimitAdvice.retryAfter(retryAfter, "HTTP 429: request rate limit hit");
        }
        if (status == 418) {
            return RateLimitAdvice.retryAfter(retryAfter, "HTTP 418: IP banned for repeating requests after 429");
        }
        if (status >= 500) {
            return RateLimitAdvice.retryAfter(Duration.ofSeconds(2), "HTTP " + status + ": server error");
        }
        if (status != 200) {
            return RateLimitAdvice.fail("HTTP " + status);
        }
        long used = header.apply("X-MBX-USED-WEIGHT-1M").flatMap(ResponseValues::number).orElse(0L);
        // Past 80% of the minute's weight, slow down rather than run into 429.
        return RateLimitAdvice.proceed(used > WEIGHT_LIMIT_PER_MINUTE * 8 / 10 ? Duration.ofSeconds(15) : Duration.ZERO);
    }
}
