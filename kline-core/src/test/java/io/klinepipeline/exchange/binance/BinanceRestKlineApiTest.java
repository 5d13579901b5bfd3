package io.klinepipeline.exchange.binance;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.exchange.RestKlineApi.RateLimitAdvice;
import io.klinepipeline.exchange.RestKlineApi.RateLimitAdvice.Action;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BinanceRestKlineApiTest {
    private final BinanceRestKlineApi api = new BinanceRestKlineApi();

    @Test
    void asksForTheWindowWithInclusiveBounds() {
        URI uri = api.klinesRequest(URI.create("https://api.binance.com"), "BTCUSDT",
                Instant.parse("2026-11-24T10:00:00Z"), Instant.parse("2026-11-24T11:00:00Z"), Instant.parse("2026-11-24T12:00:00Z"));
        assertThat(uri.toString()).isEqualTo("https://api.binance.com/api/v3/klines?symbol=BTCUSDT&interval=1m"
                + "&startTime=1795514400000&endTime=1795517999999&limit=1000");
    }

    @Test
    void honoursRetryAfterAndUsedWeight() {
        RateLimitAdvice tooMany = api.advise(429, h -> h.equals("Retry-After") ? Optional.of("7") : Optional.empty(), "");
        assertThat(tooMany.action()).isEqualTo(Action.RETRY_AFTER_WAIT);
        assertThat(tooMany.delay()).isEqualTo(Duration.ofSeconds(7));
        assertThat(api.advise(418, h -> Optional.of("3600"), "").reason()).contains("banned");
        assertThat(api.advise(400, h -> Optional.empty(), "").action()).isEqualTo(Action.FAIL);
        Map<String, String> heavy = Map.of("X-MBX-USED-WEIGHT-1M", "5900");
        assertThat(api.advise(200, h -> Optional.ofNullable(heavy.get(h)), "").delay()).isPositive();
        assertThat(api.advise(200, h -> Optional.empty(), "")).isEqualTo(RateLimitAdvice.proceed(Duration.ZERO));
    }
}
