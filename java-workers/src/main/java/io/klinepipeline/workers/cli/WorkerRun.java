package io.klinepipeline.workers.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.pipes.MetadataValue;
import io.klinepipeline.pipes.Pipes;
import io.klinepipeline.pipes.PipesCheckSeverity;
import io.klinepipeline.pipes.PipesContextData;
import io.klinepipeline.pipes.PipesLogLevel;
import io.klinepipeline.pipes.PipesSession;
import io.klinepipeline.pipes.PipesTimeWindow;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.DatabaseUrl;
import io.klinepipeline.workers.db.Migrations;
import io.klinepipeline.workers.db.RunLock;
import io.klinepipeline.workers.window.TimeWindow;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What every subcommand does around its job: open the Pipes session (a no-op from a shell), read
 * pipeline.yaml, resolve the window and the stream, migrate the database, and report the outcome
 * (materialization metadata on success, {@code closed} with the exception on failure).
 */
final class WorkerRun implements AutoCloseable {
    /** Extras the Dagster assets pass: the window (so partition ranges work), the exchange and the symbol. */
    static final String EXTRA_WINDOW_START = "window_start";
    static final String EXTRA_WINDOW_END = "window_end";
    static final String EXTRA_EXCHANGE = "exchange";
    static final String EXTRA_SYMBOL = "symbol";
    /** A batch: [{asset_key, exchange, symbol, checks}, ...], one entry per selected asset. */
    static final String EXTRA_STREAMS = "streams";
    /** The asset checks the orchestrating asset declared; only those may be reported (Dagster rejects others). */
    static final String EXTRA_CHECKS = "checks";

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRun.class);

    private final PipesSession session;
    private final Path configPath;
    private final Map<String, String> env;
    private final PrintWriter out;
    private final long lockWaitSeconds;
    private final ExchangeRegistry registry = ExchangeRegistry.standard();
    private PipelineConfig config;
    private String what = "";

    private WorkerRun(PipesSession session, Path configPath, Map<String, String> env, PrintWriter out, long lockWaitSeconds) {
        this.session = session;
        this.configPath = configPath;
        this.env = env;
        this.out = out;
        this.lockWaitSeconds = lockWaitSeconds;
    }

    static WorkerRun start(KlineWorker root, PrintWriter out) {
        return new WorkerRun(Pipes.open(root.env), root.config, root.env, out, root.lockWaitSeconds);
    }

    /** The work of a subcommand; it reports each target it finishes through {@link #each} or {@link #done}. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    /** What a subcommand does for one target: the work, and the materialization metadata to report. */
    @FunctionalInterface
    interface TargetBody {
        Map<String, MetadataValue> run(RunTarget target) throws Exception;
    }

    /**
     * Runs the work and closes the session. Any failure, also one while reporting, is sent through
     * Pipes in {@code closed} and rethrown for the exit code.
     */
    int execute(String what, Work work) throws Exception {
        this.what = what;
        try {
            work.run();
        } catch (Exception | Error e) {
            session.close(e);
            throw e;
        }
        session.close();
        return 0;
    }

    /**
     * Runs the body for every target in turn and reports each one done. A target that fails does
     * not stop the others (their windows are independent, each committed on its own); the launch
     * fails afterwards, naming every failed target, so Dagster retries or shows it.
     */
    void each(List<RunTarget> targets, TargetBody body) throws Exception {
        List<BatchFailure.Failed> failed = new ArrayList<>();
        for (RunTarget target : targets) {
            // Every line logged for this target carries its exchange and symbol (silver: the pair) as fields,
            // which --log-format json writes out.
            if (target.exchange() != null) {
                MDC.put("exchange", target.exchange());
            }
            MDC.put("symbol", target.symbol());
            try {
                Map<String, MetadataValue> metadata;
                try {
                    metadata = body.run(target);
                } catch (Exception e) {
                    LOG.error("{} {} failed: {}", what, target.label(), FailureExitCodes.describe(e), e);
                    if (session.isActive()) {
                        session.log(PipesLogLevel.ERROR, what + " " + target.label() + " failed: " + FailureExitCodes.describe(e));
                    }
                    failed.add(new BatchFailure.Failed(target, e));
                    continue;
                }
                report(target.assetKey(), target.label(), metadata);
            } finally {
                MDC.remove("exchange");
                MDC.remove("symbol");
            }
        }
        if (failed.size() == 1 && targets.size() == 1) {
            throw failed.get(0).error();
        }
        if (!failed.isEmpty()) {
            throw BatchFailure.of(what, failed, targets.size());
        }
    }

    /** Reports the step's only result (a subcommand without targets, e.g. migrate). */
    void done(Map<String, MetadataValue> metadata) {
        report(null, null, metadata);
    }

    private void report(String assetKey, String label, Map<String, MetadataValue> metadata) {
        // A step without assets (migrate launched from a plain op) has nothing to materialize.
        if (session.isActive() && hasAssets(session.context())) {
            session.reportAssetMaterialization(assetKey, metadata, null);
        }
        out.println(what + (label == null ? "" : " " + label) + " done");
        metadata.forEach((name, value) -> out.println("  " + name + ": " + value.rawValue()));
        out.flush();
    }

    private static boolean hasAssets(PipesContextData context) {
        return context.assetKeys() != null && !context.assetKeys().isEmpty();
    }

    PipelineConfig config() {
        if (config == null) {
            config = PipelineConfig.load(configPath, registry());
        }
        return config;
    }

    ExchangeRegistry registry() {
        return registry;
    }

    /**
     * The window: --start/--end when given (the command line always wins, as for --exchange and
     * --symbol), else the Pipes extras (set for single partitions and ranges), else the partition window.
     */
    TimeWindow window(WindowOptions options) {
        if (options.start != null || options.end != null) {
            if (options.start == null || options.end == null) {
                throw new UsageException("--start and --end go together");
            }
            return asUsage(() -> TimeWindow.parse(options.start, options.end));
        }
        if (session.isActive()) {
            PipesContextData context = session.context();
            Optional<String> start = extra(context, EXTRA_WINDOW_START);
            Optional<String> end = extra(context, EXTRA_WINDOW_END);
            if (start.isPresent() && end.isPresent()) {
                return asUsage(() -> TimeWindow.parse(start.get(), end.get()));
            }
            PipesTimeWindow partition = context.partitionTimeWindow();
            if (partition != null) {
                return asUsage(() -> new TimeWindow(partition.start(), partition.end()));
            }
        }
        throw new UsageException("a window is required: pass --start and --end (ISO-8601 UTC, end exclusive),"
                + " e.g. --start 2026-11-24T10:00:00Z --end 2026-11-24T11:00:00Z");
    }

    /** Runs a parse of user input; its IllegalArgumentException becomes a usage error (exit code 2). */
    static <T> T asUsage(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * The exchange pairs to work on: --exchange with --symbol (repeatable) or --all-symbols when
     * given, else the Pipes extras ({@code streams}: one entry per selected asset, or the single
     * {@code exchange}/{@code symbol} of a one-asset step). Every one is checked against
     * pipeline.yaml before any work starts.
     */
    List<RunTarget> streamTargets(StreamOptions options) {
        List<RunTarget> targets;
        if (options.givenOnCommandLine()) {
            if (options.exchange == null || options.exchange.isBlank()) {
                throw new UsageException("--exchange is required");
            }
            List<String> symbols = options.allSymbols
                    ? config().exchange(options.exchange).pairs().stream().map(p -> p.symbol()).toList()
                    : options.symbols;
            if (options.allSymbols && !options.symbols.isEmpty()) {
                throw new UsageException("--symbol and --all-symbols exclude each other");
            }
            if (symbols.isEmpty()) {
                throw new UsageException("--symbol (one or more) or --all-symbols is required");
            }
            targets = symbols.stream().map(s -> new RunTarget(null, options.exchange, s, declaredChecks())).toList();
        } else {
            targets = extrasTargets(true);
        }
        return targets.stream().map(t -> new RunTarget(t.assetKey(), t.exchange(),
                config().pair(t.exchange(), t.symbol()).symbol(), t.checks())).toList();
    }

    /**
     * The canonical pairs to merge: --symbol (repeatable) or --all-symbols when given, else the
     * Pipes extras as for {@link #streamTargets}. Each must be listed by some configured exchange.
     */
    List<RunTarget> pairTargets(List<String> symbols, boolean allSymbols) {
        List<RunTarget> targets;
        if (allSymbols && !symbols.isEmpty()) {
            throw new UsageException("--symbol and --all-symbols exclude each other");
        }
        if (allSymbols) {
            targets = config().exchanges().values().stream().flatMap(e -> e.pairs().stream())
                    .map(p -> p.canonical().toString()).distinct()
                    .map(s -> new RunTarget(null, null, s, declaredChecks())).toList();
        } else if (!symbols.isEmpty()) {
            targets = symbols.stream().map(s -> new RunTarget(null, null, s, declaredChecks())).toList();
        } else {
            targets = extrasTargets(false);
        }
        for (RunTarget target : targets) {
            CanonicalPair pair = asUsage(() -> CanonicalPair.parse(target.symbol()));
            if (config().listings(pair).isEmpty()) {
                throw new UsageException("no configured exchange lists " + pair + " (check pairs/canonical in pipeline.yaml)");
            }
        }
        return targets;
    }

    private List<RunTarget> extrasTargets(boolean withExchange) {
        String option = withExchange ? "--exchange and --symbol (or --all-symbols)" : "--symbol (or --all-symbols)";
        if (!session.isActive()) {
            throw new UsageException(option + " required");
        }
        PipesContextData context = session.context();
        Optional<JsonNode> streams = context.findExtra(EXTRA_STREAMS).filter(n -> !n.isNull());
        if (streams.isEmpty()) {
            String exchange = withExchange ? extra(context, EXTRA_EXCHANGE).orElseThrow(() -> missing(option)) : null;
            String symbol = extra(context, EXTRA_SYMBOL).orElseThrow(() -> missing(option));
            return List.of(new RunTarget(null, exchange, symbol, declaredChecks()));
        }
        if (!streams.get().isArray() || streams.get().isEmpty()) {
            throw new UsageException("extras." + EXTRA_STREAMS + " must be a non-empty list, got " + streams.get());
        }
        List<RunTarget> targets = new ArrayList<>();
        for (JsonNode stream : streams.get()) {
            String where = "extras." + EXTRA_STREAMS + "[" + targets.size() + "]";
            targets.add(new RunTarget(
                    text(stream, "asset_key", where),
                    withExchange ? text(stream, EXTRA_EXCHANGE, where) : null,
                    text(stream, EXTRA_SYMBOL, where),
                    names(stream.path(EXTRA_CHECKS))));
        }
        return targets;
    }

    private static UsageException missing(String option) {
        return new UsageException(option + " required (on the command line, or in the Pipes extras)");
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new UsageException(where + "." + field + " is required (a string), got " + node);
        }
        return value.asText();
    }

    /** The checks named in extras.checks of a one-asset step (none from a shell). */
    private Set<String> declaredChecks() {
        return session.isActive() ? names(session.context().findExtra(EXTRA_CHECKS).orElse(null)) : Set.of();
    }

    private static Set<String> names(JsonNode array) {
        if (array == null || !array.isArray()) {
            return Set.of();
        }
        Set<String> names = new java.util.LinkedHashSet<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    /** How long a run waits for another run of the same stream or pair (--lock-wait). */
    RunLock runLock() {
        if (lockWaitSeconds < 1) {
            throw new UsageException("--lock-wait must be 1 second or more, got " + lockWaitSeconds);
        }
        return new RunLock(Duration.ofSeconds(lockWaitSeconds));
    }

    /** The database named by KLINE_DATABASE_URL (or the local default). */
    Database database() {
        return new Database(DatabaseUrl.fromEnvironment(env));
    }

    /** The database, with pending migrations applied first. */
    Database migratedDatabase() {
        Database database = database();
        int applied = new Migrations(database).apply();
        if (applied > 0) {
            log("applied " + applied + " migration(s) to " + database.url());
        }
        return database;
    }

    /**
     * Reports an asset check of a target when its asset declared it; a failed check is a warning,
     * not a failed step: the data that is there is still right.
     */
    void reportCheck(RunTarget target, String name, boolean passed, Map<String, MetadataValue> metadata) {
        reportCheck(target, name, passed, PipesCheckSeverity.WARN, metadata);
    }

    /** As above with the severity a failure shows in Dagster: WARN for data to look at, ERROR for a pipeline that stopped. */
    void reportCheck(RunTarget target, String name, boolean passed, PipesCheckSeverity severity, Map<String, MetadataValue> metadata) {
        if (session.isActive() && target.checks().contains(name)) {
            session.reportAssetCheck(target.assetKey(), name, passed, severity, metadata);
        }
        out.println("check " + name + " " + target.label() + ": " + (passed ? "passed" : "FAILED"));
    }

    void log(String message) {
        LOG.info(message);
        if (session.isActive()) {
            session.log(PipesLogLevel.INFO, message);
        }
    }

    /**
     * A line per target (which stream and window it starts on): the worker's own log only, on
     * stderr, which Dagster keeps as the step's captured output. Sent through Pipes it would be a
     * Dagster event per asset, each a write to the run storage: 1,100 a run at 500 streams.
     */
    void progress(String message) {
        LOG.info(message);
    }

    private static Optional<String> extra(PipesContextData context, String name) {
        return Optional.ofNullable(context.extraString(name)).filter(s -> !s.isBlank());
    }

    @Override
    public void close() {
        session.close();
    }
}
