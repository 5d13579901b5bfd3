package io.klinepipeline.workers.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.klinepipeline.config.ExchangeConfig;
import io.klinepipeline.config.PairConfig;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.jsonl.BronzeLayout;
import io.klinepipeline.workers.bronze.ExtToBronzeJob;
import io.klinepipeline.workers.bronze.JsonlObjectSource;
import io.klinepipeline.workers.bronze.JsonlSourceFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code list-finished}: what the freshness sensor needs to see new JSONL objects, without knowing
 * the layout. For every exchange and recent hourly window it prints a fingerprint of the finished
 * objects ext-to-bronze reads for that window; a fingerprint that changes between two calls means
 * the window has new input (a new file, or one uploaded late) and should be loaded again.
 *
 * <p>Why in Java: which names are data files, where the hour folders are, when a local file is
 * finished, and which windows read an object (late closes in the next hour's folder, the lead-in
 * of twice the roll age) are all rules of kline-core's BronzeLayout, the engine's roll policy and
 * ExtToBronzeJob; a Python listing would repeat each of them. The price is one JVM start per sensor
 * tick (about a second, every 30 s), which is small beside the runs it saves.
 */
@Command(name = "list-finished", mixinStandardHelpOptions = true,
        header = "Print fingerprints of the finished JSONL objects each recent hourly window reads, as JSON.",
        description = {
            "Lists the engine's data objects (S3 below storage.s3.prefix when storage.s3.enabled, else storage.local_dir) of every configured pair for the last --hours hours and the hour under way, and prints, as one JSON document on stdout, per exchange and hourly window: how many finished objects ext-to-bronze reads for it and a fingerprint of their names. Every S3 object is finished (the engine uploads only finished files); a local file is finished once it is engine.roll_max_age_seconds old or its hour is over, plus a few seconds. A fingerprint that changed since the last call marks a window with new input. Needs no database.",
            "",
            "Example: kline-worker --config pipeline.yaml list-finished --hours 24"})
final class ListFinishedCommand implements Callable<Integer> {
    /** The engine's writer checks the age and the hour every 200 ms; this leaves it ample time. */
    static final Duration FINISH_MARGIN = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @ParentCommand
    KlineWorker root;

    @Spec
    CommandSpec spec;

    @Option(names = "--hours", defaultValue = "24", paramLabel = "N",
            description = "Windows of the last N hours before the hour under way are listed (default: ${DEFAULT-VALUE}); objects arriving later than that for older hours need a backfill.")
    int hours;

    @Option(names = "--now", paramLabel = "INSTANT",
            description = "The time to list at, e.g. 2026-11-24T10:30:00Z (default: the clock); for tests and reproducing a tick.")
    Instant now;

    @Override
    public Integer call() throws Exception {
        if (hours < 0) {
            throw new UsageException("--hours must not be negative, got " + hours);
        }
        ExchangeRegistry registry = ExchangeRegistry.standard();
        PipelineConfig config = PipelineConfig.load(root.config, registry);
        Instant at = now != null ? now : Instant.now();
        Duration rollMaxAge = config.engine().rollMaxAge();
        Instant current = at.truncatedTo(ChronoUnit.HOURS);
        Instant firstWindow = current.minus(hours, ChronoUnit.HOURS);
        // A window's lead-in reaches back twice the roll age into earlier folders: list those too, so
        // the first window's fingerprint is complete and does not change when it moves on.
        long leadInHours = (rollMaxAge.multipliedBy(2).toSeconds() + 3599) / 3600;
        Instant firstFolder = firstWindow.minus(leadInHours, ChronoUnit.HOURS);
        boolean everyObjectFinished = config.storage().s3().enabled();

        Map<String, Map<Instant, List<String>>> inputs = new TreeMap<>();
        int inProgress = 0;
        String sourceName;
        try (JsonlObjectSource source = JsonlSourceFactory.forStorage(config.storage())) {
            sourceName = source.toString();
            for (ExchangeConfig exchangeConfig : config.exchanges().values()) {
                Exchange exchange = registry.get(exchangeConfig.name());
                Map<Instant, List<String>> windows = inputs.computeIfAbsent(exchangeConfig.name(), e -> new TreeMap<>());
                for (PairConfig pair : exchangeConfig.pairs()) {
                    for (Instant hour = firstFolder; !hour.isAfter(current); hour = hour.plus(1, ChronoUnit.HOURS)) {
                        for (String object : source.dataObjects(BronzeLayout.hourPrefix(exchange, pair.symbol(), hour))) {
                            Instant openedAt = BronzeLayout.openedAt(object.substring(object.lastIndexOf('/') + 1));
                            if (!everyObjectFinished && !finished(hour, openedAt, rollMaxAge, at)) {
                                inProgress++;
                                continue;
                            }
                            for (Instant window : ExtToBronzeJob.windowsReading(hour, openedAt, rollMaxAge)) {
                                if (!window.isBefore(firstWindow) && !window.isAfter(current)) {
                                    windows.computeIfAbsent(window, w -> new ArrayList<>()).add(object);
                                }
                            }
                        }
                    }
                }
            }
        }

        ObjectNode out = JSON.createObjectNode().put("source", sourceName).put("listed_at", at.toString())
                .put("first_window", firstWindow.toString()).put("in_progress", inProgress);
        ArrayNode windows = out.putArray("windows");
        inputs.forEach((exchange, byWindow) -> byWindow.forEach((window, objects) -> windows.addObject()
                .put("exchange", exchange).put("hour", window.toString())
                .put("objects", objects.size()).put("fingerprint", fingerprint(objects))));
        spec.commandLine().getOut().println(JSON.writeValueAsString(out));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * Whether the engine has finished a local file, from its name alone: the writer finishes a file
     * when it reaches the roll age or its hour ends, whichever comes first (a file finished earlier,
     * at its size bound, is only seen a little later).
     */
    static boolean finished(Instant folderHour, Instant openedAt, Duration rollMaxAge, Instant now) {
        Instant byAge = openedAt.plus(rollMaxAge);
        Instant byHour = folderHour.plus(1, ChronoUnit.HOURS);
        Instant due = byAge.isBefore(byHour) ? byAge : byHour;
        return !now.isBefore(due.plus(FINISH_MARGIN));
    }

    /** Names never repeat and finished objects never change, so the sorted names identify the input. */
    private static String fingerprint(List<String> objects) throws IllegalStateException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            objects.stream().sorted().forEach(name -> sha.update((name + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest(), 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
