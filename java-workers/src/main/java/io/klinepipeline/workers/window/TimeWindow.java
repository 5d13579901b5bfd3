package io.klinepipeline.workers.window;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;

/** The minutes a worker processes: [start, end), both on whole minutes, UTC. */
public record TimeWindow(Instant start, Instant end) {

    public TimeWindow {
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("window start " + start + " must be before its end " + end);
        }
        if (!start.truncatedTo(ChronoUnit.MINUTES).equals(start) || !end.truncatedTo(ChronoUnit.MINUTES).equals(end)) {
            throw new IllegalArgumentException("window bounds must fall on whole minutes: " + start + " .. " + end);
        }
    }

    /** Parses ISO-8601 bounds such as 2026-11-24T10:00:00Z or 2026-11-24T10:00:00+00:00. */
    public static TimeWindow parse(String start, String end) {
        return new TimeWindow(parseInstant(start), parseInstant(end));
    }

    public static Instant parseInstant(String text) {
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 timestamp with offset, e.g. 2026-11-24T10:00:00Z");
        }
    }

    public long minutes() {
        return ChronoUnit.MINUTES.between(start, end);
    }

    /** Every minute start in the window, in order. */
    public Stream<Instant> minuteStarts() {
        return Stream.iterate(start, m -> m.isBefore(end), m -> m.plus(1, ChronoUnit.MINUTES));
    }

    /** The UTC hours that overlap the window, in order. */
    public Stream<Instant> hours() {
        Instant first = start.truncatedTo(ChronoUnit.HOURS);
        return Stream.iterate(first, h -> h.isBefore(end), h -> h.plus(1, ChronoUnit.HOURS));
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
