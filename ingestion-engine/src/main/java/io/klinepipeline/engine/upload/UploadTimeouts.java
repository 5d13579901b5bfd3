package io.klinepipeline.engine.upload;

import java.time.Duration;

/**
 * Client-side bounds on the S3 calls of one upload attempt, so a store that accepts a request and
 * never answers fails the attempt (which is then retried) instead of holding the upload thread,
 * and shutdown, forever. An attempt is one HTTP request; a call is the SDK's attempts together.
 *
 * @param headAttempt one HeadObject request
 * @param headCall HeadObject with the SDK's own retries
 * @param putAttempt one PutObject request, which carries up to {@code engine.roll_max_bytes}
 * @param putCall PutObject with the SDK's own retries
 */
public record UploadTimeouts(Duration headAttempt, Duration headCall, Duration putAttempt, Duration putCall) {

    public UploadTimeouts {
        if (headAttempt.compareTo(headCall) > 0 || putAttempt.compareTo(putCall) > 0) {
            throw new IllegalArgumentException("an attempt timeout must not exceed its call timeout");
        }
    }

    /** Generous enough for a 64 MiB file on a slow uplink, short enough that a hung store is noticed. */
    public static UploadTimeouts defaults() {
        return new UploadTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(5));
    }
}
