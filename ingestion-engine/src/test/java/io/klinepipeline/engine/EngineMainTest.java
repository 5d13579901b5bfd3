package io.klinepipeline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.engine.testing.BronzeFiles;
import io.klinepipeline.engine.testing.FakeBinanceServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
