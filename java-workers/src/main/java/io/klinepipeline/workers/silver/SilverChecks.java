package io.klinepipeline.workers.silver;

import io.klinepipeline.workers.report.Offending;
import java.util.List;

/**
 * What the checks of one silver run found in the rows the pair's listings hold for the window
 * (after the merge), and the latest candles per venue for a preview.
 *
 * @param duplicateKeys keys held by more than one row (the primary key forbids them; checked as the user's assurance)
 * @param inconsistentRows rows breaking low <= min(open, close) <= max(open, close) <= high or volume >= 0, or holding NaN or an infinity
 * @param venues how many exchanges list the pair: with one there is nothing to compare closes with
 * @param divergentVenues per venue, the minutes its close diverged from the other venues' median; empty when none did
 * @param maxCloseDivergence the relative bound the closes were held to
 * @param latest the last {@link SilverCheckQueries#PREVIEW_ROWS_PER_VENUE} candles of each venue, by venue then minute
 * @param freshness each venue's newest minute in silver, any window, against checks.max_silver_lag_seconds
 */
public record SilverChecks(
        Offending<DuplicateKey> duplicateKeys,
        Offending<SilverRow> inconsistentRows,
        int venues,
        List<VenueDivergence> divergentVenues,
        double maxCloseDivergence,
        List<SilverRow> latest,
        SilverFreshness freshness) {

    public SilverChecks {
        divergentVenues = List.copyOf(divergentVenues);
        latest = List.copyOf(latest);
    }
}
