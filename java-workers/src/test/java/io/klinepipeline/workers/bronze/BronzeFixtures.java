package io.klinepipeline.workers.bronze;

import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.jsonl.BronzeLayout;
import io.klinepipeline.jsonl.RawEventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Builds what the engine would have written: envelopes, JSONL files in the bronze layout, a config. */
final class BronzeFixtures {
    static final ExchangeRegistry EXCHANGES = ExchangeRegistry.standard();
    static final Exchange BINANCE = EXCHANGES.get("binance");
    private static final RawEventCodec CODEC = new RawEventCodec();

    private BronzeFixtures() {}

    /**
     * One JSONL file as the engine writes it: named after its opening time, lines in received order.
     *
     * @param name relative to the source root, in the bronze layout
     * @param lastLineComplete false for a file still being written, whose last line has no '\n' yet
     */
    record JsonlFile(String name, List<String> lines, boolean lastLineComplete) {
        static JsonlFile of(Instant openedAt, String... lines) {
            return new JsonlFile(nameFor("BTCUSDT", openedAt), List.of(lines), true);
        }

        static JsonlFile unterminated(Instant openedAt, String... lines) {
            return new JsonlFile(nameFor("BTCUSDT", openedAt), List.of(lines), false);
        }

        static String nameFor(String symbol, Instant openedAt) {
            return BronzeLayout.hourPrefix(BINANCE, symbol, openedAt) + BronzeLayout.newFileName(openedAt, "test");
        }

        String content() {
            String joined = String.join("\n", lines);
            return lastLineComplete && !lines.isEmpty() ? joined + "\n" : joined;
        }
    }

    /** The envelope line the engine writes for a frame received on the BTCUSDT stream. */
    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();

    static String event(Instant receivedAt, BinanceKlineFrame frame) {
        return event("BTCUSDT", receivedAt, frame.text());
    }

    static String event(String symbol, Instant receivedAt, String frameText) {
        try {
            // One connection per fixture, numbered in call order: the loader must not care either way.
            return CODEC.encode("binance", symbol, "kline_1m", receivedAt, "fixture.1", SEQUENCE.incrementAndGet(), frameText);
        } catch (MalformedPayloadException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Writes files below a local root in the bronze layout. */
    static void writeLocal(Path root, List<JsonlFile> files) throws IOException {
        for (JsonlFile file : files) {
            Path path = root.resolve(file.name());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.content(), StandardCharsets.UTF_8);
        }
    }

    /** pipeline.yaml with binance BTCUSDT and ETHUSDT, storage below dir. */
    static PipelineConfig config(Path dir) {
        return PipelineConfig.parse("""
                exchanges:
                  binance:
                    ws_url: wss://stream.binance.com:9443
                    rest_url: https://api.binance.com
                    pairs: [BTCUSDT, ETHUSDT]
                    canonical: {BTCUSDT: BTC-USDT, ETHUSDT: ETH-USDT}
                storage:
                  local_dir: bronze
                  dead_letter_dir: dead-letter
                partitions: {start: "2026-11-01T00:00:00Z"}
                """, dir, EXCHANGES);
    }
}
