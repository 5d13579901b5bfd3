package io.klinepipeline.engine;

import java.time.Duration;

/**
 * Run-time settings that are not in pipeline.yaml because they concern this process, not the pipeline.
 *
 * @param metricsInterval how often the counters are logged
 * @param uploadShutdownGrace how long a stopping engine keeps uploading finished files
 * @param connectionLimitSpeedup 1 in production; a test against a simulator whose clock runs N times
 *     as fast passes N, so that the exchanges' limits on new connections per IP scale with it
 */
public record EngineOptions(Duration metricsInterval, Duration uploadShutdownGrace, double connectionLimitSpeedup) {

    public EngineOptions {
        if (!(connectionLimitSpeedup >= 1)) {
            throw new IllegalArgumentException("connectionLimitSpeedup must be >= 1, not " + connectionLimitSpeedup);
        }
    }

    public EngineOptions(Duration metricsInterval, Duration uploadShutdownGrace) {
        this(metricsInterval, uploadShutdownGrace, 1);
    }

    /** These options, with the exchanges' connection limits running {@code speedup} times as fast. */
    public EngineOptions withConnectionLimitSpeedup(double speedup) {
        return new EngineOptions(metricsInterval, uploadShutdownGrace, speedup);
    }

    public static EngineOptions defaults() {
        return new EngineOptions(Duration.ofSeconds(60), Duration.ofSeconds(20));
    }
}
