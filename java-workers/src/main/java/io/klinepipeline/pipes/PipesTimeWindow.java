package io.klinepipeline.pipes;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/** A half-open time span [start, end), such as the partition time window of a run. */
public record PipesTimeWindow(Instant start, Instant end) {

    public PipesTimeWindow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!start.isBefore(end)) {
            throw new DagsterPipesException("Time window start " + start + " is not before its end " + end);
        }
    }

    /** Parses Python isoformat timestamps such as {@code 2026-11-24T10:00:00+00:00}. */
    public static PipesTimeWindow parse(String start, String end) {
        return new PipesTimeWindow(IsoTimestamps.parse(start, "start"), IsoTimestamps.parse(end, "end"));
    }

    /** Reads {@code {"start": iso, "end": iso}}; {@code where} names the field in error messages. */
    static PipesTimeWindow fromJson(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new DagsterPipesException(where + ": expected an object {\"start\": ..., \"end\": ...}, got "
                    + PipesJson.abbreviate(node));
        }
        return new PipesTimeWindow(
                IsoTimestamps.parse(textOrNull(node.get("start")), where + ".start"),
                IsoTimestamps.parse(textOrNull(node.get("end")), where + ".end"));
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }
}
