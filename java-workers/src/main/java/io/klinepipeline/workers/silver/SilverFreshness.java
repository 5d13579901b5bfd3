package io.klinepipeline.workers.silver;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How recent each venue's newest silver minute of a pair is, whatever window the run merged: the
 * freshness check is about the asset now (a backfill of last month still says whether today's
 * capture reaches silver), so a venue that went silent fails it on the next run of any venue.
 *
 * @param checkedAt when the run looked
 * @param bound a venue whose newest minute ended longer ago than this is stale (checks.max_silver_lag_seconds)
 * @param newestEnd per venue listing the pair, in config order: the end of its newest minute in silver, if any
 */
public record SilverFreshness(Instant checkedAt, Duration bound, Map<String, Optional<Instant>> newestEnd) {

    public SilverFreshness {
        newestEnd = Collections.unmodifiableMap(new LinkedHashMap<>(newestEnd));
    }

    /** Venues with no minute in silver at all, or whose newest ended more than the bound ago, in config order. */
    public List<String> staleVenues() {
        return newestEnd.keySet().stream().filter(venue -> lag(venue).map(lag -> lag.compareTo(bound) > 0).orElse(true)).toList();
    }

    /** How long ago the venue's newest minute ended; empty when silver has none of the venue's minutes. */
    public Optional<Duration> lag(String venue) {
        return newestEnd.get(venue).map(end -> Duration.between(end, checkedAt));
    }
}
