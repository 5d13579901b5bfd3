package io.klinepipeline.workers.rest;

import java.time.Duration;

/** Waits between REST requests; injectable so that tests run fast and can see every wait. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    /**
     * Really sleeps the calling thread, rounded up to the millisecond: a pace of 8.33 ms (Bybit's 600
     * requests per 5 s) must not become 8 ms, a little faster than the limit.
     */
    static Sleeper real() {
        return duration -> Thread.sleep(Math.addExact(duration.toNanos(), 999_999) / 1_000_000);
    }
}
