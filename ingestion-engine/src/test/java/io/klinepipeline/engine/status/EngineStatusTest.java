package io.klinepipeline.engine.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.engine.StreamId;
import io.klinepipeline.engine.metrics.StreamCounters;
import io.klinepipeline.engine.testing.MutableClock;
import io.klinepipeline.exchange.ExchangeRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The /health rule on the engine's own stream state, with the clock moved by hand. */
class EngineStatusTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final Duration STALE_AFTER = Duration.ofSeconds(90);

    private final MutableClock clock = new MutableClock(T0);
    private final StreamCounters binance = counters("binance", "BTCUSDT");
    private final StreamCounters okx = counters("okx", "BTC-USDT");
    private final EngineStatus status = new EngineStatus(List.of(binance, okx), Optional.empty(), clock, STALE_AFTER);

    @Test
    void aStreamNotConnectedYetIsUnhealthySinceTheStart() {
        EngineStatus.Report report = status.report();
        assertThat(report.healthy()).isFalse();
        JsonNode stream = report.json().path("streams").get(0);
        assertThat(stream.path("connected").asBoolean()).isFalse();
        assertThat(stream.path("since").asText()).isEqualTo(T0.toString());
        assertThat(stream.path("down_reason").asText()).isEqualTo("not connected yet");
        assertThat(stream.path("last_message_age_seconds").isNull()).isTrue();
    }

    @Test
    void connectedStreamsWithRecentMessagesAreHealthyUntilOneFallsSilentPastTheBound() {
        for (StreamCounters c : List.of(binance, okx)) {
            c.health().up(T0);
            c.health().messageReceived(T0);
        }
        clock.advance(STALE_AFTER);
        assertThat(status.report().healthy()).as("exactly at the bound").isTrue();

        okx.health().messageReceived(clock.instant());
        clock.advance(Duration.ofSeconds(1));
        EngineStatus.Report report = status.report();
        // Still connected, as far as the socket knows, but silent: what a half-open connection looks like.
        assertThat(report.healthy()).isFalse();
        assertThat(report.json().path("status").asText()).isEqualTo("unhealthy");
        JsonNode silent = report.json().path("streams").get(0);
        assertThat(silent.path("connected").asBoolean()).isTrue();
        assertThat(silent.path("fresh").asBoolean()).isFalse();
        assertThat(silent.path("last_message_age_seconds").asDouble()).isEqualTo(91.0);
        assertThat(report.json().path("streams").get(1).path("fresh").asBoolean()).isTrue();
    }

    private static StreamCounters counters(String exchange, String symbol) {
        return new StreamCounters(new StreamId(ExchangeRegistry.standard().get(exchange), symbol), T0);
    }
}
