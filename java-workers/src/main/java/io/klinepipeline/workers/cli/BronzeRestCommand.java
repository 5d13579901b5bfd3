package io.klinepipeline.workers.cli;

import static io.klinepipeline.pipes.MetadataValue.ofInt;

import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.pipes.MetadataValue;
import io.klinepipeline.pipes.PipesCheckSeverity;
import io.klinepipeline.workers.rest.BronzeRestJob;
import io.klinepipeline.workers.rest.BronzeRestOptions;
import io.klinepipeline.workers.rest.Sleeper;
import io.klinepipeline.workers.report.Offending;
import io.klinepipeline.workers.rest.BronzeRestReport;
import io.klinepipeline.workers.window.TimeWindow;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bronze-rest}: fills the window's missing minutes from the exchange's REST API. */
@Command(name = "bronze-rest", mixinStandardHelpOptions = true,
        header = "Fill a window's missing minutes from the exchange's REST API (source rest).",
        description = {
            "Finds the minutes of a window (only minutes already over) with no final bronze row, fetches them from the exchange's REST API in as few requests as its limit allows, honouring its rate limits, and inserts them with source 'rest'. A minute the exchange has no candle for is recorded in bronze.rest_checked_minutes so it is not fetched again.",
            "",
            "Several symbols (or --all-symbols) are filled in one run, one after another; a symbol that fails does not stop the others, and the run then fails naming it.",
            "",
            "A request the exchange still refuses after its retries (5xx, 429, a ban longer than the longest wait, no answer) stops that symbol early without failing the run: what was fetched before it is stored, the no_missing_minutes check fails with severity ERROR and the failure in stopped_by, and the next run asks for what is left. One venue's outage so never holds back silver for the others. Database failures, usage errors and cancellation still fail the run.",
            "",
            "Example: kline-worker bronze-rest --exchange binance --all-symbols --start 2026-11-24T10:00:00Z --end 2026-11-24T11:00:00Z"})
final class BronzeRestCommand extends WorkerCommand {
    @Mixin
    StreamOptions stream;

    @Mixin
    WindowOptions windowOptions;

    @Override
    void run(WorkerRun run) throws Exception {
        PipelineConfig config = run.config();
        List<RunTarget> targets = run.streamTargets(stream);
        TimeWindow window = run.window(windowOptions);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        // Symbols run one after another, so a batch asks the venue no faster than one stream would.
        BronzeRestJob job = new BronzeRestJob(config, run.registry(), run.migratedDatabase(), http, Clock.systemUTC(),
                BronzeRestOptions.defaults(), Sleeper.real(), run.runLock());
        run.each(targets, target -> {
            run.progress("bronze-rest " + target.label() + " " + window);
            BronzeRestReport report = job.run(target.exchange(), target.symbol(), window);
            // A stopped fetch is an ERROR: the pipeline, not the exchange's data, is short of minutes.
            run.reportCheck(target, CheckNames.NO_MISSING_MINUTES, report.stillMissing() == 0,
                    report.stoppedBy().isPresent() ? PipesCheckSeverity.ERROR : PipesCheckSeverity.WARN, checkMetadata(report));
            return metadata(report);
        });
    }

    /**
     * Why minutes lack a candle, in three kinds a user acts on differently: empty (the exchange has
     * none: excused), unfillable (beyond its REST history: only the capture could have had them),
     * failed (not there yet, or the run stopped: the next run asks again). Each: count and first minutes.
     */
    private static Map<String, MetadataValue> checkMetadata(BronzeRestReport report) {
        Map<String, MetadataValue> m = new LinkedHashMap<>();
        m.put("still_missing", ofInt(report.stillMissing()));
        m.put("empty", ofInt(report.emptyMinutes().count()));
        m.put("empty_minutes", minutes(report.emptyMinutes()));
        m.put("unfillable", ofInt(report.unfillableMinutes().count()));
        m.put("unfillable_minutes", minutes(report.unfillableMinutes()));
        m.put("failed", ofInt(report.failedMinutes().count()));
        m.put("failed_minutes", minutes(report.failedMinutes()));
        putStoppedBy(m, report);
        return m;
    }

    private static MetadataValue minutes(Offending<Instant> minutes) {
        return MetadataValue.ofJson(minutes.first().stream().map(Object::toString).toList());
    }

    private static Map<String, MetadataValue> metadata(BronzeRestReport report) {
        Map<String, MetadataValue> m = new LinkedHashMap<>();
        m.put("missing", ofInt(report.missing()));
        m.put("filled", ofInt(report.filled()));
        m.put("still_missing", ofInt(report.stillMissing()));
        m.put("unfillable", ofInt(report.unfillable()));
        m.put("rebuilt_from_trades", ofInt(report.rebuiltFromTrades()));
        m.put("beyond_history", ofInt(report.beyondHistory()));
        m.put("checked_empty", ofInt(report.checkedEmpty()));
        m.put("requests", ofInt(report.requests()));
        m.put("waited_seconds", MetadataValue.ofFloat(report.waited().toNanos() / 1e9)); // rate-limit pauses and retries
        m.put("still_missing_minutes", stillMissingMinutes(report));
        putStoppedBy(m, report);
        return m;
    }

    /** The refused request that stopped the fetch early, in the materialization and the check alike. */
    private static void putStoppedBy(Map<String, MetadataValue> m, BronzeRestReport report) {
        report.stoppedBy().ifPresent(e -> m.put("stopped_by", MetadataValue.ofText(FailureExitCodes.describe(e))));
    }

    private static MetadataValue stillMissingMinutes(BronzeRestReport report) {
        return MetadataValue.ofJson(report.stillMissingMinutes().stream().map(Object::toString).toList());
    }
}
