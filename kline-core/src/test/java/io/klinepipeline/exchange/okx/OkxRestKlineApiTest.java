package io.klinepipeline.exchange.okx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.RestKlineApi;
import io.klinepipeline.exchange.RestKlineApi.RateLimitAdvice;
import io.klinepipeline.exchange.RestKlineApi.RateLimitAdvice.Action;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class OkxRestKlineApiTest {
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:30Z");
    private static final URI BASE = URI.create("https://www.okx.com");
    private final RestKlineApi api = new OkxExchange().rest();

    private static Function<String, Optional<String>> headers(String... namesAndValues) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return name -> Optional.ofNullable(map.get(name));
    }

    private static String body(String... rows) {
        return "{\"code\":\"0\",\"msg\":\"\",\"data\":[" + String.join(",", rows) + "]}";
    }

    private static String row(Instant start, String close, String confirm) {
        return "[\"" + start.toEpochMilli() + "\",\"100\",\"102\",\"99\",\"" + close + "\",\"2\",\"201\",\"201\",\"" + confirm + "\"]";
    }

    @Test
    void asksTheRecentEndpointForMinutesWellInsideItsLast1440() {
        Instant from = Instant.parse("2026-11-24T10:00:00Z");
        Instant to = from.plusSeconds(300 * 60);
        URI uri = api.klinesRequest(BASE, "BTC-USDT", from, to, NOW);
        // before is exclusive: from − 1 ms keeps from itself; after is exclusive: rows earlier than toExclusive.
        assertThat(uri.toString()).isEqualTo("https://www.okx.com/api/v5/market/candles?instId=BTC-USDT&bar=1m"
                + "&after=" + to.toEpochMilli() + "&before=" + (from.toEpochMilli() - 1) + "&limit=300");
        assertThat(api.maxCandlesPerRequest(from, NOW)).isEqualTo(300);
        assertThat(api.oldestServed(NOW)).as("history-candles goes back years").isEmpty();
    }

    @Test
    void asksTheHistoryEndpointForOlderMinutesWithItsSmallerPage() {
        Instant from = Instant.parse("2026-11-01T00:00:00Z");
        URI uri = api.klinesRequest(URI.create("http://127.0.0.1:18085/"), "eth-usdt", from, from.plusSeconds(6000), NOW);
        assertThat(uri.toString()).isEqualTo("http://127.0.0.1:18085/api/v5/market/history-candles?instId=ETH-USDT&bar=1m"
                + "&after=" + from.plusSeconds(6000).toEpochMilli() + "&before=" + (from.toEpochMilli() - 1) + "&limit=100");
        assertThat(api.maxCandlesPerRequest(from, NOW)).isEqualTo(100);
    }

    @Test
    void choosesTheEndpointByAgeWithTwoMinutesOfMargin() {
        Instant minute = Instant.parse("2026-11-24T12:00:00Z"); // the still-open minute at NOW
        Instant oldestOfRecent = minute.minusSeconds(1439 * 60); // /candles serves these 1,440
        Instant oldestSafe = minute.minusSeconds((1439 - 2) * 60);
        assertThat(path(minute)).endsWith("/candles");
        assertThat(path(oldestSafe)).endsWith("/candles");
        assertThat(api.maxCandlesPerRequest(oldestSafe, NOW)).isEqualTo(300);
        assertThat(path(oldestSafe.minusSeconds(60))).as("inside the 1,440 but within the margin").endsWith("/history-candles");
        assertThat(api.maxCandlesPerRequest(oldestSafe.minusSeconds(60), NOW)).isEqualTo(100);
        assertThat(path(oldestOfRecent)).endsWith("/history-candles");
        assertThat(path(oldestOfRecent.minusSeconds(60))).endsWith("/history-candles");
    }

    private String path(Instant from) {
        return api.klinesRequest(BASE, "BTC-USDT", from, from.plusSeconds(60), NOW).getPath();
    }

    @Test
    void refusesInstrumentsThatAreNotSpotPairs() {
        assertThatThrownBy(() -> api.klinesRequest(BASE, "BTC-USDT-SWAP", NOW, NOW.plusSeconds(60), NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a spot pair");
    }

    @Test
    void parsesTheRealOneMinuteResponseExactlyAsPresent() throws Exception {
        // nautilus_trader's fixture: 2 rows, newest first. SOURCES.md says 2025-05-13 00:33-00:34Z, but the
        // ts values 1747093980000 and 1747094040000 are 2025-05-12 23:53 and 23:54Z. The instrument is not
        // named (vol 1040.37 against volCcy 10.4037 looks like a swap counting contracts): this checks the
        // field order and meaning, not spot volumes.
        String text = RealCaptures.text("rest_api_v5_market_candles_1m_2025-05-13.json");
        Instant now = Instant.parse("2025-05-13T01:00:00Z");
        List<Candle> candles = api.parseKlines("BTC-USDT", text, now);

        assertThat(candles).extracting(Candle::intervalStart)
                .containsExactly(Instant.ofEpochMilli(1747093980000L), Instant.ofEpochMilli(1747094040000L))
                .containsExactly(Instant.parse("2025-05-12T23:53:00Z"), Instant.parse("2025-05-12T23:54:00Z"));
        Candle newest = candles.get(1);
        assertThat(newest.open()).isEqualTo(102806.1);
        assertThat(newest.high()).isEqualTo(102820.4);
        assertThat(newest.low()).isEqualTo(102806.1);
        assertThat(newest.close()).isEqualTo(102820.4);
        assertThat(newest.volume()).as("vol").isEqualTo(1040.37);
        assertThat(newest.quoteVolume()).as("volCcyQuote, not volCcy").isEqualTo(1069603.34883);
        assertThat(newest.vwap()).isEqualTo(1069603.34883 / 1040.37);
        assertThat(newest.tradeCount()).isNull();
        assertThat(candles).allMatch(Candle::isFinal);
        assertThat(candles).allMatch(c -> c.exchange().equals("okx") && c.symbol().equals("BTC-USDT") && c.intervalSeconds() == 60);

        Instant duringTheNewest = Instant.parse("2025-05-12T23:54:30Z");
        assertThat(api.parseKlines("BTC-USDT", text, duringTheNewest)).extracting(Candle::isFinal)
                .as("confirm 1 but, at now, the minute is not over").containsExactly(true, false);
    }

    @Test
    void readsTheRealSpotResponseWithItsQuoteVolumes() throws Exception {
        // hummingbot's spot fixture is in 1H bars: only the request's bar=1m makes rows minutes. For spot
        // volCcy and volCcyQuote are both the quote volume.
        String text = RealCaptures.text("rest_api_v5_market_candles_spot_1H_2024-01-16.json");
        List<Candle> candles = api.parseKlines("BTC-USDT", text, NOW);

        assertThat(candles).hasSize(4);
        assertThat(candles).extracting(Candle::intervalStart).isSorted();
        Candle newest = candles.get(3);
        assertThat(newest.intervalStart()).isEqualTo(Instant.ofEpochMilli(1705431600000L));
        assertThat(newest.volume()).isEqualTo(404.74017381);
        assertThat(newest.quoteVolume()).isEqualTo(17447600.212916623);
        assertThat(newest.vwap()).isBetween(newest.low(), newest.high());
    }

    @Test
    void keepsUnconfirmedAndStillOpenMinutesUnfinished() throws Exception {
        Instant open = Instant.parse("2026-11-24T12:00:00Z");
        String text = body(row(open, "101", "0"), row(open.minusSeconds(60), "100.5", "0"), row(open.minusSeconds(120), "100", "1"));

        List<Candle> candles = api.parseKlines("BTC-USDT", text, NOW);
        assertThat(candles).extracting(Candle::intervalStart)
                .containsExactly(open.minusSeconds(120), open.minusSeconds(60), open);
        assertThat(candles).extracting(Candle::isFinal)
                .as("OKX had not confirmed 11:59 yet; 12:00 is still open").containsExactly(true, false, false);
        assertThat(candles.get(2).close()).isEqualTo(101.0);
        assertThat(api.parseKlines("BTC-USDT", body(), NOW)).as("a minute range without rows").isEmpty();
        assertThat(api.parseKlines("BTC-USDT", body(row(open.minusSeconds(60), "1", "1"), row(open.minusSeconds(180), "1", "1")), NOW))
                .as("a gap is kept a gap").hasSize(2);
    }

    @Test
    void rejectsBodiesNotOfTheDocumentedShape() {
        Instant t = Instant.parse("2026-11-24T11:00:00Z");
        assertThatThrownBy(() -> api.parseKlines("BTC-USDT", "{\"code\":\"51001\",\"msg\":\"Instrument ID does not exist\",\"data\":[]}", NOW))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("code 51001: Instrument ID does not exist");
        assertThatThrownBy(() -> api.parseKlines("BTC-USDT", body(row(t, "1", "1"), row(t, "1", "1")), NOW))
                .hasMessageContaining("repeats the minute");
        assertThatThrownBy(() -> api.parseKlines("BTC-USDT",
                body("[\"" + t.toEpochMilli() + "\",\"1\",\"1\",\"1\",\"1\",\"1\",\"1\"]"), NOW)).hasMessageContaining("has 7 fields");
        assertThatThrownBy(() -> api.parseKlines("BTC-USDT", body(row(t, "x", "1")), NOW)).hasMessageContaining("c of row 0 is not a number");
        assertThatThrownBy(() -> api.parseKlines("BTC-USDT", body(row(t, "1", "2")), NOW)).hasMessageContaining("not \"0\" or \"1\"");
        assertThatThrownBy(() -> api.parseKlines("BTC-USDT", "<html>429</html>", NOW)).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> api.parseKlines("BTC-USDT", "{\"code\":\"0\",\"msg\":\"\"}", NOW)).hasMessageContaining("'data' array");
        assertThatThrownBy(() -> api.parseKlines("BTC-USDT", "{\"data\":[]}", NOW)).hasMessageContaining("code missing");
    }

    @Test
    void pacesEachEndpointAtItsOwnLimitsRate() {
        URI recent = api.klinesRequest(BASE, "BTC-USDT", NOW.minusSeconds(3600), NOW.minusSeconds(60), NOW);
        URI history = api.klinesRequest(BASE, "BTC-USDT", NOW.minusSeconds(86_400 * 3), NOW.minusSeconds(86_400 * 3 - 600), NOW);
        // candles allows 40 requests per 2 s, history-candles 20: one request per pause is each one's own rate.
        assertThat(api.advise(recent, 200, headers(), body())).isEqualTo(RateLimitAdvice.proceed(Duration.ofMillis(50)));
        assertThat(api.advise(history, 200, headers(), body())).isEqualTo(RateLimitAdvice.proceed(Duration.ofMillis(100)));
        assertThat(api.advise(200, headers(), body())).as("endpoint unknown: the slower one's pace")
                .isEqualTo(RateLimitAdvice.proceed(Duration.ofMillis(100)));
        assertThat(api.sharesRateLimit(history, recent)).as("each endpoint has its own limit").isFalse();
        assertThat(api.sharesRateLimit(recent, recent)).isTrue();
        assertThat(api.advise(200, headers(), "not json").action()).as("parseKlines reports the shape").isEqualTo(Action.PROCEED);
    }

    @Test
    void waitsOutTheRateLimitWhetherItComesWithHttp429Or200() {
        String tooMany = "{\"code\":\"50011\",\"msg\":\"Too Many Requests\",\"data\":[]}";
        RateLimitAdvice with429 = api.advise(429, headers(), tooMany);
        assertThat(with429.action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(with429.delay()).as("one whole 2 s window").isEqualTo(Duration.ofSeconds(2));
        assertThat(with429.reason()).contains("429").contains("50011").contains("Too Many Requests");

        RateLimitAdvice with200 = api.advise(200, headers(), "{\"code\":\"50011\",\"msg\":\"Rate limit reached. Please refer to API "
                + "documentation and throttle requests accordingly\",\"data\":[]}");
        assertThat(with200.action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(with200.reason()).contains("50011").contains("Rate limit reached");

        assertThat(api.advise(429, headers(), "").action()).as("a bare 429").isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(api.advise(429, headers("retry-after", "7"), "").delay()).as("a Retry-After is honoured").isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void retriesServerTroubleShortlyAndFailsOnOtherCodesWithOkxsMessage() {
        assertThat(api.advise(503, headers(), "")).isEqualTo(RateLimitAdvice.retryAfter(Duration.ofSeconds(2), "HTTP 503: server error"));
        RateLimitAdvice busy = api.advise(200, headers(), "{\"code\":\"50013\",\"msg\":\"Systems are busy. Please try again later.\",\"data\":[]}");
        assertThat(busy.action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(busy.reason()).isEqualTo("OKX code 50013: Systems are busy. Please try again later.");

        RateLimitAdvice unknown = api.advise(200, headers(), "{\"code\":\"51001\",\"msg\":\"Instrument ID does not exist\",\"data\":[]}");
        assertThat(unknown).isEqualTo(RateLimitAdvice.fail("OKX code 51001: Instrument ID does not exist"));
        RateLimitAdvice badRequest = api.advise(400, headers(), "{\"code\":\"51000\",\"msg\":\"Parameter bar error\",\"data\":[]}");
        assertThat(badRequest).isEqualTo(RateLimitAdvice.fail("HTTP 400, code 51000: Parameter bar error"));
    }
}
