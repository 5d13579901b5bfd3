package io.klinepipeline.exchange.kraken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.RestKlineApi;
import io.klinepipeline.exchange.RestKlineApi.RateLimitAdvice;
import io.klinepipeline.exchange.RestKlineApi.RateLimitAdvice.Action;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KrakenRestKlineApiTest {
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private final RestKlineApi api = new KrakenExchange().rest();

    private static RateLimitAdvice advise(RestKlineApi api, int status, String body) {
        return api.advise(status, h -> Optional.empty(), body);
    }

    @Test
    void asksForTheAltnameSinceOneSecondBeforeTheFirstMinuteBecauseSinceIsExclusive() {
        Instant from = Instant.parse("2026-11-24T10:00:00Z");
        assertThat(api.klinesRequest(URI.create("https://api.kraken.com"), "BTC/USD", from, from.plusSeconds(3600), NOW))
                .isEqualTo(URI.create("https://api.kraken.com/0/public/OHLC?pair=XBTUSD&interval=1&since=" + (from.getEpochSecond() - 1)));
        assertThat(api.klinesRequest(URI.create("http://127.0.0.1:18083/"), "ETH/USD", from, from.plusSeconds(60), NOW).toString())
                .isEqualTo("http://127.0.0.1:18083/0/public/OHLC?pair=ETHUSD&interval=1&since=1795514399");
        assertThat(api.klinesRequest(URI.create("https://api.kraken.com"), "DOGE/USDT", from, from.plusSeconds(60), NOW).getQuery())
                .startsWith("pair=XDGUSDT&");
    }

    @Test
    void servesTheLast720MinutesTheOpenOneIncluded() {
        assertThat(api.maxCandlesPerRequest(NOW.minusSeconds(86_400), NOW)).isEqualTo(720);
        // Open minute 12:34, the 720 served are 00:35 … 12:34.
        assertThat(api.oldestServed(Instant.parse("2026-11-24T12:34:56.789Z"))).contains(Instant.parse("2026-11-24T00:35:00Z"));
        assertThat(api.oldestServed(Instant.parse("2026-11-24T12:34:00Z"))).contains(Instant.parse("2026-11-24T00:35:00Z"));
    }

    @Test
    void parsesTheReal721RowBodyWithEmptyMinutesAndTheOpenMinuteUnfinished() throws Exception {
        String body = RealCaptures.text("rest_0_public_OHLC_XBTUSDT_1m_2025-11-10.json");
        Instant openMinute = Instant.ofEpochSecond(1762820220L);
        Instant now = openMinute.plusSeconds(30);

        List<Candle> candles = api.parseKlines("BTC/USDT", body, now);

        assertThat(candles).hasSize(721);
        assertThat(candles.get(0).intervalStart()).isEqualTo(Instant.ofEpochSecond(1762777020L));
        for (int i = 1; i < candles.size(); i++) {
            assertThat(candles.get(i).intervalStart()).isEqualTo(candles.get(i - 1).intervalStart().plusSeconds(60));
        }
        assertThat(candles.subList(0, 720)).allMatch(Candle::isFinal);
        assertThat(candles.get(720).isFinal()).as("the still-open minute").isFalse();
        assertThat(api.parseKlines("BTC/USDT", body, now.plus(Duration.ofDays(1))).get(720).isFinal())
                .as("the last row is Kraken's uncommitted one whatever our clock says").isFalse();
        assertThat(candles.get(0).intervalStart()).as("every minute from oldestServed on is in the answer")
                .isBeforeOrEqualTo(api.oldestServed(now).orElseThrow());

        List<Candle> empty = candles.stream().filter(c -> c.tradeCount() == 0).toList();
        assertThat(empty).hasSize(216).allMatch(c -> c.volume() == 0 && c.vwap() == null && c.quoteVolume() == 0.0
                && c.open() == c.close() && c.high() == c.low());

        JsonNode rows = RealCaptures.JSON.readTree(body).get("result").get("XBTUSDT");
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            Candle c = candles.get(i);
            assertThat(c.open()).isEqualTo(Double.parseDouble(row.get(1).asText()));
            assertThat(c.high()).isEqualTo(Double.parseDouble(row.get(2).asText()));
            assertThat(c.low()).isEqualTo(Double.parseDouble(row.get(3).asText()));
            assertThat(c.close()).isEqualTo(Double.parseDouble(row.get(4).asText()));
            assertThat(c.volume()).isEqualTo(Double.parseDouble(row.get(6).asText()));
            assertThat(c.tradeCount()).isEqualTo(row.get(7).asInt());
            if (c.tradeCount() > 0) {
                assertThat(c.vwap()).isEqualTo(Double.parseDouble(row.get(5).asText()));
                assertThat(c.quoteVolume()).isEqualTo(
                        new BigDecimal(row.get(5).asText()).multiply(new BigDecimal(row.get(6).asText())).doubleValue());
            }
        }
    }

    @Test
    void takesTheRowsWhateverKeyKrakenAnswersWith() throws Exception {
        String body = RealCaptures.text("rest_0_public_OHLC_XXBTZUSD_1m_2023-11-26_trimmed.json");

        List<Candle> candles = api.parseKlines("BTC/USD", body, Instant.ofEpochSecond(1701023400L + 59));

        assertThat(candles).hasSize(18);
        assertThat(candles.get(0).intervalStart()).isEqualTo(Instant.ofEpochSecond(1700980260L));
        assertThat(candles.get(0).vwap()).isEqualTo(37780.5);
        assertThat(candles.get(0).tradeCount()).isEqualTo(1);
        assertThat(candles.get(17).intervalStart()).isEqualTo(Instant.ofEpochSecond(1701023400L));
        assertThat(candles.subList(0, 17)).allMatch(Candle::isFinal);
        assertThat(candles.get(17).isFinal()).isFalse();
    }

    @Test
    void aMinuteNotOverOrNotCommittedIsNotFinal() throws Exception {
        String body = "{\"error\":[],\"result\":{\"XXBTZUSD\":["
                + "[1688671200,\"30306.1\",\"30306.2\",\"30305.7\",\"30305.7\",\"30306.1\",\"3.39243896\",23],"
                + "[1688671260,\"30304.5\",\"30304.5\",\"30300.0\",\"30300.0\",\"30300.0\",\"4.42996871\",18],"
                + "[1688671320,\"30300.3\",\"30300.4\",\"30291.4\",\"30291.4\",\"30294.7\",\"2.13024789\",25]],\"last\":1688671200}}";
        List<Candle> candles = api.parseKlines("BTC/USD", body, Instant.ofEpochSecond(1688671320L + 10));
        assertThat(candles).extracting(Candle::isFinal).as("only 1688671200 is committed").containsExactly(true, false, false);
        assertThat(api.parseKlines("BTC/USD", body, Instant.ofEpochSecond(1688671230L)).get(0).isFinal())
                .as("not over at now").isFalse();
    }

    @Test
    void rejectsBodiesThatAreNotOhlcAnswers() {
        String[][] cases = {
            {"{\"error\":[\"EQuery:Unknown asset pair\"]}", "EQuery:Unknown asset pair"},
            {"{\"error\":[],\"result\":{\"last\":1}}", "no array of rows"},
            {"{\"error\":[],\"result\":{\"A\":[],\"B\":[],\"last\":1}}", "more than one pair"},
            {"{\"error\":[],\"result\":{\"A\":[[1688671200,\"1\",\"1\",\"1\",\"1\",\"1\",\"1\"]],\"last\":1}}", "not an array of 8 fields"},
            {"{\"error\":[],\"result\":{\"A\":[[1688671230,\"1\",\"1\",\"1\",\"1\",\"1\",\"1\",1]],\"last\":1}}", "not on a whole minute"},
            {"{\"error\":[],\"result\":{\"A\":[[1688671200,\"1\",\"abc\",\"1\",\"1\",\"1\",\"1\",1]],\"last\":1}}", "high is not a number"},
            {"<html>Cloudflare</html>", "not JSON"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> api.parseKlines("BTC/USD", c[0], NOW)).as(c[0])
                    .isInstanceOf(MalformedPayloadException.class).hasMessageContaining(c[1]);
        }
    }

    @Test
    void retriesOnRateLimitErrorsThatComeWithHttp200() {
        RateLimitAdvice tooMany = advise(api, 200, "{\"error\":[\"EGeneral:Too many requests\"]}");
        assertThat(tooMany.action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(tooMany.delay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(tooMany.reason()).contains("EGeneral:Too many requests");
        assertThat(advise(api, 200, "{\"error\":[\"EAPI:Rate limit exceeded\"]}").action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(advise(api, 200, "{\"error\":[\"EService:Unavailable\"]}").action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(advise(api, 200, "{\"error\":[\"EService:Busy\"]}").action()).isEqualTo(Action.RETRY_AFTER_WAIT);
    }

    @Test
    void failsOnAnUnknownPairWithKrakensMessage() {
        RateLimitAdvice unknown = advise(api, 200, "{\"error\":[\"EQuery:Unknown asset pair\"]}");
        assertThat(unknown.action()).isEqualTo(Action.FAIL);
        assertThat(unknown.reason()).contains("EQuery:Unknown asset pair");
        assertThat(advise(api, 200, "{\"error\":[\"EGeneral:Invalid arguments\"]}").action()).isEqualTo(Action.FAIL);
    }

    @Test
    void honoursHttpStatusesAndPacesUnderOneRequestASecond() {
        RateLimitAdvice limited = api.advise(429, h -> h.equalsIgnoreCase("Retry-After") ? Optional.of("7") : Optional.empty(), "");
        assertThat(limited.action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(limited.delay()).isEqualTo(Duration.ofSeconds(7));
        assertThat(advise(api, 429, "").delay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(advise(api, 503, "").action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(advise(api, 520, "<html>").delay()).isEqualTo(Duration.ofSeconds(2));
        RateLimitAdvice notFound = advise(api, 404, "{\"error\":[\"EGeneral:Unknown method\"]}");
        assertThat(notFound.action()).isEqualTo(Action.FAIL);
        assertThat(notFound.reason()).contains("HTTP 404").contains("EGeneral:Unknown method");
        assertThat(advise(api, 200, "{\"error\":[],\"result\":{}}")).isEqualTo(RateLimitAdvice.proceed(Duration.ofSeconds(1)))
                .as("Kraken: 1 public call a second stays within its limits");
        assertThat(advise(api, 200, "{\"error\":[\"WGeneral:Something deprecated\"],\"result\":{}}").action())
                .as("W is a warning: the request succeeded").isEqualTo(Action.PROCEED);
    }

    /** Found by ExchangeParsersFuzzTest: DateTimeException and NumberFormatException escaped the parser. */
    @Test
    void refusesATimeBeyondInstantAndANumberBeyondBigDecimalAsMalformed() {
        String farTime = "{\"error\":[],\"result\":{\"XXBTZUSD\":[[9223372036854775807,\"1\",\"1\",\"1\",\"1\",\"1\",\"1\",1]],\"last\":1}}";
        assertThatThrownBy(() -> api.parseKlines("BTC/USD", farTime, NOW))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("is not unix seconds");
        String hugeNumber = "{\"error\":[],\"result\":{\"XXBTZUSD\":[],\"last\":9e4223372036854775807}}";
        assertThatThrownBy(() -> api.parseKlines("BTC/USD", hugeNumber, NOW))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("number out of range");
    }
}
