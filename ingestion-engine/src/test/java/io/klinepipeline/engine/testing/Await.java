package io.klinepipeline.engine.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits, polling, for a condition that another thread or process makes true: how these tests watch an engine at work. */
public final class Await {
    private static final long POLL_MILLIS = 20;

    private Await() {}

    /** Returns once {@code condition} holds; fails naming {@code what} if it still does not after {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + what);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
