package io.klinepipeline.exchange.coinbase;

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
import org.junit.jupiter.api.Test;

class CoinbaseRestKlineApiTest {
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:30Z");
    private final RestKlineApi api = new CoinbaseExchange().rest();

    private static String row(long start, String open, String high, String low, String close, String volume) {
        return "{\"start\":\"" + start + "\",\"low\":\"" + low + "\",\"high\":\"" + high + "\",\"open\":\"" + open
                + "\",\"close\":\"" + close + "\",\"volume\":\"" + volume + "\"}";
    }

    @Test
    void asksForAtMost350MinutesEndingOneSecondBeforeTheFirstUnwantedMinute() {
        Instant from = Instant.parse("2026-11-24T06:00:00Z");
        Instant to = from.plus(Duration.ofMinutes(350));
        assertThat(api.maxCandlesPerRequest(from, NOW)).isEqualTo(350);
        URI uri = api.klinesRequest(URI.create("https://api.coinbase.com"), "BTC-USD", from, to, NOW);
        assertThat(uri).isEqualTo(URI.create("https://api.coinbase.com/api/v3/brokerage/market/products/BTC-USD/candles?start="
                + from.getEpochSecond() + "&end=" + (to.getEpochSecond() - 1) + "&granularity=ONE_MINUTE&limit=350"));
        // The last wanted minute (start + 349 min) is in [start, end] whether or not end is inclusive; the next is not.
        long end = to.getEpochSecond() - 1;
        assertThat(end - from.getEpochSecond()).isLessThan(350L * 60).isGreaterThanOrEqualTo(349L * 60);
        assertThat(api.klinesRequest(URI.create("http://127.0.0.1:18085/"), "eth-usdt", from, from.plusSeconds(60), NOW).toString())
                .isEqualTo("http://127.0.0.1:18085/api/v3/brokerage/market/products/ETH-USDT/candles?start=1795500000&end=1795500059"
                        + "&granularity=ONE_MINUTE&limit=350");
    }

    @Test
    void parsesTheRealAdvancedTradeBodyOldestFirstWithoutTradeCountVwapOrQuoteVolume() throws Exception {
        // The capture is 1h granularity: what is tested is the reading of its rows.
        String body = RealCaptures.text("advanced_trade_rest_market_candles_BTC-USD_1h_2024-04-04.json");

        List<Candle> candles = api.parseKlines("BTC-USD", body, Instant.parse("2024-04-05T00:00:00Z"));

        assertThat(candles).containsExactly(
                new Candle("coinbase", "BTC-USD", 60, Instant.ofEpochSecond(1712188800L),
                        65984.18, 66387.77, 65857.35, 66314.59, 358.74851052, null, null, null, true),
                new Candle("coinbase", "BTC-USD", 60, Instant.ofEpochSecond(1712192400L),
                        66312.4, 66331.99, 66055.14, 66181.6, 355.82896243, null, null, null, true));
    }

    @Test
    void returnsOnlyTheMinutesPresentAndLeavesTheOpenMinuteUnfinished() throws Exception {
        long open = Instant.parse("2026-11-24T12:00:00Z").getEpochSecond();
        String body = "{\"candles\":[" + row(open, "10", "11", "9", "10.5", "2") + ","
                + row(open - 60, "10", "10", "10", "10", "0.1") + "," + row(open - 300, "9", "9.5", "8.5", "9", "1") + "]}";

        List<Candle> candles = api.parseKlines("BTC-USD", body, NOW);

        assertThat(candles).extracting(Candle::intervalStart).containsExactly(Instant.ofEpochSecond(open - 300),
                Instant.ofEpochSecond(open - 60), Instant.ofEpochSecond(open));
        assertThat(candles).extracting(Candle::isFinal).containsExactly(true, true, false);
        assertThat(api.parseKlines("BTC-USD", "{\"candles\":[]}", NOW)).isEmpty();
    }

    @Test
    void rejectsWhatIsNotTheDocumentedShape() {
        long t = 1795500000L;
        String[][] cases = {
            {"[]", "not a JSON object"},
            {"not json", "not JSON"},
            {"{\"error\":\"INVALID_ARGUMENT\",\"message\":\"start and end argument is invalid\"}",
                "without a 'candles' array: INVALID_ARGUMENT: start and end argument is invalid"},
            {"{\"candles\":[[" + t + ",1,2,1,2,3]]}", "candle 0 is not an object"},
            {"{\"candles\":[" + row(t + 30, "1", "1", "1", "1", "1") + "]}", "not on a whole minute"},
            {"{\"candles\":[" + row(t, "1", "1", "2", "1", "1") + "]}", "is below low"},
            {"{\"candles\":[" + row(t, "1", "1", "1", "1", "-1") + "]}", "'volume' is negative"},
            {"{\"candles\":[" + row(t, "x", "1", "1", "1", "1") + "]}", "'open' is not a number"},
            {"{\"candles\":[{\"start\":\"soon\",\"low\":\"1\",\"high\":\"1\",\"open\":\"1\",\"close\":\"1\",\"volume\":\"1\"}]}", "non-integer candle 0 'start'"},
            {"{\"candles\":[{\"start\":\"" + t + "\",\"low\":1,\"high\":1,\"open\":1,\"close\":1,\"volume\":1}]}", "non-string candle 0 'open'"},
            {"{\"candles\":[" + row(t, "1", "1", "1", "1", "1") + "," + row(t + 60, "1", "1", "1", "1", "1") + "]}", "newest first"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> api.parseKlines("BTC-USD", c[0], NOW)).as(c[0])
                    .isInstanceOf(MalformedPayloadException.class).hasMessageContaining(c[1]);
        }
    }

    @Test
    void waitsOn429HonouringRetryAfterRetriesServerErrorsAndFailsOtherErrors() {
        Map<String, String> headers = Map.of("Retry-After", "7");
        RateLimitAdvice limited = api.advise(429, h -> Optional.ofNullable(headers.get(h)), "{\"message\":\"Too many requests\"}");
        assertThat(limited.action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(limited.delay()).isEqualTo(Duration.ofSeconds(7));
        assertThat(limited.reason()).contains("429").contains("Too many requests");

        RateLimitAdvice noHeader = api.advise(429, h -> Optional.empty(), "");
        assertThat(noHeader.action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(noHeader.delay()).isPositive();
        assertThat(api.advise(429, h -> Optional.of("Wed, 21 Oct 2026 07:28:00 GMT"), "").delay())
                .as("an HTTP-date is not understood: the default wait").isEqualTo(noHeader.delay());

        assertThat(api.advise(503, h -> Optional.empty(), "<html>").action()).isEqualTo(Action.RETRY_AFTER_WAIT);

        RateLimitAdvice notFound = api.advise(404, h -> Optional.empty(),
                "{\"error\":\"NOT_FOUND\",\"error_details\":\"ProductID XYZ-USD could not be found\",\"message\":\"ProductID XYZ-USD could not be found\"}");
        assertThat(notFound.action()).isEqualTo(Action.FAIL);
        assertThat(notFound.reason()).isEqualTo("HTTP 404: NOT_FOUND: ProductID XYZ-USD could not be found");

        RateLimitAdvice ok = api.advise(200, h -> Optional.empty(), "{\"candles\":[]}");
        assertThat(ok.action()).isEqualTo(Action.PROCEED);
        assertThat(ok.delay()).as("10 public requests a second, the limit's own rate").isEqualTo(Duration.ofMillis(100));
    }
}
