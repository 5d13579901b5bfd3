package io.klinepipeline.workers.report;

import java.util.List;

/**
 * What a check found wrong: how many, and the first {@link Listed#LIMIT} of them, so its metadata
 * says which rows or minutes to look at rather than just that something failed.
 *
 * @param count every offending item, also those not listed
 * @param first the first items, in the check's order
 */
public record Offending<T>(long count, List<T> first) {
    public Offending {
        first = Listed.first(first);
    }

    public static <T> Offending<T> none() {
        return new Offending<>(0, List.of());
    }

    public boolean isEmpty() {
        return count == 0;
    }
}
