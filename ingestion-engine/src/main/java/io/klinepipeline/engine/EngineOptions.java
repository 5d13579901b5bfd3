package io.klinepipeline.engine;

import io.klinepipeline.engine.upload.UploadTimeouts;
import java.time.Duration;

/**
 * Run-time settings that are not in pipeline.yaml because they concern this process, not the pipeline.
 *
 * @param metricsInterval how often the counters are logged
 * @param uploadShutdownGrace how long a stopping engine keeps uploading finished files
 * @param uploadTimeouts bounds on each S3 request of an upload (tests shorten them)
 */
public record EngineOptions(Duration metricsInterval, Duration uploadShutdownGrace, UploadTimeouts uploadTimeouts) {

    /** With the default upload timeouts. */
    public EngineOptions(Duration metricsInterval, Duration uploadShutdownGrace) {
        this(metricsInterval, uploadShutdownGrace, UploadTimeouts.defaults());
    }

    public static EngineOptions defaults() {
        return new EngineOptions(Duration.ofSeconds(60), Duration.ofSeconds(20));
    }
}
