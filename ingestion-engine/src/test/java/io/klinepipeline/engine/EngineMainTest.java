package io.klinepipeline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.engine.testing.BronzeFiles;
import io.klinepipeline.engine.testing.FakeBinanceServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import io.klinepipeline.jsonl.RawEvent;
import io.klinepipeline.jsonl.RawEventCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class EngineMainTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    private int run(String... args) {
        CommandLine cli = EngineMain.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(out, true));
        return cli.execute(args);
    }

    @Test
    void aMissingConfigFileExitsWith2AndOneClearLine() {
        int code = run("--config", dir.resolve("nope.yaml").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).doesNotContain("\n").startsWith("kline-engine: pipeline config ").contains("does not exist");
    }

    @Test
    void anInvalidConfigExitsWith2NamingTheKey() throws Exception {
        Path config = Files.writeString(dir.resolve("pipeline.yaml"), """
                exchanges:
                  binance: {ws_url: "wss://stream.binance.com:9443", rest_url: "https://api.binance.com", pairs: [BTCUSDT],
                            canonical: {BTCUSDT: BTC-USDT}}
                partitions: {start: "2026-11-01T00:00:00Z"}
                engine: {idle_timeout_secs: 5}
                """);
        assertThat(run("--config", config.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).doesNotContain("\n").contains("engine.idle_timeout_secs: unknown key");
    }

    @Test
    void helpDescribesTheOptions() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("--config", "--exit-after", "pipeline.yaml", "SIGTERM");
        assertThat(out.toString()).as("the simulated clock is for tests and demos: hidden").doesNotContain("--simulated-clock");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2026-11-24T10:00:00Z,NOW,0        | the speed must be a finite number > 0",
        "2026-11-24T10:00:00Z,NOW,-120     | the speed must be a finite number > 0",
        "2026-11-24T10:00:00Z,NOW,0.5      | the speed must be at least 1 (on a slower clock",
        "2026-11-24T10:00:00Z,NOW,0.5      | than engine.flush_interval_ms of wall time promises), not 0.5",
        "2026-11-24T10:00:00Z,NOW,NaN      | the speed must be a finite number > 0",
        "2026-11-24T10:00:00Z,NOW,fast     | the speed must be a number such as 120, not 'fast'",
        "2026-11-24 10:00,NOW,120          | the simulated origin must be an ISO-8601 UTC instant",
        "2026-11-24T10:00:00Z,yesterday,120 | the wall anchor must be an ISO-8601 UTC instant",
        "2026-11-24T10:00:00Z,2020-01-01T00:00:00Z,120 | the wall anchor 2020-01-01T00:00:00Z is more than 7 days from now",
        "2026-11-24T10:00:00Z,120          | expected SIM_ORIGIN,WALL_ANCHOR,SPEED",
    })
    void aBadSimulatedClockIsAUsageErrorSayingWhichPartIsWrong(String value, String message) {
        int code = run("--config", dir.resolve("pipeline.yaml").toString(), "--simulated-clock",
                value.replace("NOW", Instant.now().toString()));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--simulated-clock", message);
    }

    @Test
    void onASimulatedClockReceivedAtIsSimulatedTime() throws Exception {
        Instant origin = Instant.parse("2026-11-24T10:00:00Z");
        double speed = 600;
        Instant started = Instant.now();
        try (FakeBinanceServer server = new FakeBinanceServer()) {
            Path config = Files.writeString(dir.resolve("pipeline.yaml"), """
                    exchanges:
                      binance: {ws_url: "%s", rest_url: "https://api.binance.com", pairs: [BTCUSDT],
                                canonical: {BTCUSDT: BTC-USDT}}
                    storage: {local_dir: data/bronze, dead_letter_dir: data/dead-letter}
                    partitions: {start: "2026-11-01T00:00:00Z"}
                    """.formatted(server.wsBase()));
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run("--config", config.toString(), "--exit-after", "3",
                    "--simulated-clock", origin + "," + started + "," + speed));
            server.awaitConnection(Duration.ofSeconds(10)).send("{\"e\":\"kline\"}");
            assertThat(exit.get()).isZero();
        }
        Duration wall = Duration.between(started, Instant.now());
        BronzeFiles.Line line = BronzeFiles.lines(dir.resolve("data/bronze")).get(0);
        RawEvent event = new RawEventCodec().decode(line.text());
        assertThat(event.receivedAt()).isBetween(origin, origin.plusMillis((long) (wall.toMillis() * speed)));
        assertThat(line.file().toString()).as("the file's hour folder is the simulated hour").contains("2026-11-24");
    }

    @Test
    void runsForExitAfterSecondsAndStopsCleanly() throws Exception {
        try (FakeBinanceServer server = new FakeBinanceServer()) {
            Path config = Files.writeString(dir.resolve("pipeline.yaml"), """
                    exchanges:
                      binance: {ws_url: "%s", rest_url: "https://api.binance.com", pairs: [BTCUSDT],
                                canonical: {BTCUSDT: BTC-USDT}}
                    storage: {local_dir: data/bronze, dead_letter_dir: data/dead-letter}
                    partitions: {start: "2026-11-01T00:00:00Z"}
                    """.formatted(server.wsBase()));
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run("--config", config.toString(), "--exit-after", "3"));
            server.awaitConnection(Duration.ofSeconds(10)).send("{\"e\":\"kline\"}");
            assertThat(exit.get()).isZero();
        }
        assertThat(BronzeFiles.lines(dir.resolve("data/bronze"))).extracting(BronzeFiles.Line::payload).containsExactly("{\"e\":\"kline\"}");
        assertThat(dir.resolve("data/bronze/.engine.lock")).exists();
    }
}
