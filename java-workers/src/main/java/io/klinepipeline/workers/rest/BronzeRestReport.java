package io.klinepipeline.workers.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import io.klinepipeline.workers.report.Offending;

/**
 * What one bronze-rest run did for one exchange, symbol and window.
 *
 * @param missing minutes already over that had no final bronze row and were not known to be empty
 * @param filled final REST candles inserted into bronze
 * @param stillMissing missing minutes that are still missing: the exchange has no candle yet for a
 *     minute that ended less than 2 minutes before the fetch, or the run failed before asking for it
 * @param requests HTTP requests sent, retries included (each one counts against the exchange's limits)
 * @param checkedEmpty minutes the exchange returned no candle for, recorded in bronze.rest_checked_minutes
 * @param stillMissingMinutes the first {@link #MINUTES_LISTED} still-missing minutes, oldest first
 * @param retries requests repeated after the exchange asked to wait (429, 418, 5xx) or the network failed
 * @param waited all the time this run slept: retries and the pauses the exchange's rate limits advised
 * @param unfillable the still-missing minutes older than the exchange's REST candle history reaches
 *     (Kraken serves only its last 720 candles): never asked for, never taken as empty
 * @param rebuiltFromTrades of {@code filled}, the candles rebuilt from the exchange's trade history
 *     for minutes beyond its candle history (Kraken's public Trades)
 * @param beyondHistory the missing minutes older than the exchange's candle history reached at the
 *     run's start, rebuilt from trades or not: the part of the gap only trade pages can fill
 * @param emptyMinutes minutes of the window the exchange has no candle for (this run's and earlier
 *     runs' findings) and bronze no final row: excused by the check, listed so a user sees them
 * @param unfillableMinutes the still-missing minutes beyond the exchange's REST history
 * @param failedMinutes the other still-missing minutes: the exchange has no candle for them yet,
 *     or the run stopped before asking
 * @param stoppedBy the request that failed for good (after its retries) and stopped the run early;
 *     what was fetched before it is stored all the same
 */
public record BronzeRestReport(
        long missing,
        long filled,
        long stillMissing,
        long requests,
        long checkedEmpty,
        List<Instant> stillMissingMinutes,
        long retries,
        Duration waited,
        long unfillable,
        long rebuiltFromTrades,
        long beyondHistory,
        Offending<Instant> emptyMinutes,
        Offending<Instant> unfillableMinutes,
        Offending<Instant> failedMinutes,
        Optional<RestFetchException> stoppedBy) {

    /** At most this many still-missing minutes are listed; {@code stillMissing} has the full count. */
    public static final int MINUTES_LISTED = 100;

    public BronzeRestReport {
        stillMissingMinutes = List.copyOf(stillMissingMinutes.size() > MINUTES_LISTED
                ? stillMissingMinutes.subList(0, MINUTES_LISTED) : stillMissingMinutes);
    }

    static BronzeRestReport nothingMissing(Offending<Instant> emptyMinutes) {
        return new BronzeRestReport(0, 0, 0, 0, 0, List.of(), 0, Duration.ZERO, 0, 0, 0, emptyMinutes, Offending.none(), Offending.none(),
                Optional.empty());
    }

    /** One line for a log or a shell. */
    public String summary() {
        return "missing " + missing + ", filled " + filled + (rebuiltFromTrades == 0 ? "" : " (" + rebuiltFromTrades + " from trades)")
                + ", checked empty " + checkedEmpty + ", still missing "
                + stillMissing + (unfillable == 0 ? "" : " (" + unfillable + " beyond the exchange's REST history)")
                + (stillMissingMinutes.isEmpty() ? "" : " (first " + stillMissingMinutes.get(0) + ")")
                + "; " + requests + " requests, " + retries + " retries, waited " + waited.toSeconds() + " s"
                + stoppedBy.map(e -> "; stopped early: " + e.getMessage()).orElse("");
    }
}
