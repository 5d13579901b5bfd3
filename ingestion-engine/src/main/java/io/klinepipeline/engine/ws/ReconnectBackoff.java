package io.klinepipeline.engine.ws;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential back-off with full jitter between the configured bounds: before attempt {@code n}
 * (0-based) the pause is drawn uniformly from {@code [initial, min(max, initial * 2^(n+1))]}, so
 * streams that fail together spread out instead of reconnecting in step, and no pause is shorter
 * than {@code initial} (Binance limits new connections per IP).
 */
public final class ReconnectBackoff {
    private final long initialMillis;
    private final long maxMillis;
    private final RandomGenerator random;

    public ReconnectBackoff(Duration initial, Duration max, RandomGenerator random) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    public Duration delayBefore(int attempt) {
        long cap = initialMillis;
        for (int i = 0; i <= attempt && cap < maxMillis; i++) {
            cap = cap == 0 ? 1 : cap * 2;
        }
        cap = Math.min(cap, maxMillis);
        return Duration.ofMillis(cap <= initialMillis ? initialMillis : random.nextLong(initialMillis, cap + 1));
    }
}
