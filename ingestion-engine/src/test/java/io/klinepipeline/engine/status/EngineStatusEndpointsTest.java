package io.klinepipeline.engine.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.engine.Engine;
import io.klinepipeline.engine.EngineOptions;
import io.klinepipeline.engine.testing.CapturedLogs;
import io.klinepipeline.engine.testing.FaultyS3Proxy;
import io.klinepipeline.engine.testing.LocalS3;
import io.klinepipeline.engine.upload.UploadTimeouts;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.simulator.server.ExchangeSimulator;
import io.klinepipeline.simulator.server.SimulatorOptions;
import io.klinepipeline.simulator.venue.BinanceVenue;
import io.klinepipeline.simulator.venue.OkxVenue;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real engine against the exchange simulator (and an S3 behind a proxy that fails on demand),
 * read over HTTP as an operator or Prometheus would: /health follows a stream that the venue cuts
 * off and lets back in, and an S3 outage that fills the upload backlog; /metrics is valid
 * Prometheus text with the same facts.
 */
class EngineStatusEndpointsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "status-test";
    /** Short, so an attempt against a failing S3 fails in a second rather than the production minutes. */
    private static final UploadTimeouts TEST_TIMEOUTS = new UploadTimeouts(
            Duration.ofMillis(700), Duration.ofMillis(2_000), Duration.ofMillis(1_500), Duration.ofMillis(4_000));

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private ExchangeSimulator simulator;
    private Engine engine;

    @AfterEach
    void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void healthShowsAStreamTheVenueCutsOffAsDownWithItsReasonAndSinceThenUpAgain() throws Exception {
        Map<String, List<String>> pairs = new LinkedHashMap<>();
        pairs.put("binance", List.of("BTCUSDT"));
        pairs.put("okx", List.of("BTC-USDT"));
        startEngine(pairs, "{enabled: false}");

        JsonNode healthy = awaitHealth("both streams up", 200, h -> stream(h, "binance").path("connected").asBoolean()
                && stream(h, "okx").path("connected").asBoolean());
        assertThat(healthy.path("status").asText()).isEqualTo("ok");
        assertThat(healthy.path("uploads").path("enabled").asBoolean()).isFalse();
        JsonNode binance = stream(healthy, "binance");
        assertThat(binance.path("symbol").asText()).isEqualTo("BTCUSDT");
        assertThat(binance.path("down_reason").isNull()).isTrue();
        assertThat(Instant.parse(binance.path("since").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(binance.path("last_message_age_seconds").asDouble()).isBetween(0.0, 90.0);

        // Binance refuses new connections and closes the open one: binance is down, okx is not.
        Instant cut = Instant.now();
        simulator.faults("binance").refuseHandshakes(429);
        simulator.venue("binance").closeConnections(1013, "try again later");
        JsonNode down = awaitHealth("binance down", 503, h -> !stream(h, "binance").path("connected").asBoolean());
        assertThat(down.path("status").asText()).isEqualTo("unhealthy");
        JsonNode binanceDown = stream(down, "binance");
        assertThat(binanceDown.path("down_reason").asText()).contains("1013");
        assertThat(Instant.parse(binanceDown.path("since").asText())).isBetween(cut.minusSeconds(1), Instant.now());
        assertThat(stream(down, "okx").path("connected").asBoolean()).isTrue();
        Map<String, Double> metricsDown = samples(awaitMetrics());
        assertThat(metricsDown).containsEntry("kline_engine_connected{exchange=\"binance\",symbol=\"BTCUSDT\"}", 0.0)
                .containsEntry("kline_engine_connected{exchange=\"okx\",symbol=\"BTC-USDT\"}", 1.0);
        assertThat(metricsDown.get("kline_engine_reconnects_total{exchange=\"binance\",symbol=\"BTCUSDT\"}")).isGreaterThanOrEqualTo(1);

        simulator.faults("binance").clear();
        JsonNode recovered = awaitHealth("binance up again", 200, h -> stream(h, "binance").path("connected").asBoolean());
        JsonNode binanceUp = stream(recovered, "binance");
        assertThat(binanceUp.path("last_outage").path("reason").asText()).contains("1013");
        assertThat(Instant.parse(binanceUp.path("since").asText())).isAfter(Instant.parse(binanceDown.path("since").asText()));
        assertThat(binanceUp.path("reconnects").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(binanceUp.path("lines_written").asLong()).isPositive();
        assertThat(binanceUp.path("bytes_written").asLong()).isGreaterThan(binanceUp.path("lines_written").asLong());

        Map<String, Double> metrics = samples(awaitMetrics());
        String binanceLabels = "{exchange=\"binance\",symbol=\"BTCUSDT\"}";
        assertThat(metrics).containsEntry("kline_engine_connected" + binanceLabels, 1.0);
        for (String counter : List.of("kline_engine_frames_received_total", "kline_engine_lines_written_total",
                "kline_engine_written_bytes_total")) {
            assertThat(metrics.get(counter + binanceLabels)).as(counter).isPositive();
        }
        assertThat(metrics).containsKey("kline_engine_dead_lettered_total" + binanceLabels)
                .containsKey("kline_engine_last_message_age_seconds" + binanceLabels);
    }

    @Test
    void healthShowsUploadsFailingSinceAndTheBacklogThroughAnS3OutageThenEmptyAfterIt() throws Exception {
        LocalS3 s3 = new LocalS3();
        toClose.add(s3);
        s3.client().createBucket(b -> b.bucket(BUCKET));
        FaultyS3Proxy proxy = new FaultyS3Proxy(s3.endpoint());
        toClose.add(0, proxy);
        Map<String, List<String>> pairs = Map.of("binance", List.of("BTCUSDT"));
        startEngine(pairs, "{enabled: true, bucket: " + BUCKET + ", endpoint: \"" + proxy.endpoint()
                + "\", region: us-east-1, path_style: true}", s3);

        awaitHealth("a file uploaded", 200, h -> h.path("uploads").path("uploaded").asLong() > 0);
        Instant outage = Instant.now();
        proxy.inject(FaultyS3Proxy.Fault.INTERNAL_ERROR);
        JsonNode failing = awaitHealth("uploads failing with a backlog", 200, h -> !h.path("uploads").path("failing_since").isNull()
                && h.path("uploads").path("backlog_files").asLong() >= 2);
        JsonNode uploads = failing.path("uploads");
        Instant since = Instant.parse(uploads.path("failing_since").asText());
        assertThat(since).isBetween(outage.minusSeconds(1), Instant.now());
        assertThat(uploads.path("backlog_bytes").asLong()).isPositive();
        assertThat(uploads.path("last_error").asText()).contains("500");
        assertThat(uploads.path("failed_attempts").asLong()).isPositive();
        // The periodic metrics line says it too.
        assertThat(engine.uploadCounters().orElseThrow().summary()).contains("failing_since=" + since);
        Map<String, Double> metrics = samples(awaitMetrics());
        assertThat(metrics.get("kline_engine_upload_failing_since_timestamp_seconds")).isCloseTo(
                since.toEpochMilli() / 1000.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(metrics.get("kline_engine_upload_backlog_files")).isGreaterThanOrEqualTo(1);
        assertThat(metrics.get("kline_engine_upload_failures_total")).isPositive();

        proxy.heal();
        JsonNode healed = awaitHealth("backlog uploaded", 200, h -> h.path("uploads").path("failing_since").isNull()
                && h.path("uploads").path("backlog_files").asLong() == 0);
        assertThat(healed.path("uploads").path("backlog_bytes").asLong()).isZero();
        assertThat(healed.path("uploads").path("last_error").asText()).contains("500"); // what the outage was, kept
        Map<String, Double> after = samples(awaitMetrics());
        assertThat(after).containsEntry("kline_engine_upload_failing_since_timestamp_seconds", 0.0);
        assertThat(after.get("kline_engine_upload_successes_total")).isGreaterThanOrEqualTo(2);
        assertThat(engine.uploadCounters().orElseThrow().summary()).contains("failing_since=-");
    }

    @Test
    void answersOnlyGetAndHeadOfHealthAndMetrics() throws Exception {
        startEngine(Map.of("binance", List.of("BTCUSDT")), "{enabled: false}");
        assertThat(send("GET", "/nope").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/").statusCode()).isEqualTo(404);
        HttpResponse<String> post = send("POST", "/health");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).contains("GET, HEAD");
        HttpResponse<String> head = send("HEAD", "/metrics");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("content-type")).contains(StatusHandler.PROMETHEUS_TEXT);
        HttpResponse<String> health = send("GET", "/health?verbose=1");
        assertThat(health.statusCode()).isIn(200, 503);
        assertThat(health.headers().firstValue("content-type")).contains("application/json");
    }

    @Test
    void aStatusAddressAlreadyTakenIsLoggedAndCaptureGoesOnWithoutIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); CapturedLogs logs = new CapturedLogs()) {
            startEngine(Map.of("binance", List.of("BTCUSDT")), "{enabled: false}", null, "127.0.0.1:" + taken.getLocalPort());
            assertThat(engine.statusAddress()).isEmpty();
            assertThat(logs.lines()).anyMatch(l -> l.startsWith("ERROR [engine] capturing without /health and /metrics: cannot "
                    + "serve /health and /metrics on 127.0.0.1:" + taken.getLocalPort() + " (engine.status_address)"));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (engine.streamCounters().get(0).lines() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(engine.streamCounters().get(0).lines()).as("lines captured").isPositive();
        }
    }

    private void startEngine(Map<String, List<String>> pairs, String s3Yaml) throws Exception {
        startEngine(pairs, s3Yaml, null);
    }

    private void startEngine(Map<String, List<String>> pairs, String s3Yaml, LocalS3 s3) throws Exception {
        startEngine(pairs, s3Yaml, s3, "127.0.0.1:0");
        assertThat(engine.statusAddress()).isPresent();
    }

    private void startEngine(Map<String, List<String>> pairs, String s3Yaml, LocalS3 s3, String statusAddress) throws Exception {
        SimulatedClock clock = SimulatedClock.startingAt(Instant.now(), 1);
        simulator = ExchangeSimulator.start(new SimulatorOptions("127.0.0.1", 0, OptionalInt.empty(), clock, 11, 600,
                Duration.ofMillis(100), 1, List.of(new BinanceVenue(Duration.ofSeconds(5)), new OkxVenue())));
        ExchangeRegistry registry = ExchangeRegistry.standard();
        String yaml = simulator.exchangesYaml(pairs) + """
                storage:
                  local_dir: bronze
                  dead_letter_dir: dead-letter
                  s3: %s
                partitions: {start: "2026-11-01T00:00:00Z"}
                engine: {reconnect_initial_delay_ms: 20, reconnect_max_delay_ms: 200, connect_spacing_ms: 1,
                         roll_max_age_seconds: 1, upload_retry_delay_ms: 100, status_address: "%s"}
                """.formatted(s3Yaml, statusAddress);
        PipelineConfig config = PipelineConfig.parse(yaml, dir, registry);
        engine = new Engine(config, registry, Clock.systemUTC(), () -> {
            if (s3 == null) {
                throw new AssertionError("S3 is off");
            }
            return s3.credentials();
        }, new EngineOptions(Duration.ofSeconds(60), Duration.ofSeconds(2), TEST_TIMEOUTS));
        engine.start();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + engine.statusAddress().orElseThrow().getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls /health until it answers {@code status} with a document that passes {@code until}. */
    private JsonNode awaitHealth(String what, int status, Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = send("GET", "/health");
            last = response.statusCode() + " " + response.body();
            JsonNode health = JSON.readTree(response.body());
            if (response.statusCode() == status && until.test(health)) {
                return health;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; last /health: " + last);
    }

    private String awaitMetrics() throws Exception {
        HttpResponse<String> response = send("GET", "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains(StatusHandler.PROMETHEUS_TEXT);
        return response.body();
    }

    private static JsonNode stream(JsonNode health, String exchange) {
        for (JsonNode s : health.path("streams")) {
            if (s.path("exchange").asText().equals(exchange)) {
                return s;
            }
        }
        throw new AssertionError("no stream of " + exchange + " in " + health);
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern COMMENT = Pattern.compile("# (HELP (" + NAME + ") .*|TYPE (" + NAME + ") (counter|gauge|summary|histogram|untyped))");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? "
            + "([-+]?(?:[0-9]+(?:\\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|NaN|Inf))( -?[0-9]+)?");

    /**
     * The samples of a Prometheus text exposition (format 0.0.4), checked line by line against the
     * format's grammar: every line a HELP, a TYPE, or a sample whose metric family was typed before it.
     */
    static Map<String, Double> samples(String text) {
        assertThat(text).endsWith("\n");
        Map<String, Double> out = new HashMap<>();
        Map<String, String> types = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                Matcher m = COMMENT.matcher(line);
                assertThat(m.matches()).as("comment line: " + line).isTrue();
                if (m.group(3) != null) {
                    assertThat(types.put(m.group(3), m.group(4))).as("TYPE given twice: " + line).isNull();
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("sample line: " + line).isTrue();
            String name = m.group(1);
            assertThat(types.keySet()).as("family of " + line).anyMatch(family -> name.equals(family)
                    || name.startsWith(family + "_") && types.get(family).matches("summary|histogram"));
            if ("counter".equals(types.get(name))) {
                assertThat(name).as("counter name").endsWith("_total");
            }
            String value = m.group(3);
            out.put(name + (m.group(2) == null ? "" : m.group(2)), value.endsWith("Inf") ? (value.startsWith("-")
                    ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY) : Double.parseDouble(value));
        }
        return out;
    }
}
