package io.klinepipeline.engine.testing;

import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.engine.Engine;
import io.klinepipeline.engine.EngineOptions;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.simulator.server.ExchangeSimulator;
import io.klinepipeline.simulator.server.SimulatorOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The exchange simulator and an engine in this JVM capturing from it on the simulator's clock:
 * local files only (S3 off), under {@code bronze/} and {@code dead-letter/} of a test's folder.
 * Closing it closes the engine, then the simulator.
 */
public final class EngineOnSimulator implements AutoCloseable {
    private final ExchangeSimulator simulator;
    private final ExchangeRegistry registry;
    private final PipelineConfig config;
    private final Engine engine;

    private EngineOnSimulator(ExchangeSimulator simulator, ExchangeRegistry registry, PipelineConfig config, Engine engine) {
        this.simulator = simulator;
        this.registry = registry;
        this.config = config;
        this.engine = engine;
    }

    /** A set-up with {@code simulator}'s venues, clock and market; say which pairs the engine captures. */
    public static Builder with(SimulatorOptions simulator) {
        return new Builder(simulator);
    }

    public ExchangeSimulator simulator() {
        return simulator;
    }

    public ExchangeRegistry registry() {
        return registry;
    }

    public PipelineConfig config() {
        return config;
    }

    public Engine engine() {
        return engine;
    }

    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            simulator.close();
        }
    }

    /** What differs between the tests that share the set-up. */
    public static final class Builder {
        private final SimulatorOptions simulatorOptions;
        private final Map<String, List<String>> pairs = new LinkedHashMap<>();
        private String engineKeys = "reconnect_initial_delay_ms: 20, reconnect_max_delay_ms: 200, connect_spacing_ms: 1";
        private double connectionLimitSpeedup = 1;
        private Consumer<ExchangeSimulator> beforeEngineStarts = simulator -> {};

        private Builder(SimulatorOptions simulatorOptions) {
            this.simulatorOptions = simulatorOptions;
        }

        /** The engine captures {@code symbols} (the venue's own notation) of {@code venue}. */
        public Builder capturing(String venue, String... symbols) {
            pairs.put(venue, List.of(symbols));
            return this;
        }

        /** Each venue's symbol of {@code symbolByVenue}, for example {@code Venues.bitcoinSymbols()}. */
        public Builder capturing(Map<String, String> symbolByVenue) {
            symbolByVenue.forEach((venue, symbol) -> pairs.put(venue, List.of(symbol)));
            return this;
        }

        /**
         * The engine section of pipeline.yaml, inside its braces; by default quick reconnects (20 ms,
         * at most 200 ms) and no spacing between new connections.
         */
        public Builder engineKeys(String keys) {
            this.engineKeys = keys;
            return this;
        }

        /** The exchanges' limits on new connections sped up, for a simulated clock that runs fast. */
        public Builder connectionLimitSpeedup(double factor) {
            this.connectionLimitSpeedup = factor;
            return this;
        }

        /** Runs between the simulator's start and the engine's, e.g. to watch what the venues send from the first frame. */
        public Builder beforeEngineStarts(Consumer<ExchangeSimulator> action) {
            this.beforeEngineStarts = action;
            return this;
        }

        /** Starts the simulator and the engine, writing under {@code dir}; on failure, closes whatever started. */
        public EngineOnSimulator start(Path dir) throws InterruptedException, IOException {
            if (pairs.isEmpty()) {
                throw new IllegalStateException("say which pairs the engine captures");
            }
            ExchangeSimulator simulator = ExchangeSimulator.start(simulatorOptions);
            Engine engine = null;
            try {
                ExchangeRegistry registry = ExchangeRegistry.standard();
                PipelineConfig config = PipelineConfig.parse(simulator.exchangesYaml(pairs) + """
                        storage: {local_dir: bronze, dead_letter_dir: dead-letter, s3: {enabled: false}}
                        partitions: {start: "2026-11-01T00:00:00Z"}
                        engine: {%s}
                        """.formatted(engineKeys), dir, registry);
                beforeEngineStarts.accept(simulator);
                engine = new Engine(config, registry, simulator.clock(), () -> {
                    throw new AssertionError("S3 is off");
                }, new EngineOptions(Duration.ofSeconds(60), Duration.ofSeconds(1)).withConnectionLimitSpeedup(connectionLimitSpeedup));
                engine.start();
                return new EngineOnSimulator(simulator, registry, config, engine);
            } catch (IOException | RuntimeException | Error e) {
                if (engine != null) {
                    engine.close();
                }
                simulator.close();
                throw e;
            }
        }
    }
}
