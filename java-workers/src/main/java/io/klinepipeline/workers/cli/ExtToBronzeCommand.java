package io.klinepipeline.workers.cli;

import static io.klinepipeline.pipes.MetadataValue.ofInt;

import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.pipes.MetadataValue;
import io.klinepipeline.workers.bronze.ExtToBronzeJob;
import io.klinepipeline.workers.bronze.ExtToBronzeReport;
import io.klinepipeline.workers.bronze.JsonlObjectSource;
import io.klinepipeline.workers.bronze.JsonlSourceFactory;
import io.klinepipeline.workers.report.Listed;
import io.klinepipeline.workers.window.TimeWindow;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ext-to-bronze}: raw JSONL events of a window into bronze.bronze_ohclv_native. */
@Command(name = "ext-to-bronze", mixinStandardHelpOptions = true,
        header = "Load a window's raw JSONL events into bronze (source websocket).",
        description = {
            "Loads the candles of a window from the raw JSONL events (storage.local_dir, or S3 when storage.s3.enabled) into bronze.bronze_ohclv_native with source 'websocket', using COPY. Re-running a window replaces its websocket rows, in one transaction, keeping the hours whose rows are unchanged (rows_unchanged): until it commits the old rows stay visible, and a run that fails or is killed leaves them as they were. Two runs of one stream take turns (see --lock-wait). Malformed lines go to a dead-letter file under storage.dead_letter_dir and never abort the load. Files in an hour folder not named as the engine names them are skipped and named (log and skipped_files); bring them in with import-jsonl.",
            "",
            "Several symbols (or --all-symbols) are loaded in one run, one after another, each in its own transaction; a symbol that fails does not stop the others, and the run then fails naming it.",
            "",
            "Example: kline-worker ext-to-bronze --exchange binance --symbol BTCUSDT --symbol ETHUSDT --start 2026-11-24T10:00:00Z --end 2026-11-24T11:00:00Z"})
final class ExtToBronzeCommand extends WorkerCommand {
    @Mixin
    StreamOptions stream;

    @Mixin
    WindowOptions windowOptions;

    @Override
    void run(WorkerRun run) throws Exception {
        PipelineConfig config = run.config();
        List<RunTarget> targets = run.streamTargets(stream);
        TimeWindow window = run.window(windowOptions);
        try (JsonlObjectSource source = JsonlSourceFactory.forStorage(config.storage())) {
            ExtToBronzeJob job = new ExtToBronzeJob(config, run.registry(), run.migratedDatabase(), source, Clock.systemUTC(),
                    run.runLock());
            run.each(targets, target -> {
                run.progress("ext-to-bronze " + target.label() + " " + window);
                ExtToBronzeReport report = job.run(target.exchange(), target.symbol(), window);
                double bound = config.checks().maxDeadLetterShare();
                run.reportCheck(target, CheckNames.DEAD_LETTER_SHARE, report.deadLetterShare() <= bound,
                        deadLetterShareMetadata(report, bound));
                return metadata(report);
            });
        }
    }

    /** The share against its bound, and which lines were refused (the dead-letter file has them all). */
    private static Map<String, MetadataValue> deadLetterShareMetadata(ExtToBronzeReport report, double bound) {
        Map<String, MetadataValue> m = new LinkedHashMap<>();
        m.put("dead_letter_share", MetadataValue.ofFloat(report.deadLetterShare()));
        m.put("max_dead_letter_share", MetadataValue.ofFloat(bound));
        m.put("dead_lettered", ofInt(report.deadLettered()));
        m.put("lines", ofInt(report.lines()));
        m.put("first_dead_letters", MetadataValue.ofJson(report.firstDeadLetters()));
        if (report.deadLetterFile() != null) {
            m.put("dead_letter_file", MetadataValue.ofPath(report.deadLetterFile()));
        }
        return m;
    }

    private static Map<String, MetadataValue> metadata(ExtToBronzeReport report) {
        Map<String, MetadataValue> m = new LinkedHashMap<>();
        m.put("objects", ofInt(report.objects()));
        m.put("lines", ofInt(report.lines()));
        m.put("rows_loaded", ofInt(report.rowsLoaded()));
        m.put("rows_replaced", ofInt(report.rowsReplaced()));
        m.put("rows_unchanged", ofInt(report.rowsUnchanged()));
        m.put("final_minutes", ofInt(report.finalMinutes()));
        m.put("minutes_without_final", ofInt(report.minutesWithoutFinal()));
        m.put("partial_lines_ignored", ofInt(report.partialLinesIgnored()));
        m.put("hours_without_source", ofInt(report.hoursWithoutSource()));
        m.put("dead_lettered", ofInt(report.deadLettered()));
        m.put("skipped_files", ofInt(report.skippedFiles().size()));
        m.put("first_skipped_files", MetadataValue.ofJson(Listed.first(report.skippedFiles())));
        m.put("first_minute", report.firstMinute() == null ? MetadataValue.ofNull() : MetadataValue.ofTimestamp(report.firstMinute()));
        m.put("last_minute", report.lastMinute() == null ? MetadataValue.ofNull() : MetadataValue.ofTimestamp(report.lastMinute()));
        if (report.deadLetterFile() != null) {
            m.put("dead_letter_file", MetadataValue.ofPath(report.deadLetterFile()));
        }
        return m;
    }
}
