package io.klinepipeline.workers.silver;

import java.time.Instant;
import java.util.List;

/**
 * One venue whose close lay too far from the median close of the other venues.
 *
 * @param minutes how many minutes it did
 * @param maxDivergence the largest |close - others' median| / others' median among them
 * @param firstMinutes the first {@link io.klinepipeline.workers.report.Listed#LIMIT} of those minutes
 */
public record VenueDivergence(String exchange, long minutes, double maxDivergence, List<Instant> firstMinutes) {
    public VenueDivergence {
        firstMinutes = List.copyOf(firstMinutes);
    }
}
