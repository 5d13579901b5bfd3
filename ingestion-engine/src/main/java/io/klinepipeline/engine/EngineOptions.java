package io.klinepipeline.engine;

import io.klinepipeline.engine.upload.UploadTimeouts;
import java.time.Duration;

/**
 * Run-time settings that are not in pipeline.yaml because they concern this process, not the pipeline.
 *
 * @param metricsInterval how often the counters are logged
 * @param uploadShutdownGrace how long a stopping engine keeps uploading finished files
 * @param uploadTimeouts bounds on each S3 request of an upload (tests shorten them)
 * @param connectionLimitSpeedup 1 in production; a test against a simulator whose clock runs N times
 *     as fast passes N, so that the exchanges' limits on new connections per IP scale with it
 */
public record EngineOptions(Duration metricsInterval, Duration uploadShutdownGrace, UploadTimeouts uploadTimeouts,
        double connectionLimitSpeedup) {

    public EngineOptions {
        if (!(connectionLimitSpeedup >= 1)) {
            throw new IllegalArgumentException("connectionLimitSpeedup must be >= 1, not " + connectionLimitSpeedup);
        }
    }

    /** With the default upload timeouts and the exchanges' real connection limits. */
    public EngineOptions(Duration metricsInterval, Duration uploadShutdownGrace) {
        this(metricsInterval, uploadShutdownGrace, UploadTimeouts.defaults(), 1);
    }

    /** With these upload timeouts and the exchanges' real connection limits. */
    public EngineOptions(Duration metricsInterval, Duration uploadShutdownGrace, UploadTimeouts uploadTimeouts) {
        this(metricsInterval, uploadShutdownGrace, uploadTimeouts, 1);
    }

    /** These options, with the exchanges' connection limits running {@code speedup} times as fast. */
    public EngineOptions withConnectionLimitSpeedup(double speedup) {
        return new EngineOptions(metricsInterval, uploadShutdownGrace, uploadTimeouts, speedup);
    }

    public static EngineOptions defaults() {
        return new EngineOptions(Duration.ofSeconds(60), Duration.ofSeconds(20));
    }
}
