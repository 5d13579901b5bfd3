package io.klinepipeline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.engine.testing.Await;
import io.klinepipeline.simulator.server.ExchangeSimulator;
import io.klinepipeline.simulator.server.SimulatorOptions;
import io.klinepipeline.simulator.venue.BinanceVenue;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    private static final Duration WAIT = Duration.ofSeconds(60);

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
                    engine: {roll_max_age_seconds: 1, status_address: "127.0.0.1:0", reconnect_initial_delay_ms: 50}
                    """);
            // The venue resets the connection once data flows: the engine logs the drop, the back-off and the reconnect.
            Path log = dir.resolve("engine.log");
            Process engine = startEngine(config, log, Map.of(), "--log-format", "json", "--exit-after", "60");
            try {
                awaitOutput(log, "finished exchange=binance"); // a file of data, so the stream is up
                simulator.venue("binance").dropConnections();
                awaitOutput(log, "up again after");
            } finally {
                engine.destroy(); // SIGTERM: the engine stops cleanly and logs on the way
                assertThat(engine.waitFor(60, TimeUnit.SECONDS)).as("engine exited").isTrue();
            }
            List<JsonNode> events = new ArrayList<>();
            for (String line : nonBlankLines(log)) {
                JsonNode event = JSON.readTree(line); // every line, not just most: a stray text line breaks a shipper
                assertThat(event.isObject()).as(line).isTrue();
                for (String field : List.of("timestamp", "level", "loggerName", "formattedMessage")) {
                    assertThat(event.has(field)).as(field + " in " + line).isTrue();
                }
                events.add(event);
            }
            assertThat(events).anyMatch(e -> e.path("formattedMessage").asText().contains("serving /health and /metrics"));
            // The recorder's lines (a file finished every second) name their stream as fields.
            assertThat(events).anyMatch(e -> message(e).contains("finished") && namesTheStream(e));

            // So do the connection's: every line of the WebSocket code, whichever event-loop thread wrote it.
            List<JsonNode> connectionLines = events.stream()
                    .filter(e -> e.path("loggerName").asText().startsWith("io.klinepipeline.engine.ws.")).toList();
            assertThat(connectionLines).allSatisfy(e -> assertThat(namesTheStream(e)).as(e.toString()).isTrue());
            assertThat(connectionLines).as("subscribed, twice").filteredOn(e -> message(e).contains("connected to")).hasSize(2);
            for (String kind : List.of("dropped after", "stream down since", "reconnect #1 in", "closed after",
                    "up again after")) {
                assertThat(connectionLines).as(kind).anyMatch(e -> message(e).contains(kind));
            }

            Path fromEnv = dir.resolve("from-env.log");
            Process again = startEngine(config, fromEnv, Map.of("KLINE_LOG_FORMAT", "JSON"), "--exit-after", "1");
            assertThat(again.waitFor(60, TimeUnit.SECONDS)).as("engine exited").isTrue();
            assertThat(nonBlankLines(fromEnv)).isNotEmpty().allSatisfy(line -> assertThat(JSON.readTree(line).has("level")).isTrue());
        }
    }

    @Test
    void anUnknownFormatIsRefusedNamingTheChoices() throws Exception {
        List<String> out = runEngine(dir.resolve("absent.yaml"), Map.of(), "--log-format", "xml");
        assertThat(String.join("\n", out)).contains("--log-format").contains("TEXT, JSON");
    }

    private List<String> runEngine(Path config, Map<String, String> env, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "engine", ".log");
        Process process = startEngine(config, out, env, args);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("engine exited").isTrue();
        return nonBlankLines(out);
    }

    private static Process startEngine(Path config, Path out, Map<String, String> env, String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), EngineMain.class.getName(), "--config", config.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().remove("KLINE_LOG_FORMAT");
        builder.environment().putAll(env);
        return builder.start();
    }

    private static List<String> nonBlankLines(Path log) throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    }

    /** Waits until the engine has logged {@code text}; fails showing what it logged instead. */
    private static void awaitOutput(Path log, String text) throws InterruptedException {
        try {
            Await.until("the engine logged '" + text + "'", WAIT, () -> output(log).contains(text));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; it logged:\n" + output(log), e);
        }
    }

    /** What the engine has written so far; a line may be half written. */
    private static String output(Path log) {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String message(JsonNode event) {
        return event.path("formattedMessage").asText();
    }

    private static boolean namesTheStream(JsonNode event) {
        return event.path("mdc").path("exchange").asText().equals("binance") && event.path("mdc").path("symbol").asText().equals("BTCUSDT");
    }
}
