package io.klinepipeline.workers.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.workers.bronze.BronzeFixtures.JsonlFile;
import io.klinepipeline.workers.bronze.BronzeRows.Row;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import io.klinepipeline.workers.window.TimeWindow;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays a real Binance combined-stream capture (shared/real-data, never copied into the project):
 * the BTCUSDT frames of 2021-04-04 20:03-20:04Z, wrapped in envelopes as the engine would.
 */
class RealBinanceReplayTest {
    private static final String CAPTURE = "/binance/ws_kline_1m_BTCUSDT_ETHUSDT_DOTUSDT_2021-04-04.jsonl";

    @TempDir
    Path dir;

    @Test
    void keepsTheRealClosingCandleOf2003ForBtcusdt() throws Exception {
        Path capture = capture();
        List<String> envelopes = btcusdtEnvelopes(capture);
        assertThat(envelopes).hasSize(23 + 1 + 20);
        PipelineConfig config = BronzeFixtures.config(dir);
        Instant firstReceived = Instant.parse("2021-04-04T20:03:12Z").truncatedTo(ChronoUnit.HOURS);
        BronzeFixtures.writeLocal(config.storage().localDir(),
                List.of(new JsonlFile(JsonlFile.nameFor("BTCUSDT", firstReceived), envelopes, true)));
        Database database = TestDatabases.migrated();
        ExtToBronzeJob job = new ExtToBronzeJob(config, BronzeFixtures.EXCHANGES, database,
                new LocalJsonlSource(config.storage().localDir()), Clock.systemUTC());

        ExtToBronzeReport report = job.run("binance", "BTCUSDT", TimeWindow.parse("2021-04-04T20:03:00Z", "2021-04-04T20:05:00Z"));

        assertThat(report.rowsLoaded()).isEqualTo(44);
        assertThat(report.deadLettered()).isZero();
        assertThat(report.finalMinutes()).isEqualTo(1);
        assertThat(report.firstMinute()).isEqualTo(Instant.parse("2021-04-04T20:03:00Z"));
        assertThat(report.lastMinute()).isEqualTo(Instant.parse("2021-04-04T20:04:00Z"));
        List<Row> finals = BronzeRows.all(database).stream().filter(Row::isFinal).toList();
        double volume = Double.parseDouble("23.06712200");
        double quote = Double.parseDouble("1337913.58654308");
        assertThat(finals).containsExactly(new Row("binance", "BTCUSDT", 60,
                Instant.parse("2021-04-04T20:03:00Z"), Instant.parse("2021-04-04T20:04:00Z"),
                57994.60, 58018.03, 57974.41, 57999.99, volume, quote, quote / volume, 1020,
                "websocket", Instant.parse("2021-04-04T20:04:00.087709Z"), true));
    }

    private static Path capture() {
        String root = System.getProperty("kline.realData");
        Path file = root == null ? null : Path.of(root + CAPTURE);
        Assumptions.assumeTrue(file != null && Files.isRegularFile(file),
                "real Binance capture not found at " + (file == null ? "(kline.realData not set)" : file)
                        + "; this test replays shared/real-data and is skipped without it");
        return file;
    }

    /** The capture's BTCUSDT kline frames, each wrapped verbatim, received at the recorder's time. */
    private static List<String> btcusdtEnvelopes(Path capture) throws Exception {
        // The recorder's ts is a float with microseconds; read it as a decimal so none are lost.
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(capture, StandardCharsets.UTF_8)) {
            JsonNode record = json.readTree(line);
            if (!"recv".equals(record.path("t").asText())) {
                continue;
            }
            String frame = record.get("data").asText();
            if (!"btcusdt@kline_1m".equals(json.readTree(frame).path("stream").asText())) {
                continue;
            }
            BigDecimal ts = record.get("ts").decimalValue();
            Instant receivedAt = Instant.ofEpochSecond(ts.longValue(),
                    ts.remainder(BigDecimal.ONE).movePointRight(9).longValue()).truncatedTo(ChronoUnit.MICROS);
            out.add(BronzeFixtures.event("BTCUSDT", receivedAt, frame));
        }
        return out;
    }
}
