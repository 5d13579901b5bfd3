package io.klinepipeline.workers.report;

import java.util.List;

/**
 * How many offending minutes, rows or lines a check's metadata names: enough to find the problem,
 * bounded so that a window gone wholly wrong still gives a readable page (the count is always full).
 */
public final class Listed {
    /** At most this many items are listed; the check's count says how many there are. */
    public static final int LIMIT = 50;

    private Listed() {}

    /** The first {@link #LIMIT} items, in their order. */
    public static <T> List<T> first(List<T> items) {
        return List.copyOf(items.size() > LIMIT ? items.subList(0, LIMIT) : items);
    }
}
