package io.klinepipeline.workers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.DatabaseUrl;
import io.klinepipeline.workers.db.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kline-worker --log-format json, in a JVM of its own: stderr is one JSON object per line, the stream's lines name it as fields. */
class JsonLogsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void jsonFormatWritesOneObjectPerLineWithExchangeAndSymbolOfTheTarget() throws Exception {
        Database database = TestDatabases.migrated();
        Path config = dir.resolve("pipeline.yaml");
        Files.writeString(config, """
                exchanges:
                  binance:
                    ws_url: ws://127.0.0.1:1
                    rest_url: http://127.0.0.1:1
                    pairs: [BTCUSDT]
                    canonical: {BTCUSDT: BTC-USDT}
                storage: {local_dir: bronze, dead_letter_dir: dead}
                partitions: {start: "2026-11-24T00:00:00Z"}
                """);
        Files.createDirectories(dir.resolve("bronze"));
        String jdbc = database.url().jdbcUrl();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path stderr = dir.resolve("stderr.log");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), KlineWorker.class.getName(), "--log-format", "json",
                "--config", config.toString(), "ext-to-bronze", "--exchange", "binance", "--symbol", "BTCUSDT",
                "--start", "2026-11-24T10:00:00Z", "--end", "2026-11-24T11:00:00Z")
                .redirectError(stderr.toFile()).redirectOutput(dir.resolve("stdout.log").toFile());
        builder.environment().put(DatabaseUrl.ENV, jdbc + (jdbc.contains("?") ? "&" : "?") + "user=" + database.url().user()
                + "&password=" + database.url().password());
        builder.environment().remove("KLINE_LOG_FORMAT");
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();

        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.has("level") && event.has("loggerName") && event.has("formattedMessage") && event.has("timestamp"))
                    .as(line).isTrue();
            events.add(event);
        }
        // No file in the window: the job's warning about it is a line of its stream.
        assertThat(events).anyMatch(e -> e.path("formattedMessage").asText().contains("no data objects")
                && e.path("mdc").path("exchange").asText().equals("binance")
                && e.path("mdc").path("symbol").asText().equals("BTCUSDT"));
    }
}
