package io.klinepipeline.workers.cli;

import io.klinepipeline.pipes.MetadataValue;
import io.klinepipeline.workers.retention.BronzeRetention;
import io.klinepipeline.workers.retention.BronzeRetention.Partition;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bronze-retention}: drops bronze's old month partitions that silver has merged (sql/V3). */
@Command(name = "bronze-retention", mixinStandardHelpOptions = true,
        header = "Drop bronze's month partitions older than the months kept, unless silver has not merged them.",
        description = {
            "Calls bronze.drop_bronze_partitions(keep_months) (sql/V3): every month partition of bronze.bronze_ohclv_native that ends on or before the first of the month --keep-months months before the current one (UTC) is dropped, with its websocket_load_ranges records, unless silver.fact_ohlcv lacks some of its final rows' minutes: such a month is refused and kept, and its unmerged minutes counted (run silver for them, or delete rows of listings no longer configured, and run again). Prints one line per old partition: dropped (or would drop), or refused. A refused month does not fail the command: the data is safe, and the line says why it stayed.",
            "",
            "Examples: kline-worker bronze-retention --keep-months 3 --dry-run",
            "          kline-worker bronze-retention --keep-months 3"})
final class BronzeRetentionCommand extends WorkerCommand {
    @Option(names = "--keep-months", required = true, paramLabel = "N",
            description = "Whole months kept before the current one: 0 keeps only this month, 3 on 2026-12-06 keeps September to December and drops August and older. Example: --keep-months 3")
    int keepMonths;

    @Option(names = "--dry-run",
            description = "Say what would be dropped and refused, and drop nothing (the drops run in a transaction that is rolled back). Default: off.")
    boolean dryRun;

    @Option(names = "--as-of", paramLabel = "INSTANT",
            description = "The time the months are counted from, e.g. 2026-12-06T00:00:00Z (default: the clock); for tests and reproducing a run.")
    Instant asOf;

    @Override
    void run(WorkerRun run) throws Exception {
        if (keepMonths < 0) {
            throw new UsageException("--keep-months must be 0 or more, got " + keepMonths);
        }
        Instant at = asOf != null ? asOf : Instant.now();
        List<Partition> partitions = new BronzeRetention(run.migratedDatabase()).run(keepMonths, at, dryRun);
        PrintWriter out = spec.commandLine().getOut();
        out.println("bronze-retention: keeping " + keepMonths + " month(s) before " + at + "'s month; partitions ending on or before "
                + BronzeRetention.cutoff(keepMonths, at) + " go" + (dryRun ? " (dry run: nothing is dropped)" : ""));
        long dropped = 0;
        long refused = 0;
        for (Partition p : partitions) {
            String range = "[" + p.rangeStart() + ", " + p.rangeEnd() + ")";
            if (p.dropped()) {
                dropped++;
                out.println("  " + (dryRun ? "would drop " : "dropped ") + "bronze." + p.name() + " " + range);
            } else {
                refused++;
                out.println("  refused bronze." + p.name() + " " + range + ": " + p.unmergedMinutes()
                        + " minute(s) of its final rows are not in silver yet");
            }
        }
        if (partitions.isEmpty()) {
            out.println("  no partition is that old");
        }
        out.flush();
        Map<String, MetadataValue> metadata = new LinkedHashMap<>();
        metadata.put(dryRun ? "would_drop" : "dropped", MetadataValue.ofInt(dropped));
        metadata.put("refused", MetadataValue.ofInt(refused));
        metadata.put("dry_run", MetadataValue.ofBool(dryRun));
        run.done(metadata);
    }
}
