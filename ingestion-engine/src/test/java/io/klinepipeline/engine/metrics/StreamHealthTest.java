package io.klinepipeline.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.engine.StreamId;
import io.klinepipeline.exchange.ExchangeRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StreamHealthTest {
    private static final StreamId STREAM = new StreamId(ExchangeRegistry.standard().get("binance"), "BTCUSDT");
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void isDownUntilTheFirstDataAndThatIsNoRecovery() {
        StreamHealth health = new StreamHealth(STREAM, T0);
        assertThat(health.snapshot().up()).isFalse();
        assertThat(health.snapshot().downSince()).contains(T0);
        assertThat(health.snapshot().summary()).startsWith("state=down down_since=" + T0);

        assertThat(health.up(T0.plusSeconds(1))).isEmpty();
        assertThat(health.snapshot().up()).isTrue();
        assertThat(health.snapshot().downSince()).isEmpty();
        assertThat(health.snapshot().lastOutage()).isEmpty();
    }

    @Test
    void anOutageKeepsItsFirstStartAndCauseThroughFailedAttempts() {
        StreamHealth health = new StreamHealth(STREAM, T0);
        health.up(T0);
        assertThat(health.down(T0.plusSeconds(10), "server closed the connection with code 1001")).isTrue();
        health.reconnectScheduled(0, Duration.ofMillis(70));
        assertThat(health.down(T0.plusSeconds(11), "could not connect: 429")).isFalse();
        health.reconnectScheduled(1, Duration.ofMillis(150));

        StreamHealth.Snapshot down = health.snapshot();
        assertThat(down.downSince()).contains(T0.plusSeconds(10));
        assertThat(down.downReason()).contains("1001");
        assertThat(down.reconnects()).isEqualTo(2);
        assertThat(down.recentReconnects()).extracting(StreamHealth.Reconnect::attempt).containsExactly(0, 1);

        assertThat(health.up(T0.plusSeconds(22))).contains(Duration.ofSeconds(12));
        StreamHealth.Outage outage = health.snapshot().lastOutage().orElseThrow();
        assertThat(outage.from()).isEqualTo(T0.plusSeconds(10));
        assertThat(outage.reason()).contains("1001");
        assertThat(outage.duration()).isEqualTo(Duration.ofSeconds(12));
        assertThat(health.snapshot().summary()).startsWith("state=up down_since=- reconnects=2");
    }

    @Test
    void keepsOnlyTheRecentReconnectPausesAndTheLastMessageTime() {
        StreamHealth health = new StreamHealth(STREAM, T0);
        for (int i = 0; i < StreamHealth.RECENT_RECONNECTS + 10; i++) {
            health.reconnectScheduled(i, Duration.ofMillis(i));
        }
        health.messageReceived(T0.plusSeconds(5));
        StreamHealth.Snapshot s = health.snapshot();
        assertThat(s.recentReconnects()).hasSize(StreamHealth.RECENT_RECONNECTS);
        assertThat(s.recentReconnects().get(0).attempt()).isEqualTo(10);
        assertThat(s.reconnects()).isEqualTo(StreamHealth.RECENT_RECONNECTS + 10);
        assertThat(s.lastMessageAt()).contains(T0.plusSeconds(5));
        assertThat(s.summary()).endsWith("last_message_at=" + T0.plusSeconds(5));
    }
}
