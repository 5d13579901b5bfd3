package io.klinepipeline.workers.cli;

import static io.klinepipeline.pipes.MetadataValue.ofInt;

import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.pipes.MetadataValue;
import io.klinepipeline.workers.rest.BronzeRestJob;
import io.klinepipeline.workers.rest.BronzeRestOptions;
import io.klinepipeline.workers.rest.BronzeRestReport;
import io.klinepipeline.workers.window.TimeWindow;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bronze-rest}: fills the window's missing minutes from the exchange's REST API. */
@Command(name = "bronze-rest", mixinStandardHelpOptions = true,
        header = "Fill a window's missing minutes from the exchange's REST API (source rest).",
        description = {
            "Finds the minutes of a window (only minutes already over) with no final bronze row, fetches them from the exchange's REST API in as few requests as its limit allows, honouring its rate limits, and inserts them with source 'rest'. A minute the exchange has no candle for is recorded in bronze.rest_checked_minutes so it is not fetched again.",
            "",
            "Example: kline-worker bronze-rest --exchange binance --symbol BTCUSDT --start 2026-11-24T10:00:00Z --end 2026-11-24T11:00:00Z"})
final class BronzeRestCommand extends WorkerCommand {
    @Mixin
    StreamOptions stream;

    @Mixin
    WindowOptions windowOptions;

    @Override
    Map<String, MetadataValue> run(WorkerRun run) throws Exception {
        PipelineConfig config = run.config();
        PipelineConfig.Listing listing = run.stream(stream);
        String exchange = listing.exchange();
        String symbol = listing.pair().symbol();
        TimeWindow window = run.window(windowOptions);
        run.log("bronze-rest " + exchange + "/" + symbol + " " + window);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        BronzeRestJob job = new BronzeRestJob(config, run.registry(), run.migratedDatabase(), http, Clock.systemUTC(),
                BronzeRestOptions.defaults());
        BronzeRestReport report = job.run(exchange, symbol, window);
        run.reportCheck(WorkerRun.CHECK_NO_MISSING_MINUTES, report.stillMissing() == 0, Map.of(
                "still_missing", ofInt(report.stillMissing()),
                "unfillable", ofInt(report.unfillable()),
                "still_missing_minutes", stillMissingMinutes(report)));
        return metadata(report);
    }

    private static Map<String, MetadataValue> metadata(BronzeRestReport report) {
        Map<String, MetadataValue> m = new LinkedHashMap<>();
        m.put("missing", ofInt(report.missing()));
        m.put("filled", ofInt(report.filled()));
        m.put("still_missing", ofInt(report.stillMissing()));
        m.put("unfillable", ofInt(report.unfillable()));
        m.put("rebuilt_from_trades", ofInt(report.rebuiltFromTrades()));
        m.put("checked_empty", ofInt(report.checkedEmpty()));
        m.put("requests", ofInt(report.requests()));
        m.put("still_missing_minutes", stillMissingMinutes(report));
        return m;
    }

    private static MetadataValue stillMissingMinutes(BronzeRestReport report) {
        return MetadataValue.ofJson(report.stillMissingMinutes().stream().map(Object::toString).toList());
    }
}
