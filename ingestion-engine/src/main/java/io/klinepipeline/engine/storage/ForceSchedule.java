package io.klinepipeline.engine.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a writer must force its file so every line is durable within the flush interval of its
 * receipt: once the oldest unforced line is half an interval old (the other half is for the fsync
 * itself and a busy disk). Lines received together share one fsync (group commit), and a file is
 * forced at most twice per interval however fast lines come.
 */
final class ForceSchedule {
    private final Duration forceAfter;
    private final Clock clock;
    /** received_at of the oldest line appended since the last force started; null when none. */
    private Instant oldestUnforced;
    /** received_at of the oldest line the running force covers; null when no force runs. */
    private Instant oldestForcing;

    ForceSchedule(Duration flushInterval, Clock clock) {
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("flush interval must be positive");
        }
        this.forceAfter = flushInterval.dividedBy(2);
        this.clock = clock;
    }

    /** A line received at {@code receivedAt} was appended and is not yet forced. */
    void appended(Instant receivedAt) {
        if (oldestUnforced == null) {
            oldestUnforced = receivedAt;
        }
    }

    /** Every line appended so far is forced. */
    void forced() {
        oldestUnforced = null;
        oldestForcing = null;
    }

    /** A force started: it covers every line appended so far. */
    void forceStarted() {
        if (oldestForcing == null) {
            oldestForcing = oldestUnforced;
        }
        oldestUnforced = null;
    }

    /** The running force succeeded: its lines are durable. */
    void forceSucceeded() {
        oldestForcing = null;
    }

    /** The running force failed: its lines are unforced again, and due as soon as they were before. */
    void forceFailed() {
        if (oldestForcing != null && (oldestUnforced == null || oldestForcing.isBefore(oldestUnforced))) {
            oldestUnforced = oldestForcing;
        }
        oldestForcing = null;
    }

    boolean due() {
        return oldestUnforced != null && !clock.instant().isBefore(oldestUnforced.plus(forceAfter));
    }

    /** How long until {@link #due()}; empty when every line is forced. */
    Optional<Duration> timeUntilDue() {
        if (oldestUnforced == null) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), oldestUnforced.plus(forceAfter));
        return Optional.of(left.isNegative() ? Duration.ZERO : left);
    }
}
