package io.klinepipeline.engine;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import picocli.CommandLine;

/**
 * A clock for tests and demos against the exchange simulator in another process: it shows
 * {@code simOrigin + (wallNow - wallAnchor) * speed}, the simulator's {@code SimClock.anchored}
 * mapping, so both processes agree on the simulated time to within their wall clocks'
 * resolution. The wall anchor is an epoch instant; between readings the clock follows
 * {@link System#nanoTime()}, so it never runs backwards.
 *
 * <p>Only what the engine reads as "now" runs fast (received_at, the hour of a file, file ages,
 * the flush interval, stream health); waits scheduled on Netty's timers, back-off, idle timeouts,
 * upload retries and the connection limits' refill stay on the wall clock (the last scaled by the
 * speed). It never runs slower than the wall clock: see the constructor.
 */
public final class SimulatedClock extends Clock {
    /** Far enough for any test or demo, near enough that elapsed nanoseconds times the speed stay exact. */
    private static final Duration MAX_ANCHOR_DISTANCE = Duration.ofDays(7);

    private final Instant simOrigin;
    private final Instant wallAnchor;
    private final double speed;
    private final long anchorNanos;

    public SimulatedClock(Instant simOrigin, Instant wallAnchor, double speed) {
        // The engine's flush interval runs on this clock while a crash happens in wall time: at a
        // speed of 1 or more a line is forced sooner, by the wall clock, than the promise says;
        // slower, it would be forced later.
        if (!(speed >= 1) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("the speed must be a finite number >= 1 (on a slower clock the engine would force "
                    + "its files less often than engine.flush_interval_ms of wall time promises), not " + speed);
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
     * Reads {@code SIM_ORIGIN,WALL_ANCHOR,SPEED}, e.g. {@code 2026-11-24T10:00:00Z,2026-12-06T05:20:00.123456Z,120}
     * (what the simulator's {@code SimClock.anchorForm()} writes).
     *
     * @throws IllegalArgumentException saying which of the three is wrong
     */
    public static SimulatedClock parse(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected SIM_ORIGIN,WALL_ANCHOR,SPEED (for example "
                    + "2026-11-24T10:00:00Z,2026-12-06T05:20:00Z,120), not '" + text + "'");
        }
        return new SimulatedClock(instant("simulated origin", parts[0]), instant("wall anchor", parts[1]), speed(parts[2]));
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

    public double speed() {
        return speed;
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

    /** picocli's reading of {@code --simulated-clock}: a bad value is a usage error naming the option. */
    static final class Converter implements CommandLine.ITypeConverter<SimulatedClock> {
        @Override
        public SimulatedClock convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
