package io.klinepipeline.config;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** @param start the first hourly partition; must fall on a whole UTC hour */
public record PartitionsConfig(Instant start) {

    static PartitionsConfig from(ConfigNode node) {
        node.allowOnly("start");
        Instant start = node.requiredInstant("start");
        if (!start.truncatedTo(ChronoUnit.HOURS).equals(start)) {
            throw ConfigNode.error(node.key("start"), "must fall on a whole UTC hour, not " + start);
        }
        return new PartitionsConfig(start);
    }
}
