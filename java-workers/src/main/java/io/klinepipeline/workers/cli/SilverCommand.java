package io.klinepipeline.workers.cli;

import static io.klinepipeline.pipes.MetadataValue.ofInt;

import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.pipes.MetadataValue;
import io.klinepipeline.pipes.PipesCheckSeverity;
import io.klinepipeline.workers.silver.SilverChecks;
import io.klinepipeline.workers.silver.SilverFreshness;
import io.klinepipeline.workers.silver.SilverJob;
import io.klinepipeline.workers.silver.SilverRow;
import io.klinepipeline.workers.silver.VenueDivergence;
import io.klinepipeline.workers.silver.SilverReport;
import io.klinepipeline.workers.window.TimeWindow;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code silver}: merges final, de-duplicated bronze minutes of one canonical pair into silver.fact_ohlcv. */
@Command(name = "silver", mixinStandardHelpOptions = true,
        header = "Merge a pair's final bronze minutes, all exchanges, into silver.fact_ohlcv.",
        description = {
            "For every configured exchange listing the pair, takes the final bronze rows of the window, keeps one per (exchange, minute) - the exchange's preferred source (websocket over rest, or rest over websocket where the websocket candle is built from trades), then the latest ingestion_ts - and upserts them into silver.fact_ohlcv. Several pairs (or --all-symbols) are merged in one run and one statement; a pair that fails does not stop the others. Re-running changes nothing; a rerun of a window wholly over whose bronze has not changed since its last merge reads neither bronze nor silver and reports what that merge found (silver.merge_marks). Two runs of one pair take turns (see --lock-wait).",
            "",
            "Example: kline-worker silver --symbol BTC-USDT --symbol ETH-USDT --start 2026-11-24T10:00:00Z --end 2026-11-24T11:00:00Z"})
final class SilverCommand extends WorkerCommand {
    @Option(names = "--symbol", paramLabel = "BASE-QUOTE",
            description = "Canonical pair; repeat it for several in one run. Example: --symbol BTC-USDT."
                    + " Without --symbol or --all-symbols under Dagster Pipes: extras.streams (or extras.symbol).")
    List<String> symbols = new ArrayList<>();

    @Option(names = "--all-symbols", description = "Every canonical pair a configured exchange lists.")
    boolean allSymbols;

    @Mixin
    WindowOptions windowOptions;

    @Override
    void run(WorkerRun run) throws Exception {
        PipelineConfig config = run.config();
        List<RunTarget> targets = run.pairTargets(symbols, allSymbols);
        TimeWindow window = run.window(windowOptions);
        SilverJob job = new SilverJob(config, name -> run.registry().get(name).sourcePrecedence(), run.migratedDatabase(),
                Clock.systemUTC(), run.runLock());
        List<CanonicalPair> pairs = targets.stream().map(t -> CanonicalPair.parse(t.symbol())).toList();
        run.progress("silver " + (pairs.size() == 1 ? pairs.get(0) : pairs.size() + " pairs") + " " + window);
        // Every pair in one merge; each is then reported (or fails) on its own, as before.
        Map<CanonicalPair, SilverJob.Outcome> outcomes = job.runAll(pairs, window);
        run.each(targets, target -> {
            SilverJob.Outcome outcome = outcomes.get(CanonicalPair.parse(target.symbol()));
            if (outcome.failure() != null) {
                throw outcome.failure();
            }
            SilverReport report = outcome.report();
            long missing = report.missingMinutes();
            run.reportCheck(target, CheckNames.NO_MISSING_MINUTES, missing == 0, Map.of(
                    "missing_minutes", ofInt(missing),
                    "missing_minutes_by_exchange", MetadataValue.ofJson(report.missingMinutesByExchange()),
                    "first_missing_minutes_by_exchange", MetadataValue.ofJson(report.firstMissingMinutesByExchange())));
            reportChecks(run, target, report.checks());
            return metadata(report);
        });
    }

    private static void reportChecks(WorkerRun run, RunTarget target, SilverChecks checks) {
        run.reportCheck(target, CheckNames.ONE_ROW_PER_KEY, checks.duplicateKeys().isEmpty(), Map.of(
                "duplicate_keys", ofInt(checks.duplicateKeys().count()),
                "first_duplicate_keys", MetadataValue.ofJson(checks.duplicateKeys().first().stream().map(k -> Map.of(
                        "exchange", k.exchange(), "interval_seconds", k.intervalSeconds(),
                        "interval_start", k.intervalStart().toString(), "rows", k.rows())).toList())));
        run.reportCheck(target, CheckNames.OHLC_CONSISTENT, checks.inconsistentRows().isEmpty(), Map.of(
                "inconsistent_rows", ofInt(checks.inconsistentRows().count()),
                "first_inconsistent_rows", MetadataValue.ofJson(checks.inconsistentRows().first().stream()
                        .map(SilverCommand::rowJson).toList())));
        Map<String, MetadataValue> divergence = new LinkedHashMap<>();
        divergence.put("venues", ofInt(checks.venues()));
        divergence.put("max_close_divergence", MetadataValue.ofFloat(checks.maxCloseDivergence()));
        divergence.put("diverging_minutes", ofInt(checks.divergentVenues().stream().mapToLong(VenueDivergence::minutes).sum()));
        Map<String, Object> byVenue = new LinkedHashMap<>();
        checks.divergentVenues().forEach(v -> byVenue.put(v.exchange(), Map.of(
                "minutes", v.minutes(), "max_divergence", v.maxDivergence(),
                "first_minutes", v.firstMinutes().stream().map(Object::toString).toList())));
        divergence.put("diverging_by_exchange", MetadataValue.ofJson(byVenue));
        divergence.put("compared_with", MetadataValue.ofText(switch (checks.venues()) {
            case 1 -> "nothing: one venue lists the pair, so there is no other close to compare with";
            case 2 -> "the other venue's close: with two venues a divergence names both";
            default -> "the median close of the other venues for the same minute";
        }));
        run.reportCheck(target, CheckNames.CROSS_VENUE_DIVERGENCE, checks.divergentVenues().isEmpty(), divergence);
        reportFreshness(run, target, checks.freshness());
    }

    private static void reportFreshness(WorkerRun run, RunTarget target, SilverFreshness freshness) {
        Map<String, Object> newest = new LinkedHashMap<>();
        Map<String, Object> lag = new LinkedHashMap<>();
        freshness.newestEnd().forEach((venue, end) -> {
            newest.put(venue, end.map(Object::toString).orElse(null));
            lag.put(venue, freshness.lag(venue).map(Duration::toSeconds).orElse(null));
        });
        List<String> stale = freshness.staleVenues();
        Map<String, MetadataValue> m = new LinkedHashMap<>();
        m.put("max_lag_seconds", ofInt(freshness.bound().toSeconds()));
        m.put("checked_at", MetadataValue.ofText(freshness.checkedAt().toString()));
        m.put("stale_exchanges", MetadataValue.ofJson(stale));
        m.put("newest_minute_end_by_exchange", MetadataValue.ofJson(newest));
        m.put("lag_seconds_by_exchange", MetadataValue.ofJson(lag));
        run.reportCheck(target, CheckNames.NEWEST_MINUTE_FRESH, stale.isEmpty(), PipesCheckSeverity.ERROR, m);
    }

    private static Map<String, Object> rowJson(SilverRow r) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("exchange", r.exchange());
        row.put("interval_start", r.intervalStart().toString());
        row.put("open", r.open());
        row.put("high", r.high());
        row.put("low", r.low());
        row.put("close", r.close());
        row.put("volume", r.volume());
        row.put("source", r.source());
        return row;
    }

    private static Map<String, MetadataValue> metadata(SilverReport report) {
        Map<String, MetadataValue> m = new LinkedHashMap<>();
        m.put("candidates", ofInt(report.candidates()));
        m.put("inserted", ofInt(report.inserted()));
        m.put("updated", ofInt(report.updated()));
        m.put("unchanged", ofInt(report.unchanged()));
        m.put("missing_minutes_by_exchange", MetadataValue.ofJson(report.missingMinutesByExchange()));
        m.put("missing_minutes", ofInt(report.missingMinutes()));
        m.put("latest_candles", MetadataValue.ofMd(CandlePreview.markdown(report.checks().latest())));
        return m;
    }
}
