package io.klinepipeline.workers.cli;

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
import io.klinepipeline.workers.window.TimeWindow;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    /** The asset checks the orchestrating asset declared; only those may be reported (Dagster rejects others). */
    static final String EXTRA_CHECKS = "checks";
    /** Reported by bronze-rest and silver: every minute of the window that is over has a final candle. */
    static final String CHECK_NO_MISSING_MINUTES = "no_missing_minutes";

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRun.class);

    private final PipesSession session;
    private final Path configPath;
    private final Map<String, String> env;
    private final PrintWriter out;
    private final ExchangeRegistry registry = ExchangeRegistry.standard();
    private PipelineConfig config;

    private WorkerRun(PipesSession session, Path configPath, Map<String, String> env, PrintWriter out) {
        this.session = session;
        this.configPath = configPath;
        this.env = env;
        this.out = out;
    }

    static WorkerRun start(KlineWorker root, PrintWriter out) {
        return new WorkerRun(Pipes.open(root.env), root.config, root.env, out);
    }

    /** The body of a subcommand: does the work and returns the materialization metadata. */
    @FunctionalInterface
    interface Body {
        Map<String, MetadataValue> run() throws Exception;
    }

    /**
     * Runs the body and reports. Any failure, also one while reporting, is sent through Pipes in
     * {@code closed} and rethrown for the exit code.
     */
    int execute(String what, Body body) throws Exception {
        try {
            Map<String, MetadataValue> metadata = body.run();
            // A step without assets (migrate launched from a plain op) has nothing to materialize.
            if (session.isActive() && hasAssets(session.context())) {
                session.reportAssetMaterialization(null, metadata, null);
            }
            out.println(what + " done");
            metadata.forEach((name, value) -> out.println("  " + name + ": " + value.rawValue()));
            out.flush();
        } catch (Exception | Error e) {
            session.close(e);
            throw e;
        }
        session.close();
        return 0;
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

    /** An option's value, else the Pipes extra of that name, else a usage error naming the option. */
    String required(String optionValue, String extraName, String optionName) {
        if (optionValue != null && !optionValue.isBlank()) {
            return optionValue;
        }
        if (session.isActive()) {
            Optional<String> extra = extra(session.context(), extraName);
            if (extra.isPresent()) {
                return extra.get();
            }
        }
        throw new UsageException(optionName + " is required");
    }

    /** The configured exchange pair named by --exchange/--symbol, else by the Pipes extras. */
    PipelineConfig.Listing stream(StreamOptions options) {
        String exchange = required(options.exchange, EXTRA_EXCHANGE, "--exchange");
        String symbol = required(options.symbol, EXTRA_SYMBOL, "--symbol");
        return new PipelineConfig.Listing(exchange, config().pair(exchange, symbol));
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
     * Reports an asset check when the asset declared it (listed in extras.checks); a failed check
     * is a warning, not a failed step: the data that is there is still right.
     */
    void reportCheck(String name, boolean passed, Map<String, MetadataValue> metadata) {
        if (session.isActive() && session.context().findExtra(EXTRA_CHECKS)
                .filter(checks -> checks.isArray())
                .map(checks -> java.util.stream.StreamSupport.stream(checks.spliterator(), false).anyMatch(c -> name.equals(c.asText())))
                .orElse(false)) {
            session.reportAssetCheck(null, name, passed, PipesCheckSeverity.WARN, metadata);
        }
        out.println("check " + name + ": " + (passed ? "passed" : "FAILED"));
    }

    void log(String message) {
        LOG.info(message);
        if (session.isActive()) {
            session.log(PipesLogLevel.INFO, message);
        }
    }

    private static Optional<String> extra(PipesContextData context, String name) {
        return Optional.ofNullable(context.extraString(name)).filter(s -> !s.isBlank());
    }

    @Override
    public void close() {
        session.close();
    }
}
