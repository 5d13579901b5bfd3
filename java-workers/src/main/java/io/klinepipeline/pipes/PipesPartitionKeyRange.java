package io.klinepipeline.pipes;

import java.util.Objects;

/** The first and last partition keys of a run (equal for a single-partition run). */
public record PipesPartitionKeyRange(String start, String end) {

    public PipesPartitionKeyRange {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }
}
