package io.klinepipeline.workers.bronze;

import io.klinepipeline.workers.window.TimeWindow;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The minutes one ext-to-bronze run replaces: those of the window whose UTC hour has source
 * objects of its own. Candles outside it are neither deleted nor loaded.
 */
record ReplaceScope(TimeWindow window, Set<Instant> hours) {

    ReplaceScope {
        hours = Set.copyOf(hours);
    }

    /** Whether a candle starting here is replaced by this run. */
    boolean contains(Instant intervalStart) {
        return !intervalStart.isBefore(window.start()) && intervalStart.isBefore(window.end())
                && hours.contains(intervalStart.truncatedTo(ChronoUnit.HOURS));
    }

    /** The scope as [start, end) ranges, one per replaced hour, clipped to the window, in order. */
    List<TimeWindow> hourRanges() {
        List<TimeWindow> ranges = new ArrayList<>();
        hours.stream().sorted().forEach(hour -> {
            Instant start = hour.isBefore(window.start()) ? window.start() : hour;
            Instant hourEnd = hour.plus(1, ChronoUnit.HOURS);
            Instant end = hourEnd.isAfter(window.end()) ? window.end() : hourEnd;
            if (start.isBefore(end)) {
                ranges.add(new TimeWindow(start, end));
            }
        });
        return ranges;
    }

    /**
     * The scope as [start, end) ranges clipped to the window, adjacent hours merged into one range:
     * a day of hours is one range, so the statements that select the scope stay one index range scan.
     */
    List<TimeWindow> ranges() {
        return merged(hourRanges());
    }

    /** Ranges in order with adjacent ones joined. */
    static List<TimeWindow> merged(List<TimeWindow> ordered) {
        List<TimeWindow> ranges = new ArrayList<>();
        for (TimeWindow range : ordered) {
            int last = ranges.size() - 1;
            if (last >= 0 && ranges.get(last).end().equals(range.start())) {
                ranges.set(last, new TimeWindow(ranges.get(last).start(), range.end()));
            } else {
                ranges.add(range);
            }
        }
        return ranges;
    }
}
