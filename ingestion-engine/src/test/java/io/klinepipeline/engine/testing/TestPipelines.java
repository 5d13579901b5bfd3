package io.klinepipeline.engine.testing;

import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.exchange.ExchangeRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** pipeline.yaml for tests: Binance pointed at a local server, storage in a temporary folder. */
public final class TestPipelines {

    private TestPipelines() {}

    /**
     * @param engine extra keys of the engine section, e.g. {@code "idle_timeout_seconds: 1"}
     * @param s3 the storage.s3 mapping, e.g. {@code "{enabled: false}"}
     */
    public static PipelineConfig binance(URI wsBase, Path baseDir, String symbols, String engine, String s3) {
        return PipelineConfig.parse(binanceYaml(wsBase, URI.create("http://127.0.0.1:9"), symbols, engine, s3), baseDir,
                ExchangeRegistry.standard());
    }

    /** The text of {@link #binance}'s pipeline.yaml with a REST base too, for an engine run as a process of its own. */
    public static String binanceYaml(URI wsBase, URI restBase, String symbols, String engine, String s3) {
        return """
                exchanges:
                  binance:
                    ws_url: %s
                    rest_url: %s
                    pairs: [%s]
                    canonical: {%s}
                storage:
                  local_dir: bronze
                  dead_letter_dir: dead-letter
                  s3: %s
                partitions: {start: "2026-11-01T00:00:00Z"}
                engine: {reconnect_initial_delay_ms: 20, reconnect_max_delay_ms: 200, connect_spacing_ms: 1%s}
                """.formatted(wsBase, restBase, symbols, canonical(symbols), s3, engine.isEmpty() ? "" : ", " + engine);
    }

    /** Test symbols all end in USDT: {@code BTCUSDT: BTC-USDT}. */
    private static String canonical(String symbols) {
        return Arrays.stream(symbols.split(","))
                .map(String::trim)
                .map(s -> s + ": " + s.substring(0, s.length() - 4) + "-USDT")
                .collect(Collectors.joining(", "));
    }

    public static PipelineConfig binance(URI wsBase, Path baseDir, String engine) {
        return binance(wsBase, baseDir, "BTCUSDT", engine, "{enabled: false}");
    }
}
