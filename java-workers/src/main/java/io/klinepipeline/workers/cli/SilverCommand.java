package io.klinepipeline.workers.cli;

import static io.klinepipeline.pipes.MetadataValue.ofInt;

import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.pipes.MetadataValue;
import io.klinepipeline.workers.silver.SilverJob;
import io.klinepipeline.workers.silver.SilverReport;
import io.klinepipeline.workers.window.TimeWindow;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code silver}: merges final, de-duplicated bronze minutes of one canonical pair into silver.fact_ohlcv. */
@Command(name = "silver", mixinStandardHelpOptions = true,
        header = "Merge a pair's final bronze minutes, all exchanges, into silver.fact_ohlcv.",
        description = {
            "For every configured exchange listing the pair, takes the final bronze rows of the window, keeps one per (exchange, minute) - the exchange's preferred source (websocket over rest, or rest over websocket where the websocket candle is built from trades), then the latest ingestion_ts - and upserts them into silver.fact_ohlcv in one statement. Re-running changes nothing.",
            "",
            "Example: kline-worker silver --symbol BTC-USDT --start 2026-11-24T10:00:00Z --end 2026-11-24T11:00:00Z"})
final class SilverCommand extends WorkerCommand {
    @Option(names = "--symbol", paramLabel = "BASE-QUOTE",
            description = "Canonical pair. Example: --symbol BTC-USDT. When absent under Dagster Pipes: extras.symbol.")
    String symbol;

    @Mixin
    WindowOptions windowOptions;

    @Override
    Map<String, MetadataValue> run(WorkerRun run) throws Exception {
        PipelineConfig config = run.config();
        String text = run.required(symbol, WorkerRun.EXTRA_SYMBOL, "--symbol");
        CanonicalPair pair = WorkerRun.asUsage(() -> CanonicalPair.parse(text));
        if (config.listings(pair).isEmpty()) {
            throw new UsageException("no configured exchange lists " + pair + " (check pairs/canonical in pipeline.yaml)");
        }
        TimeWindow window = run.window(windowOptions);
        run.log("silver " + pair + " " + window);
        SilverReport report = new SilverJob(config, name -> run.registry().get(name).sourcePrecedence(), run.migratedDatabase(),
                Clock.systemUTC()).run(pair, window);
        long missing = report.missingMinutes();
        run.reportCheck(WorkerRun.CHECK_NO_MISSING_MINUTES, missing == 0, Map.of(
                "missing_minutes", ofInt(missing),
                "missing_minutes_by_exchange", MetadataValue.ofJson(report.missingMinutesByExchange())));
        return metadata(report);
    }

    private static Map<String, MetadataValue> metadata(SilverReport report) {
        Map<String, MetadataValue> m = new LinkedHashMap<>();
        m.put("candidates", ofInt(report.candidates()));
        m.put("inserted", ofInt(report.inserted()));
        m.put("updated", ofInt(report.updated()));
        m.put("unchanged", ofInt(report.unchanged()));
        m.put("missing_minutes_by_exchange", MetadataValue.ofJson(report.missingMinutesByExchange()));
        m.put("missing_minutes", ofInt(report.missingMinutes()));
        return m;
    }
}
