package io.klinepipeline.engine;

import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.config.ConfigException;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.logging.LogFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/** {@code java -jar kline-engine.jar --config pipeline.yaml}: captures every configured stream until SIGTERM/SIGINT. */
@Command(name = "kline-engine", mixinStandardHelpOptions = true, versionProvider = EngineMain.Version.class,
        sortOptions = false, usageHelpWidth = 110,
        description = {
            "Captures raw WebSocket events of every exchange/pair in pipeline.yaml into hourly JSONL files",
            "below storage.local_dir, and uploads finished files to S3 when storage.s3.enabled is true.",
            "Runs until SIGTERM or SIGINT, then closes connections, finishes its files and uploads what it can.",
            "Exit codes: 0 stopped cleanly after --exit-after, 1 could not run, 2 invalid configuration;",
            "after a clean stop by SIGTERM/SIGINT the JVM reports 143/130."
        })
public final class EngineMain implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(EngineMain.class);
    static final int EXIT_FAILED = 1;
    static final int EXIT_CONFIG = 2;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "pipeline.yaml",
            description = "The pipeline configuration (default: ${DEFAULT-VALUE}), for example --config /etc/kline/pipeline.yaml.")
    private Path config;

    @Option(names = "--exit-after", paramLabel = "SECONDS",
            description = "Stop cleanly after this many seconds, for demos and tests (default: run until SIGTERM/SIGINT), "
                    + "for example --exit-after 120.")
    private Long exitAfterSeconds;

    @Option(names = "--metrics-interval", paramLabel = "SECONDS", defaultValue = "60",
            description = "How often the counters are logged (default: ${DEFAULT-VALUE}), for example --metrics-interval 10.")
    private long metricsIntervalSeconds;

    @Option(names = "--upload-grace", paramLabel = "SECONDS", defaultValue = "20",
            description = "On shutdown, keep uploading finished files this long (default: ${DEFAULT-VALUE}); "
                    + "the rest is uploaded on the next start.")
    private long uploadGraceSeconds;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "${env:" + LogFormat.ENV + ":-text}",
            description = "text, or json for one JSON object per line; the recorders' and the connections' lines carry "
                    + "the stream's exchange and symbol as fields (default: env " + LogFormat.ENV + ", else text), for example --log-format json.")
    void logFormat(LogFormat format) {
        format.apply();
    }

    // Hidden: a production engine always runs on the system clock.
    @Option(names = "--simulated-clock", paramLabel = "SIM_ORIGIN,WALL_ANCHOR,SPEED", hidden = true,
            converter = SimulatedClockConverter.class,
            description = "For tests and demos against the exchange simulator only: run on a simulated clock that shows "
                    + "SIM_ORIGIN when the wall clock shows WALL_ANCHOR and runs SPEED (>= 1) times as fast, what the "
                    + "simulator's SimulatedClock.anchorForm() writes, for example --simulated-clock 2026-11-24T10:00:00Z,2026-12-06T05:20:00Z,120.")
    private SimulatedClock simulatedClock;

    // Hidden: only for a local simulator (scripts/bench-engine.py), never a real exchange, whose
    // per-IP limit on new connections would otherwise make 1,000 streams take an hour to open.
    @Option(names = "--connection-limit-speedup", hidden = true, defaultValue = "1", paramLabel = "FACTOR")
    private double connectionLimitSpeedup;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new EngineMain()).setCaseInsensitiveEnumValuesAllowed(true).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println("kline-engine: " + e.getMessage());
                return EXIT_CONFIG;
            }
            if (e instanceof IOException || e instanceof IllegalStateException) {
                cmd.getErr().println("kline-engine: cannot run: " + e.getMessage());
                return EXIT_FAILED;
            }
            log.error("[engine] failed", e);
            cmd.getErr().println("kline-engine: failed: " + e);
            return EXIT_FAILED;
        });
    }

    @Override
    public Integer call() throws Exception {
        if (metricsIntervalSeconds <= 0 || uploadGraceSeconds < 0 || (exitAfterSeconds != null && exitAfterSeconds <= 0)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--metrics-interval and --exit-after must be positive, --upload-grace not negative");
        }
        if (!(connectionLimitSpeedup >= 1)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--connection-limit-speedup must be a number >= 1, not " + connectionLimitSpeedup);
        }
        PipelineConfig pipeline = PipelineConfig.load(config, ExchangeRegistry.standard());
        EngineOptions options = new EngineOptions(Duration.ofSeconds(metricsIntervalSeconds), Duration.ofSeconds(uploadGraceSeconds))
                .withConnectionLimitSpeedup(connectionLimitSpeedup);
        Clock clock = Clock.systemUTC();
        if (simulatedClock != null) {
            log.warn("[engine] running on {}, not the system clock: for tests and demos only", simulatedClock);
            clock = simulatedClock;
            // As the in-process tests on a fast clock do: the exchanges' limits on new connections scale
            // with the clock, so reconnects at the simulated pace are not held to real-time limits.
            options = options.withConnectionLimitSpeedup(simulatedClock.speed() * connectionLimitSpeedup);
        }
        Engine engine = new Engine(pipeline, ExchangeRegistry.standard(), clock,
                () -> DefaultCredentialsProvider.builder().build(), options);
        Thread hook = new Thread(engine::close, "engine-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        engine.start();
        if (exitAfterSeconds == null) {
            engine.awaitClosed(Duration.ofMillis(Long.MAX_VALUE));
            return 0;
        }
        if (!engine.awaitClosed(Duration.ofSeconds(exitAfterSeconds))) {
            log.info("[engine] --exit-after {} s reached", exitAfterSeconds);
            engine.close();
            removeHook(hook);
        }
        return 0;
    }

    /**
     * picocli's reading of {@code --simulated-clock}: kline-core's {@link SimulatedClock#parse}, and a
     * speed of at least 1; a bad value is a usage error naming the option.
     */
    static final class SimulatedClockConverter implements CommandLine.ITypeConverter<SimulatedClock> {
        @Override
        public SimulatedClock convert(String value) {
            SimulatedClock clock;
            try {
                clock = SimulatedClock.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
            // The engine's flush interval runs on this clock while a crash happens in wall time: at a
            // speed of 1 or more a line is forced sooner, by the wall clock, than the promise says;
            // slower, it would be forced later.
            if (!(clock.speed() >= 1)) {
                throw new CommandLine.TypeConversionException("the speed must be at least 1 (on a slower clock the engine would "
                        + "force its files less often than engine.flush_interval_ms of wall time promises), not " + clock.speed());
            }
            return clock;
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and runs the hook, which finds the engine closed.
            log.debug("[engine] shutdown already in progress", e);
        }
    }

    /** The version from the jar manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = EngineMain.class.getPackage().getImplementationVersion();
            return new String[] {"kline-engine " + (version == null ? "(development build)" : version)};
        }
    }
}
