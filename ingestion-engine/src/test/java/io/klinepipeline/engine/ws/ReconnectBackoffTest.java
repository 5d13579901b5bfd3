package io.klinepipeline.engine.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.exchange.ExchangeRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

    @Test
    void pausesStayBetweenTheBoundsAndTheirCeilingDoubles() {
        ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofMillis(1000), Duration.ofMillis(60_000), new SplittableRandom(7));
        long[] ceilings = {2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000};
        for (int attempt = 0; attempt < ceilings.length; attempt++) {
            long max = 0;
            for (int i = 0; i < 2000; i++) {
                long pause = backoff.delayBefore(attempt).toMillis();
                assertThat(pause).isBetween(1000L, ceilings[attempt]);
                max = Math.max(max, pause);
            }
            assertThat(max).as("jitter reaches near the ceiling of attempt %d", attempt).isGreaterThan(ceilings[attempt] * 9 / 10);
        }
    }

    @Test
    void rotatesAtTheEngineAgeOrBeforeTheExchangeCutsTheConnection() {
        var registry = ExchangeRegistry.standard();
        var protocol = registry.get("binance").stream();
        PipelineConfig defaults = PipelineConfig.parse(yaml(""), Path.of("."), registry);
        assertThat(ReconnectPolicy.from(defaults.engine(), protocol).rotateAfter()).isEqualTo(Duration.ofHours(23));
        PipelineConfig tooLong = PipelineConfig.parse(yaml("engine: {max_connection_age_seconds: 200000}\n"), Path.of("."), registry);
        assertThat(ReconnectPolicy.from(tooLong.engine(), protocol).rotateAfter())
                .isEqualTo(Duration.ofHours(24).minusMinutes(5));
    }

    private static String yaml(String engine) {
        return """
                exchanges:
                  binance:
                    ws_url: wss://stream.binance.com:9443
                    rest_url: https://api.binance.com
                    pairs: [BTCUSDT]
                    canonical: {BTCUSDT: BTC-USDT}
                partitions: {start: "2026-11-01T00:00:00Z"}
                """ + engine;
    }
}
