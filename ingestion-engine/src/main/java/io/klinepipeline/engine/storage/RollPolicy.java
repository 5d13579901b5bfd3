package io.klinepipeline.engine.storage;

import io.klinepipeline.config.EngineConfig;
import java.time.Duration;

/**
 * When a JSONL file is finished: at the UTC hour of received_at always, and at whichever of these
 * bounds comes first.
 *
 * @param maxBytes a file never grows past this, unless one line alone is larger
 * @param maxAge a file's lines span at most this long by received_at, and a file is finished this
 *     long after it was opened
 */
public record RollPolicy(long maxBytes, Duration maxAge) {

    public RollPolicy {
        if (maxBytes <= 0 || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("roll bounds must be positive");
        }
    }

    public static RollPolicy from(EngineConfig engine) {
        return new RollPolicy(engine.rollMaxBytes(), engine.rollMaxAge());
    }
}
