package io.klinepipeline.engine;

import java.time.Duration;

/**
 * Run-time settings that are not in pipeline.yaml because they concern this process, not the pipeline.
 *
 * @param metricsInterval how often the counters are logged
 * @param uploadShutdownGrace how long a stopping engine keeps uploading finished files
 */
public record EngineOptions(Duration metricsInterval, Duration uploadShutdownGrace) {

    public static EngineOptions defaults() {
        return new EngineOptions(Duration.ofSeconds(60), Duration.ofSeconds(20));
    }
}
