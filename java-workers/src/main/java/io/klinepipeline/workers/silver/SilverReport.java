package io.klinepipeline.workers.silver;

import io.klinepipeline.workers.report.Offending;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one silver run did for one canonical pair and window.
 *
 * @param candidates (exchange, interval, minute) keys that had at least one final bronze row: one chosen row each
 * @param inserted chosen rows new to silver.fact_ohlcv
 * @param updated chosen rows that replaced a different silver row
 * @param unchanged chosen rows silver already held exactly
 * @param missingByExchange per configured exchange of the pair, in config order: minutes of the
 *     window already over with no final bronze row and not found empty by bronze-rest (count, first minutes)
 * @param checks what the silver checks found in the pair's rows of the window after the merge
 */
public record SilverReport(long candidates, long inserted, long updated, long unchanged, Map<String, Offending<Instant>> missingByExchange,
        SilverChecks checks) {

    /** How silver picks one final bronze row per exchange, interval and minute; see {@link SilverMerge}. */
    public static final String SELECTION_RULE = "final bronze rows only; the exchange's preferred source (websocket over rest, except where the"
            + " websocket candle is built from trades: rest over websocket); then the latest ingestion_ts;"
            + " then the greatest volume; then the native symbol, close, open, high, low, quote_volume, trade_count, vwap"
            + " ascending";

    public SilverReport {
        missingByExchange = Collections.unmodifiableMap(new LinkedHashMap<>(missingByExchange));
    }

    /** Per configured exchange, in config order, how many minutes are missing. */
    public Map<String, Long> missingMinutesByExchange() {
        Map<String, Long> counts = new LinkedHashMap<>();
        missingByExchange.forEach((exchange, missing) -> counts.put(exchange, missing.count()));
        return Collections.unmodifiableMap(counts);
    }

    /** Per configured exchange, in config order, its first missing minutes (ISO-8601). */
    public Map<String, List<String>> firstMissingMinutesByExchange() {
        Map<String, List<String>> first = new LinkedHashMap<>();
        missingByExchange.forEach((exchange, missing) -> first.put(exchange, missing.first().stream().map(Instant::toString).toList()));
        return Collections.unmodifiableMap(first);
    }

    /** Minutes still missing, all exchanges together. */
    public long missingMinutes() {
        return missingByExchange.values().stream().mapToLong(Offending::count).sum();
    }

    /** One line for a log or a shell, with the selection rule. */
    public String summary() {
        return candidates + " candidates: " + inserted + " inserted, " + updated + " updated, " + unchanged
                + " unchanged; missing minutes " + missingMinutesByExchange() + "; rule: " + SELECTION_RULE;
    }
}
