package io.klinepipeline.workers.cli;

import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.workers.bronze.JsonlImport;
import io.klinepipeline.workers.bronze.JsonlImport.ImportedFile;
import io.klinepipeline.workers.bronze.JsonlObjectSource;
import io.klinepipeline.workers.bronze.JsonlSourceFactory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code import-jsonl}: JSONL files from outside the layout (a backup, a hand copy) into it, for ext-to-bronze to load. */
@Command(name = "import-jsonl", mixinStandardHelpOptions = true,
        header = "Bring JSONL files that are not in the engine's layout into it, so that ext-to-bronze loads them.",
        description = {
            "ext-to-bronze reads only files named as the engine names them (<opened-at>-<writer>-<id>.jsonl in exchange=/symbol=/date=/hour= folders) and names every other file it skips in its log and in the run's metadata (skipped_files). This command brings such a file (a restored backup, a file copied by hand) into the layout: it checks every line against the JSONL contract (whole UTF-8 JSON with v, exchange, symbol, received_at, payload) and the given stream, splits the lines by the UTC hour of received_at, and writes each hour's lines, in their order, as one file into that hour's folder: below storage.local_dir, or to S3 below storage.s3.prefix when storage.s3.enabled. Then re-run ext-to-bronze for those hours (the command prints them).",
            "",
            "A file with any bad line is refused whole, naming the file and the line, and nothing of any FILE is written. The new names are derived from the content, so importing a file again writes nothing (bronze is not doubled); the FILEs themselves are left as they are (remove a copy inside the hour folder yourself once imported, or it keeps being reported as skipped).",
            "",
            "Example: kline-worker import-jsonl --exchange binance --symbol BTCUSDT restored/btc-2026-11-24.jsonl"})
final class ImportJsonlCommand implements Callable<Integer> {
    @ParentCommand
    KlineWorker root;

    @Spec
    CommandSpec spec;

    @Option(names = "--exchange", required = true, paramLabel = "NAME",
            description = "Exchange as named in pipeline.yaml whose events the files hold. Example: --exchange binance.")
    String exchange;

    @Option(names = "--symbol", required = true, paramLabel = "SYMBOL",
            description = "Exchange-native symbol listed in pipeline.yaml whose events the files hold. Example: --symbol BTCUSDT.")
    String symbol;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "JSONL files to import, one event per line.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        ExchangeRegistry registry = ExchangeRegistry.standard();
        PipelineConfig config = PipelineConfig.load(root.config, registry);
        config.pair(exchange, symbol);
        Exchange venue = registry.get(exchange);
        JsonlImport importer = new JsonlImport(venue, symbol);
        // Every file is checked before anything is written: a bad line anywhere imports nothing.
        List<ImportedFile> planned = new ArrayList<>();
        for (Path file : files) {
            try {
                planned.addAll(importer.plan(file));
            } catch (JsonlImport.RefusedFileException e) {
                throw new UsageException(e.getMessage() + "; nothing was imported");
            } catch (java.nio.file.NoSuchFileException e) {
                throw new UsageException("no such file: " + file);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        try (JsonlObjectSource target = JsonlSourceFactory.forStorage(config.storage())) {
            for (ImportedFile file : planned) {
                String folder = file.name().substring(0, file.name().lastIndexOf('/') + 1);
                String fileName = file.name().substring(folder.length());
                if (target.fileNames(folder).contains(fileName)) {
                    out.println("already imported: " + target.describe(file.name()) + " (" + file.lines() + " lines)");
                    continue;
                }
                target.put(file.name(), file.content());
                out.println("imported " + file.lines() + " lines to " + target.describe(file.name()));
            }
        }
        planned.stream().map(ImportedFile::hour).distinct().sorted().forEach(hour -> out.println(
                "load with: kline-worker ext-to-bronze --exchange " + exchange + " --symbol " + symbol
                        + " --start " + hour + " --end " + hour.plus(1, ChronoUnit.HOURS)));
        out.flush();
        return 0;
    }
}
