package io.klinepipeline.config;

import java.time.Duration;

/**
 * The bounds the asset checks warn at. Defaults live here and only here.
 *
 * @param maxDeadLetterShare ext-to-bronze warns when more than this share of a window's lines
 *     was dead-lettered (0.01: one line in a hundred)
 * @param maxCloseDivergence silver warns when a venue's close is farther than this, relative, from
 *     the median close of the other venues for the same minute (0.02: 2 %)
 * @param maxSilverLag silver's freshness check fails when a venue's newest minute in silver ended
 *     longer ago than this (10 minutes: twice the pipeline's five-minute goal, so a slow run is no alarm)
 * @param maxStreamSilence Dagster's engine check fails when a stream's last message (data, heartbeat
 *     or control frame) is older than this in the engine's /health (180 s: twice the engine's default
 *     idle timeout, after which the engine itself has replaced the connection at least once)
 */
public record ChecksConfig(double maxDeadLetterShare, double maxCloseDivergence, Duration maxSilverLag, Duration maxStreamSilence) {
    static final double DEFAULT_MAX_DEAD_LETTER_SHARE = 0.01;
    static final double DEFAULT_MAX_CLOSE_DIVERGENCE = 0.02;
    static final long DEFAULT_MAX_SILVER_LAG_SECONDS = 600;
    static final long DEFAULT_MAX_STREAM_SILENCE_SECONDS = 180;

    /** The bounds when pipeline.yaml has no {@code checks} section. */
    public static ChecksConfig defaults() {
        return new ChecksConfig(DEFAULT_MAX_DEAD_LETTER_SHARE, DEFAULT_MAX_CLOSE_DIVERGENCE,
                Duration.ofSeconds(DEFAULT_MAX_SILVER_LAG_SECONDS), Duration.ofSeconds(DEFAULT_MAX_STREAM_SILENCE_SECONDS));
    }

    static ChecksConfig from(ConfigNode node) {
        node.allowOnly("max_dead_letter_share", "max_close_divergence", "max_silver_lag_seconds", "max_stream_silence_seconds");
        return new ChecksConfig(
                node.optionalFraction("max_dead_letter_share", DEFAULT_MAX_DEAD_LETTER_SHARE),
                node.optionalFraction("max_close_divergence", DEFAULT_MAX_CLOSE_DIVERGENCE),
                Duration.ofSeconds(node.optionalPositiveLong("max_silver_lag_seconds", DEFAULT_MAX_SILVER_LAG_SECONDS)),
                Duration.ofSeconds(node.optionalPositiveLong("max_stream_silence_seconds", DEFAULT_MAX_STREAM_SILENCE_SECONDS)));
    }
}
