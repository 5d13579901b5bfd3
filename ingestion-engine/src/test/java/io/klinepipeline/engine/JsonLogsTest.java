package io.klinepipeline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.simulator.server.ExchangeSimulator;
import io.klinepipeline.simulator.server.SimulatorOptions;
import io.klinepipeline.simulator.venue.BinanceVenue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kline-engine --log-format json (or KLINE_LOG_FORMAT=json), in a JVM of its own against the exchange simulator. */
class JsonLogsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void jsonFormatWritesOneObjectPerLineWithTheStreamAsFields() throws Exception {
        try (ExchangeSimulator simulator = ExchangeSimulator.start(new SimulatorOptions("127.0.0.1", 0, OptionalInt.empty(),
                SimulatedClock.startingAt(Instant.now(), 1), 3, 600, Duration.ofMillis(100), 1, List.of(new BinanceVenue())))) {
            Path config = dir.resolve("pipeline.yaml");
            Files.writeString(config, simulator.exchangesYaml(Map.of("binance", List.of("BTCUSDT"))) + """
                    storage: {local_dir: bronze, dead_letter_dir: dead-letter, s3: {enabled: false}}
                    partitions: {start: "2026-11-01T00:00:00Z"}
                    engine: {roll_max_age_seconds: 1, status_address: "127.0.0.1:0"}
                    """);
            List<String> lines = runEngine(config, Map.of(), "--log-format", "json", "--exit-after", "4");
            List<JsonNode> events = new ArrayList<>();
            for (String line : lines) {
                JsonNode event = JSON.readTree(line); // every line, not just most: a stray text line breaks a shipper
                assertThat(event.isObject()).as(line).isTrue();
                for (String field : List.of("timestamp", "level", "loggerName", "formattedMessage")) {
                    assertThat(event.has(field)).as(field + " in " + line).isTrue();
                }
                events.add(event);
            }
            assertThat(events).anyMatch(e -> e.path("formattedMessage").asText().contains("serving /health and /metrics"));
            // The recorder's lines (a file finished every second) name their stream as fields.
            assertThat(events).anyMatch(e -> e.path("formattedMessage").asText().contains("finished")
                    && e.path("mdc").path("exchange").asText().equals("binance")
                    && e.path("mdc").path("symbol").asText().equals("BTCUSDT"));

            List<String> fromEnv = runEngine(config, Map.of("KLINE_LOG_FORMAT", "JSON"), "--exit-after", "1");
            assertThat(fromEnv).isNotEmpty().allSatisfy(line -> assertThat(JSON.readTree(line).has("level")).isTrue());
        }
    }

    @Test
    void anUnknownFormatIsRefusedNamingTheChoices() throws Exception {
        List<String> out = runEngine(dir.resolve("absent.yaml"), Map.of(), "--log-format", "xml");
        assertThat(String.join("\n", out)).contains("--log-format").contains("TEXT, JSON");
    }

    private List<String> runEngine(Path config, Map<String, String> env, String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), EngineMain.class.getName(), "--config", config.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "engine", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().remove("KLINE_LOG_FORMAT");
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("engine exited").isTrue();
        return Files.readAllLines(out, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    }
}
