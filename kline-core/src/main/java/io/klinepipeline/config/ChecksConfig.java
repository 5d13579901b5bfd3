package io.klinepipeline.config;

/**
 * The bounds the asset checks warn at. Defaults live here and only here.
 *
 * @param maxDeadLetterShare ext-to-bronze warns when more than this share of a window's lines
 *     was dead-lettered (0.01: one line in a hundred)
 * @param maxCloseDivergence silver warns when a venue's close is farther than this, relative, from
 *     the median close of the other venues for the same minute (0.02: 2 %)
 */
public record ChecksConfig(double maxDeadLetterShare, double maxCloseDivergence) {
    static final double DEFAULT_MAX_DEAD_LETTER_SHARE = 0.01;
    static final double DEFAULT_MAX_CLOSE_DIVERGENCE = 0.02;

    /** The bounds when pipeline.yaml has no {@code checks} section. */
    public static ChecksConfig defaults() {
        return new ChecksConfig(DEFAULT_MAX_DEAD_LETTER_SHARE, DEFAULT_MAX_CLOSE_DIVERGENCE);
    }

    static ChecksConfig from(ConfigNode node) {
        node.allowOnly("max_dead_letter_share", "max_close_divergence");
        return new ChecksConfig(
                node.optionalFraction("max_dead_letter_share", DEFAULT_MAX_DEAD_LETTER_SHARE),
                node.optionalFraction("max_close_divergence", DEFAULT_MAX_CLOSE_DIVERGENCE));
    }
}
