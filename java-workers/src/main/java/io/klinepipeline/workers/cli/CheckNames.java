package io.klinepipeline.workers.cli;

/**
 * The asset checks the workers report, by the names the Dagster project declares them under
 * (dagster_project/keys.py); a check is reported only when its asset declared it.
 */
final class CheckNames {
    /** bronze-rest and silver: every minute of the window that is over has a final candle (silver: per venue). */
    static final String NO_MISSING_MINUTES = "no_missing_minutes";
    /** ext-to-bronze: the share of the window's lines that were dead-lettered is under checks.max_dead_letter_share. */
    static final String DEAD_LETTER_SHARE = "dead_letter_share";
    /** silver: no two rows share (exchange, symbol, interval_seconds, interval_start). */
    static final String ONE_ROW_PER_KEY = "one_row_per_key";
    /** silver: low <= min(open, close) <= max(open, close) <= high and volume >= 0 in every row. */
    static final String OHLC_CONSISTENT = "ohlc_consistent";
    /** silver: no venue's close lies farther than checks.max_close_divergence from the other venues' median. */
    static final String CROSS_VENUE_DIVERGENCE = "cross_venue_divergence";

    /** silver: every venue's newest minute in silver ended at most checks.max_silver_lag_seconds ago. */
    static final String NEWEST_MINUTE_FRESH = "newest_minute_fresh";

    private CheckNames() {}
}
