package io.klinepipeline.clock;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Simulated time for tests and demos against the exchange simulator: it shows
 * {@code simOrigin + (wallNow - wallAnchor) * speed}, so the simulator can live through an hour
 * of market in a minute. Hand the same instance to an in-process engine and both agree on what
 * "now" is; hand {@link #anchorForm()} to an engine in another process (its hidden
 * {@code --simulated-clock}, read by {@link #parse}) and it agrees too, to within the resolution
 * of the two processes' wall clocks.
 *
 * <p>The wall anchor is an epoch instant, which every process on the machine reads alike; between
 * readings the clock follows {@link System#nanoTime()}, so it never runs backwards when the system
 * clock is adjusted.
 */
public final class SimulatedClock extends Clock {
    /** Far enough for any test or demo, near enough that elapsed nanoseconds times the speed stay exact. */
    private static final Duration MAX_ANCHOR_DISTANCE = Duration.ofDays(7);

    private final Instant simOrigin;
    private final Instant wallAnchor;
    private final double speed;
    /** The nanoTime at which the wall clock showed the anchor (in the past or the future). */
    private final long anchorNanos;

    private SimulatedClock(Instant simOrigin, Instant wallAnchor, double speed) {
        if (simOrigin == null || wallAnchor == null) {
            throw new IllegalArgumentException("the simulated origin and the wall anchor are required");
        }
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("the speed must be a finite number > 0, not " + speed);
        }
        Duration sinceAnchor = Duration.between(wallAnchor, Instant.now());
        if (sinceAnchor.abs().compareTo(MAX_ANCHOR_DISTANCE) > 0) {
            throw new IllegalArgumentException("the wall anchor " + wallAnchor + " is more than " + MAX_ANCHOR_DISTANCE.toDays()
                    + " days from now: it must be a wall-clock instant close to now");
        }
        this.simOrigin = simOrigin;
        this.wallAnchor = wallAnchor;
        this.speed = speed;
        this.anchorNanos = System.nanoTime() - sinceAnchor.toNanos();
    }

    /**
     * Shows {@code simOrigin} when the wall clock shows {@code wallAnchor}, and runs {@code speed}
     * times as fast: two processes given the same three values agree on the time.
     *
     * @throws IllegalArgumentException when the speed is not a finite number above 0, or the anchor is days away from now
     */
    public static SimulatedClock anchored(Instant simOrigin, Instant wallAnchor, double speed) {
        return new SimulatedClock(simOrigin, wallAnchor, speed);
    }

    /** Starts now at {@code start} and runs {@code speed} times as fast as the wall clock. */
    public static SimulatedClock startingAt(Instant start, double speed) {
        return new SimulatedClock(start, Instant.now(), speed);
    }

    /**
     * Reads {@link #anchorForm()}: {@code SIM_ORIGIN,WALL_ANCHOR,SPEED}, e.g.
     * {@code 2026-11-24T10:00:00Z,2026-12-06T05:20:00.123456Z,120}.
     *
     * @throws IllegalArgumentException saying which of the three is wrong
     */
    public static SimulatedClock parse(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected SIM_ORIGIN,WALL_ANCHOR,SPEED (for example "
                    + "2026-11-24T10:00:00Z,2026-12-06T05:20:00Z,120), not '" + text + "'");
        }
        return anchored(instant("simulated origin", parts[0]), instant("wall anchor", parts[1]), speed(parts[2]));
    }

    private static Instant instant(String what, String text) {
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("the " + what + " must be an ISO-8601 UTC instant such as 2026-11-24T10:00:00Z, not '"
                    + text + "'");
        }
    }

    private static double speed(String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the speed must be a number such as 120, not '" + text + "'");
        }
    }

    /**
     * This clock's three parameters as {@link #parse} reads them: {@code SIM_ORIGIN,WALL_ANCHOR,SPEED},
     * e.g. {@code 2026-11-24T10:00:00Z,2026-12-06T05:20:00.123456Z,120.0}.
     */
    public String anchorForm() {
        return simOrigin + "," + wallAnchor + "," + speed;
    }

    /** The simulated instant the clock shows at its wall anchor. */
    public Instant origin() {
        return simOrigin;
    }

    /** Simulated seconds per wall-clock second. */
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
        return simOrigin.plusNanos((long) ((System.nanoTime() - anchorNanos) * speed));
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
        throw new UnsupportedOperationException("the simulated clock is always UTC");
    }

    @Override
    public String toString() {
        return "SimulatedClock[" + simOrigin + " at wall " + wallAnchor + ", x" + speed + "]";
    }
}
