package io.klinepipeline.workers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.binance.BinanceExchange;
import io.klinepipeline.jsonl.BronzeLayout;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code list-finished} over a local directory written with the layout's own names. */
class ListFinishedCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant H10 = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant H11 = Instant.parse("2026-11-24T11:00:00Z");

    @TempDir
    Path dir;

    private Path config;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        config = dir.resolve("pipeline.yaml");
        Files.writeString(config, """
                exchanges:
                  binance:
                    ws_url: ws://127.0.0.1:1
                    rest_url: http://127.0.0.1:1
                    pairs: [BTCUSDT, ETHUSDT]
                    canonical: {BTCUSDT: BTC-USDT, ETHUSDT: ETH-USDT}
                storage: {local_dir: bronze, dead_letter_dir: dead}
                partitions: {start: "2026-11-24T00:00:00Z"}
                engine: {roll_max_age_seconds: 60}
                """);
    }

    @Test
    void eachWindowGetsTheFinishedObjectsItReadsAndInProgressFilesAreLeftOut() throws Exception {
        write("BTCUSDT", H10.plusSeconds(600));             // mid-hour: window 10 only
        write("BTCUSDT", H11.plusMillis(20));               // late closes of 10:59: windows 10 and 11
        write("ETHUSDT", H11.minusSeconds(90));             // lead-in of 11 (within twice 60 s): windows 10 and 11
        write("BTCUSDT", H11.plusSeconds(1795));            // opened 5 s before "now": still being written
        Files.writeString(BronzeLayout.hourDir(dir.resolve("bronze"), new BinanceExchange(), "BTCUSDT", H11)
                .resolve("x.deadletter.jsonl"), "{}\n");  // not a data file

        JsonNode listed = list("--now", "2026-11-24T11:30:00Z", "--hours", "2");

        assertThat(listed.get("in_progress").asInt()).isEqualTo(1);
        assertThat(listed.get("first_window").asText()).isEqualTo("2026-11-24T09:00:00Z");
        Map<String, Integer> objects = new LinkedHashMap<>();
        listed.get("windows").forEach(w -> objects.put(w.get("exchange").asText() + " " + w.get("hour").asText(), w.get("objects").asInt()));
        assertThat(objects).containsExactly(Map.entry("binance 2026-11-24T10:00:00Z", 3), Map.entry("binance 2026-11-24T11:00:00Z", 2));
    }

    @Test
    void aLateObjectChangesOnlyTheFingerprintsOfTheWindowsThatReadIt() throws Exception {
        write("BTCUSDT", H10.plusSeconds(600));
        write("BTCUSDT", H11.plusSeconds(600));
        Map<String, String> before = fingerprints(list("--now", "2026-11-24T11:30:00Z", "--hours", "2"));
        out.getBuffer().setLength(0);
        write("ETHUSDT", H10.plusSeconds(1200));            // uploaded late, for an hour already loaded

        Map<String, String> after = fingerprints(list("--now", "2026-11-24T11:30:00Z", "--hours", "2"));

        assertThat(after.get("2026-11-24T10:00:00Z")).isNotEqualTo(before.get("2026-11-24T10:00:00Z"));
        assertThat(after.get("2026-11-24T11:00:00Z")).isEqualTo(before.get("2026-11-24T11:00:00Z"));
    }

    @Test
    void aLocalFileIsFinishedAtItsRollAgeOrAtTheEndOfItsHourPlusAMargin() {
        Duration roll = Duration.ofSeconds(60);
        assertThat(ListFinishedCommand.finished(H10, H10.plusSeconds(100), roll, H10.plusSeconds(165))).isFalse();
        assertThat(ListFinishedCommand.finished(H10, H10.plusSeconds(100), roll, H10.plusSeconds(170))).isTrue();
        // The hour ends first: finished at the hour (plus the margin), however young.
        assertThat(ListFinishedCommand.finished(H10, H11.minusSeconds(5), roll, H11.plusSeconds(10))).isTrue();
    }

    @Test
    void aNegativeLookbackIsAUsageError() {
        assertThat(run("--config", config.toString(), "list-finished", "--hours", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("--hours");
    }

    private void write(String symbol, Instant openedAt) throws Exception {
        Path hourDir = BronzeLayout.hourDir(dir.resolve("bronze"), new BinanceExchange(), symbol, openedAt);
        Files.createDirectories(hourDir);
        Files.writeString(hourDir.resolve(BronzeLayout.newFileName(openedAt, "test")), "{}\n");
    }

    private JsonNode list(String... options) throws Exception {
        String[] args = new String[options.length + 3];
        args[0] = "--config";
        args[1] = config.toString();
        args[2] = "list-finished";
        System.arraycopy(options, 0, args, 3, options.length);
        assertThat(run(args)).as(err.toString()).isZero();
        return JSON.readTree(out.toString());
    }

    private static Map<String, String> fingerprints(JsonNode listed) {
        Map<String, String> out = new LinkedHashMap<>();
        listed.get("windows").forEach(w -> out.put(w.get("hour").asText(), w.get("fingerprint").asText()));
        return out;
    }

    private int run(String... args) {
        CommandLine cli = KlineWorker.commandLine(Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
