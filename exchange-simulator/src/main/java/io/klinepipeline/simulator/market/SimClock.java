package io.klinepipeline.simulator.market;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The simulator's time: starts at a chosen instant and runs {@code speed} times faster than the
 * wall clock, so a test can live through an hour of market in a minute. Hand the same instance to
 * an in-process engine and both agree on what "now" is; hand {@link #anchorForm()} to an engine in
 * another process (its hidden {@code --simulated-clock} option) and it agrees too.
 *
 * <p>The clock shows {@code simOrigin + (wallNow - wallAnchor) * speed}. The wall anchor is an
 * epoch instant, which every process on the machine reads alike; between readings it follows
 * {@link System#nanoTime()}, so it never runs backwards when the system clock is adjusted.
 */
public final class SimClock extends Clock {
    /** Far enough for any test or demo, near enough that elapsed nanoseconds times the speed stay exact. */
    private static final Duration MAX_ANCHOR_DISTANCE = Duration.ofDays(7);
    private final Instant simOrigin;
    private final Instant wallAnchor;
    private final long realOriginNanos;
    private final double speed;

    private SimClock(Instant simOrigin, Instant wallAnchor, double speed) {
        if (simOrigin == null || wallAnchor == null) {
            throw new IllegalArgumentException("the simulated origin and the wall anchor are required");
        }
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be > 0 and finite, not " + speed);
        }
        Duration sinceAnchor = Duration.between(wallAnchor, Instant.now());
        if (sinceAnchor.abs().compareTo(MAX_ANCHOR_DISTANCE) > 0) {
            throw new IllegalArgumentException("the wall anchor " + wallAnchor + " is more than "
                    + MAX_ANCHOR_DISTANCE.toDays() + " days from now: it must be a wall-clock instant close to now");
        }
        this.simOrigin = simOrigin;
        this.wallAnchor = wallAnchor;
        this.speed = speed;
        // The nanoTime at which the wall clock showed the anchor (in the past or the future).
        this.realOriginNanos = System.nanoTime() - sinceAnchor.toNanos();
    }

    /** Wall-clock time, at the wall clock's pace. */
    public static SimClock realTime() {
        Instant now = Instant.now();
        return new SimClock(now, now, 1.0);
    }

    /** Starts now at {@code start} and runs {@code speed} times as fast as the wall clock. */
    public static SimClock startingAt(Instant start, double speed) {
        return new SimClock(start, Instant.now(), speed);
    }

    /**
     * Shows {@code simOrigin} when the wall clock shows {@code wallAnchor}, and runs {@code speed}
     * times as fast: two processes given the same three values agree on the time to within the
     * resolution of their wall clocks.
     */
    public static SimClock anchored(Instant simOrigin, Instant wallAnchor, double speed) {
        return new SimClock(simOrigin, wallAnchor, speed);
    }

    /**
     * This clock's three parameters as the engine's hidden {@code --simulated-clock} reads them:
     * {@code SIM_ORIGIN,WALL_ANCHOR,SPEED}, e.g. {@code 2026-11-24T10:00:00Z,2026-12-06T05:20:00.123456Z,120.0}.
     */
    public String anchorForm() {
        return simOrigin + "," + wallAnchor + "," + speed;
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
