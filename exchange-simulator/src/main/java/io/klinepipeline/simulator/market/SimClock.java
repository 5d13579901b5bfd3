package io.klinepipeline.simulator.market;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The simulator's time: starts at a chosen instant and runs {@code speed} times faster than the
 * wall clock, so a test can live through an hour of market in a minute. Hand the same instance to
 * an in-process engine and both agree on what "now" is.
 */
public final class SimClock extends Clock {
    private final Instant simOrigin;
    private final long realOriginNanos;
    private final double speed;

    private SimClock(Instant simOrigin, long realOriginNanos, double speed) {
        if (!(speed > 0)) {
            throw new IllegalArgumentException("speed must be > 0, not " + speed);
        }
        this.simOrigin = simOrigin;
        this.realOriginNanos = realOriginNanos;
        this.speed = speed;
    }

    /** Wall-clock time, at the wall clock's pace. */
    public static SimClock realTime() {
        return new SimClock(Instant.now(), System.nanoTime(), 1.0);
    }

    /** Starts now at {@code start} and runs {@code speed} times as fast as the wall clock. */
    public static SimClock startingAt(Instant start, double speed) {
        return new SimClock(start, System.nanoTime(), speed);
    }

    /** The simulated instant the clock started at. */
    public Instant origin() {
        return simOrigin;
    }

    public double speed() {
        return speed;
    }

    /** The wall-clock time until this clock shows {@code simInstant}; zero when it already has. */
    public Duration realDelayUntil(Instant simInstant) {
        Duration sim = Duration.between(instant(), simInstant);
        return sim.isNegative() ? Duration.ZERO : Duration.ofNanos((long) (sim.toNanos() / speed));
    }

    @Override
    public Instant instant() {
        long realElapsed = System.nanoTime() - realOriginNanos;
        return simOrigin.plusNanos((long) (realElapsed * speed));
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the simulator's clock is always UTC");
    }
}
