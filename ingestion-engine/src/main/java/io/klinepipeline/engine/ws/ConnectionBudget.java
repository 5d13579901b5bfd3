package io.klinepipeline.engine.ws;

import io.klinepipeline.exchange.StreamProtocol.ConnectionLimit;
import java.time.Duration;

/**
 * A token bucket for new connections, shared by every stream of one exchange, because exchanges
 * limit new connections per IP (Binance: 300 per 5 minutes). {@link #reserve()} always grants a
 * connection, and says how long to wait first so that the rate holds.
 */
public final class ConnectionBudget {
    /** The exchange's own limit. */
    public static ConnectionBudget of(ConnectionLimit limit) {
        return of(limit, 1);
    }

    /** The exchange's limit with time running {@code speedup} times as fast: for tests on an accelerated simulator. */
    public static ConnectionBudget of(ConnectionLimit limit, double speedup) {
        return new ConnectionBudget(limit.connections(), Duration.ofNanos((long) (limit.per().toNanos() / speedup)), limit.burst());
    }

    private final double tokensPerNano;
    private final double burst;
    private double tokens;
    private long refilledAt;

    public ConnectionBudget(int connections, Duration per, int burst) {
        if (connections <= 0 || per.isNegative() || per.isZero() || burst <= 0) {
            throw new IllegalArgumentException("need connections > 0, per > 0, burst > 0");
        }
        this.tokensPerNano = (double) connections / per.toNanos();
        this.burst = burst;
        this.tokens = burst;
        this.refilledAt = System.nanoTime();
    }

    /** Takes one connection from the budget; the pause before opening it (zero when within the burst). */
    public synchronized Duration reserve() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - refilledAt) * tokensPerNano);
        refilledAt = now;
        tokens -= 1;
        return tokens >= 0 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil(-tokens / tokensPerNano));
    }
}
