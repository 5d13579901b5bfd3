package io.klinepipeline.exchange.bybit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.RestKlineApi.RateLimitAdvice;
import io.klinepipeline.exchange.RestKlineApi.RateLimitAdvice.Action;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class BybitRestKlineApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private final BybitRestKlineApi api = new BybitRestKlineApi(Clock.fixed(NOW, ZoneOffset.UTC));

    private static Function<String, Optional<String>> headers(String... namesAndValues) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return name -> Optional.ofNullable(map.get(name));
    }

    private static String body(String... rows) {
        return "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"list\":["
                + String.join(",", rows) + "]},\"retExtInfo\":{},\"time\":" + NOW.toEpochMilli() + "}";
    }

    private static String row(Instant start, String close) {
        return "[\"" + start.toEpochMilli() + "\",\"100\",\"102\",\"99\",\"" + close + "\",\"2\",\"201\"]";
    }

    @Test
    void asksForTheWindowWithBothBoundsInclusiveOnTheStartTime() {
        URI uri = api.klinesRequest(URI.create("https://api.bybit.com"), "BTCUSDT",
                Instant.parse("2026-11-24T10:00:00Z"), Instant.parse("2026-11-24T11:00:00Z"), NOW);
        assertThat(uri.toString()).isEqualTo("https://api.bybit.com/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1"
                + "&start=1795514400000&end=1795517999999&limit=1000");
        assertThat(api.klinesRequest(URI.create("http://127.0.0.1:18084/"), "ETHUSDT",
                Instant.ofEpochMilli(1_800_000_000_000L - 60_000), Instant.ofEpochMilli(1_800_000_000_000L), NOW).toString())
                .as("one minute, below the simulator's base")
                .isEqualTo("http://127.0.0.1:18084/v5/market/kline?category=spot&symbol=ETHUSDT&interval=1"
                        + "&start=1799999940000&end=1799999999999&limit=1000");
        assertThat(api.maxCandlesPerRequest(Instant.EPOCH, NOW)).isEqualTo(1000);
        assertThat(api.oldestServed(NOW)).isEmpty();
    }

    @Test
    void parsesTheRealSpotBodyNewestFirstIntoCandlesOldestFirst() throws Exception {
        // The capture holds 1h bars: the body names no interval, so only the request's interval=1
        // makes its rows minutes. Here it shows the shape: order, fields and their meaning.
        String text = Files.readString(BybitKlineParserTest.realData("bybit/rest_v5_market_kline_spot_BTCUSDT_1h_2024-05-08.json"));
        List<Candle> candles = api.parseKlines("BTCUSDT", text, NOW);

        assertThat(candles).hasSize(5);
        assertThat(candles).extracting(Candle::intervalStart).isSorted()
                .startsWith(Instant.ofEpochMilli(1715162400000L)).endsWith(Instant.ofEpochMilli(1715176800000L));
        assertThat(candles).allMatch(Candle::isFinal);
        JsonNode oldest = JSON.readTree(text).at("/result/list/4");
        Candle first = candles.get(0);
        assertThat(first.open()).isEqualTo(Double.parseDouble(oldest.get(1).asText()));
        assertThat(first.high()).isEqualTo(62524.28);
        assertThat(first.low()).isEqualTo(62258.76);
        assertThat(first.close()).isEqualTo(62439.82);
        assertThat(first.volume()).isEqualTo(421.80928);
        assertThat(first.quoteVolume()).as("turnover").isEqualTo(26322162.21650143);
        assertThat(first.vwap()).isEqualTo(26322162.21650143 / 421.80928);
        assertThat(first.tradeCount()).isNull();
        assertThat(candles).allMatch(c -> c.exchange().equals("bybit") && c.symbol().equals("BTCUSDT"));
    }

    @Test
    void keepsTheStillOpenMinuteUnfinished() throws Exception {
        Instant open = Instant.parse("2026-11-24T11:59:00Z");
        String text = body(row(open, "101"), row(open.minusSeconds(60), "100.5"), row(open.minusSeconds(120), "100"));

        List<Candle> candles = api.parseKlines("BTCUSDT", text, open.plusSeconds(30));
        assertThat(candles).extracting(Candle::isFinal).containsExactly(true, true, false);
        assertThat(candles.get(2).close()).isEqualTo(101.0);
        assertThat(api.parseKlines("BTCUSDT", text, open.plusSeconds(60)).get(2).isFinal()).as("over at its end").isTrue();
        assertThat(api.parseKlines("BTCUSDT", body(), NOW)).as("a minute range without rows").isEmpty();
    }

    @Test
    void rejectsBodiesNotOfTheDocumentedShape() {
        Instant t = Instant.parse("2026-11-24T11:00:00Z");
        assertThatThrownBy(() -> api.parseKlines("BTCUSDT", "{\"retCode\":10001,\"retMsg\":\"params error\",\"result\":{}}", NOW))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("retCode 10001: params error");
        assertThatThrownBy(() -> api.parseKlines("ETHUSDT", body(row(t, "1")), NOW)).hasMessageContaining("for BTCUSDT, not ETHUSDT");
        assertThatThrownBy(() -> api.parseKlines("BTCUSDT", body(row(t, "1")).replace("\"spot\"", "\"linear\""), NOW))
                .hasMessageContaining("category 'linear'");
        assertThatThrownBy(() -> api.parseKlines("BTCUSDT", body(row(t, "1"), row(t.plusSeconds(60), "1")), NOW))
                .as("oldest first").hasMessageContaining("newest first");
        assertThatThrownBy(() -> api.parseKlines("BTCUSDT", body(row(t, "1"), row(t, "1")), NOW))
                .as("a repeated minute").hasMessageContaining("without repeats");
        assertThatThrownBy(() -> api.parseKlines("BTCUSDT", body("[\"" + t.toEpochMilli() + "\",\"1\",\"1\",\"1\",\"1\",\"1\"]"), NOW))
                .hasMessageContaining("at least 7 fields");
        assertThatThrownBy(() -> api.parseKlines("BTCUSDT", body("[" + t.toEpochMilli() + ",\"1\",\"1\",\"1\",\"1\",\"1\",\"1\"]"), NOW))
                .hasMessageContaining("non-string start time of row 0");
        assertThatThrownBy(() -> api.parseKlines("BTCUSDT", body("[\"" + t.getEpochSecond() + "\",\"1\",\"1\",\"1\",\"1\",\"1\",\"1\"]"), NOW))
                .hasMessageContaining("not in milliseconds");
        assertThatThrownBy(() -> api.parseKlines("BTCUSDT", body(row(t, "x")), NOW)).hasMessageContaining("close of row 0 is not a number");
        assertThatThrownBy(() -> api.parseKlines("BTCUSDT", "<html>403 Forbidden</html>", NOW)).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> api.parseKlines("BTCUSDT", "{\"retCode\":0,\"result\":{}}", NOW)).hasMessageContaining("'result.list'");
    }

    @Test
    void proceedsAtTheIpLimitsOwnRateAndSlowsWhenTheLimitRunsLow() {
        Duration ipRate = Duration.ofSeconds(5).dividedBy(600); // 600 requests per 5 s
        assertThat(api.advise(200, headers(), body())).isEqualTo(RateLimitAdvice.proceed(ipRate));
        assertThat(api.advise(200, headers("X-Bapi-Limit", "600", "X-Bapi-Limit-Status", "599"), body()).delay())
                .isEqualTo(ipRate);
        RateLimitAdvice low = api.advise(200, headers("x-bapi-limit", "600", "x-bapi-limit-status", "12",
                "x-bapi-limit-reset-timestamp", String.valueOf(NOW.toEpochMilli())), body());
        assertThat(low.action()).isEqualTo(Action.PROCEED);
        assertThat(low.delay()).as("a whole rolling window").isEqualTo(Duration.ofSeconds(1));
        RateLimitAdvice later = api.advise(200, headers("X-Bapi-Limit", "10", "X-Bapi-Limit-Status", "1",
                "X-Bapi-Limit-Reset-Timestamp", String.valueOf(NOW.plusSeconds(3).toEpochMilli())), body());
        assertThat(later.delay()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void waitsForTheResetOnTooManyVisitsThatComesWithHttp200() {
        long serverTime = NOW.minusSeconds(100).toEpochMilli(); // Bybit's clock, not ours
        String tooMany = "{\"retCode\":10006,\"retMsg\":\"Too many visits!\",\"result\":{},\"retExtInfo\":{},\"time\":" + serverTime + "}";
        RateLimitAdvice advice = api.advise(200, headers("X-Bapi-Limit-Reset-Timestamp", String.valueOf(serverTime + 750)), tooMany);

        assertThat(advice.action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(advice.delay()).as("read on Bybit's clock").isEqualTo(Duration.ofMillis(750));
        assertThat(advice.reason()).contains("10006").contains("Too many visits!");
        assertThat(api.advise(200, headers(), tooMany).delay()).as("no reset header: one window").isEqualTo(Duration.ofSeconds(1));
        String withoutTime = "{\"retCode\":10006,\"retMsg\":\"Too many visits!\"}";
        assertThat(api.advise(200, headers("X-Bapi-Limit-Reset-Timestamp", String.valueOf(NOW.plusMillis(2500).toEpochMilli())),
                withoutTime).delay()).as("our clock when the body has no time").isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void waitsTenMinutesWhenTheIpLimitWasBreached() {
        RateLimitAdvice banned = api.advise(403, headers(), "<html>403 Forbidden</html>");
        assertThat(banned.action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(banned.delay()).isEqualTo(Duration.ofMinutes(10));
        assertThat(banned.reason()).contains("403").contains("10 minutes");
        RateLimitAdvice ipLimit = api.advise(200, headers(), "{\"retCode\":10018,\"retMsg\":\"Exceeded the IP Rate Limit\"}");
        assertThat(ipLimit.action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(ipLimit.delay()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void retriesServerErrorsShortlyAndFailsOnOthersWithBybitsMessage() {
        assertThat(api.advise(502, headers(), "")).isEqualTo(RateLimitAdvice.retryAfter(Duration.ofSeconds(2), "HTTP 502: server error"));
        RateLimitAdvice restarting = api.advise(200, headers(), "{\"retCode\":10016,\"retMsg\":\"Service is restarting\"}");
        assertThat(restarting.action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(restarting.delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(api.advise(200, headers(), "{\"retCode\":10000,\"retMsg\":\"Server Timeout\"}").action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(api.advise(429, headers(), "").action()).isEqualTo(Action.RETRY_AFTER_WAIT);

        RateLimitAdvice badSymbol = api.advise(200, headers(), "{\"retCode\":10001,\"retMsg\":\"Not supported symbols\",\"result\":{}}");
        assertThat(badSymbol.action()).isEqualTo(Action.FAIL);
        assertThat(badSymbol.reason()).isEqualTo("retCode 10001: Not supported symbols");
        RateLimitAdvice notFound = api.advise(404, headers(), "{\"retCode\":10017,\"retMsg\":\"Route not found\"}");
        assertThat(notFound).isEqualTo(RateLimitAdvice.fail("HTTP 404: Route not found"));
        assertThat(api.advise(200, headers(), "not json").action()).as("parseKlines reports the shape").isEqualTo(Action.PROCEED);
    }
}
