package io.klinepipeline.workers.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Covers missing minutes with the fewest requests. Greedy: each request starts at the earliest
 * minute not yet covered and takes every missing minute within its page of it, so a long gap splits
 * at the page size and nearby short gaps share one request. A request ends right after its last
 * missing minute.
 *
 * <p>The page may depend on the age of a request's first minute (OKX serves its last 1,440 minutes
 * 300 a page and older ones 100 a page). Greedy from the oldest minute stays the fewest requests as
 * long as a younger start never gets a smaller page: every request then reaches at least as far as
 * the matching request of any other cover.
 */
final class KlineRequestPlan {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    /** One request: [from, toExclusive) and the missing minutes inside it, oldest first. */
    record Range(Instant from, Instant toExclusive, List<Instant> missing) {

        /** The whole minutes from {@code from} to {@code toExclusive}: what the request asks for. */
        long minutes() {
            return Duration.between(from, toExclusive).toMinutes();
        }
    }

    private KlineRequestPlan() {}

    /** @param missing minute starts, oldest first, no duplicates */
    static List<Range> cover(List<Instant> missing, int limit) {
        return cover(missing, first -> limit);
    }

    /**
     * @param missing minute starts, oldest first, no duplicates
     * @param pageFrom the most candles one request may return when it starts at the given minute;
     *     not smaller for a younger minute than for an older one
     */
    static List<Range> cover(List<Instant> missing, ToIntFunction<Instant> pageFrom) {
        List<Range> ranges = new ArrayList<>();
        int i = 0;
        while (i < missing.size()) {
            Instant first = missing.get(i);
            int limit = pageFrom.applyAsInt(first);
            if (limit < 1) {
                throw new IllegalArgumentException("an exchange must allow at least 1 candle per request, not " + limit);
            }
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
