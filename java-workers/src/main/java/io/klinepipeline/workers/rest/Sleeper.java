package io.klinepipeline.workers.rest;

import java.time.Duration;

/** Waits between REST requests; injectable so that tests run fast and can see every wait. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    /** Really sleeps the calling thread. */
    static Sleeper real() {
        return duration -> Thread.sleep(duration.toMillis());
    }
}
