package io.klinepipeline.workers.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Covers missing minutes with the fewest requests of at most {@code limit} minutes each. Greedy:
 * each request starts at the earliest minute not yet covered and takes every missing minute within
 * {@code limit} minutes of it, so a long gap splits at the limit and nearby short gaps share one
 * request. A request ends right after its last missing minute.
 */
final class KlineRequestPlan {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    /** One request: [from, toExclusive) and the missing minutes inside it, oldest first. */
    record Range(Instant from, Instant toExclusive, List<Instant> missing) {}

    private KlineRequestPlan() {}

    /** @param missing minute starts, oldest first, no duplicates */
    static List<Range> cover(List<Instant> missing, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("an exchange must allow at least 1 candle per request, not " + limit);
        }
        List<Range> ranges = new ArrayList<>();
        int i = 0;
        while (i < missing.size()) {
            Instant first = missing.get(i);
            Instant limitEnd = first.plus(MINUTE.multipliedBy(limit));
            int j = i + 1;
            while (j < missing.size() && missing.get(j).isBefore(limitEnd)) {
                j++;
            }
            ranges.add(new Range(first, missing.get(j - 1).plus(MINUTE), List.copyOf(missing.subList(i, j))));
            i = j;
        }
        return ranges;
    }
}
