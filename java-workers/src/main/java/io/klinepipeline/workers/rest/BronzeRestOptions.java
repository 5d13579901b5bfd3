package io.klinepipeline.workers.rest;

import java.time.Duration;

/**
 * How long and how often bronze-rest may wait on an exchange that asks it to back off.
 *
 * @param maxRetries retries of one request after a 429, 418, 5xx or network error
 * @param maxWait the longest single wait; an exchange asking for more (a 418 ban of hours) fails the run
 *     with the time after which to retry
 * @param maxTotalWait all waits of one run together, retries and advised pauses alike
 * @param requestTimeout how long one HTTP request may take
 */
public record BronzeRestOptions(int maxRetries, Duration maxWait, Duration maxTotalWait, Duration requestTimeout) {

    public BronzeRestOptions {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be 0 or more, not " + maxRetries);
        }
        requirePositive("maxWait", maxWait);
        requirePositive("maxTotalWait", maxTotalWait);
        requirePositive("requestTimeout", requestTimeout);
    }

    /** 5 retries, at most 2 minutes per wait and 10 minutes in total, 30 s per request. */
    public static BronzeRestOptions defaults() {
        return new BronzeRestOptions(5, Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofSeconds(30));
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, not " + value);
        }
    }
}
