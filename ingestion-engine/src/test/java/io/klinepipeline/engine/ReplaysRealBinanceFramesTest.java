package io.klinepipeline.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.engine.testing.BronzeFiles;
import io.klinepipeline.engine.testing.FakeBinanceServer;
import io.klinepipeline.engine.testing.TestPipelines;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.jsonl.RawEvent;
import io.klinepipeline.jsonl.RawEventCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays real Binance kline frames (shared/real-data, never copied into the project) through the
 * local server: the engine must store each one verbatim, and the exchange's parser must read the
 * stored payloads back into candles.
 */
class ReplaysRealBinanceFramesTest {
    private static final String CAPTURE = "binance/ws_kline_1m_BTCUSDT_ETHUSDT_DOTUSDT_2021-04-04.jsonl";
    private static final ExchangeRegistry REGISTRY = ExchangeRegistry.standard();

    @TempDir
    Path dir;

    @Test
    void storesRealFramesVerbatimAndTheyParseBackIntoCandles() throws Exception {
        String realData = System.getProperty("kline.realData");
        assumeTrue(realData != null, "system property kline.realData is not set: skipping the real-data replay");
        Path capture = Path.of(realData).resolve(CAPTURE);
        assumeTrue(Files.isReadable(capture), "real Binance capture " + capture + " is absent: skipping the replay");
        Map<String, List<String>> rawFrames = rawStreamFrames(capture);
        assertThat(rawFrames.get("BTCUSDT")).hasSize(44);
        assertThat(rawFrames.get("ETHUSDT")).hasSize(40);

        try (FakeBinanceServer server = new FakeBinanceServer()) {
            Engine engine = new Engine(TestPipelines.binance(server.wsBase(), dir, "BTCUSDT, ETHUSDT", "", "{enabled: false}"),
                    REGISTRY, Clock.systemUTC(), () -> {
                        throw new AssertionError("S3 is off");
                    }, EngineOptions.defaults());
            engine.start();
            Map<String, FakeBinanceServer.Connection> bySymbol = new HashMap<>();
            for (int i = 0; i < 2; i++) {
                FakeBinanceServer.Connection connection = server.awaitConnection(Duration.ofSeconds(10));
                String symbol = connection.path().replace("/ws/", "").replace("@kline_1m", "").toUpperCase(Locale.ROOT);
                bySymbol.put(symbol, connection);
            }
            assertThat(bySymbol).containsOnlyKeys("BTCUSDT", "ETHUSDT");
            for (var entry : bySymbol.entrySet()) {
                for (String frame : rawFrames.get(entry.getKey())) {
                    entry.getValue().send(frame);
                }
            }
            EngineCaptureTest.awaitTrue(() -> engine.streamCounters().stream().mapToLong(c -> c.lines()).sum() == 84);
            engine.close();
        }

        RawEventCodec codec = new RawEventCodec();
        for (String symbol : List.of("BTCUSDT", "ETHUSDT")) {
            List<BronzeFiles.Line> lines = BronzeFiles.lines(dir.resolve("bronze/exchange=binance/symbol=" + symbol));
            assertThat(lines).extracting(BronzeFiles.Line::payload).containsExactlyElementsOf(rawFrames.get(symbol));
            PayloadParser parser = REGISTRY.get("binance").newPayloadParser(symbol);
            List<Candle> candles = new ArrayList<>();
            for (BronzeFiles.Line line : lines) {
                RawEvent event = codec.decode(line.text());
                candles.addAll(parser.parse(event));
            }
            assertThat(candles).hasSize(rawFrames.get(symbol).size());
            assertThat(candles).filteredOn(Candle::isFinal).hasSize(1);
        }
    }

    /**
     * The capture comes from a combined stream; a raw {@code /ws/<symbol>@kline_1m} stream sends
     * the inner object alone. It is cut out of the recorded text, so its bytes stay as Binance sent them.
     */
    private static Map<String, List<String>> rawStreamFrames(Path capture) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, List<String>> out = new HashMap<>();
        for (String record : Files.readAllLines(capture)) {
            JsonNode envelope = json.readTree(record);
            if (!"recv".equals(envelope.path("t").asText())) {
                continue;
            }
            String frame = envelope.get("data").asText();
            String stream = json.readTree(frame).path("stream").asText();
            String prefix = "{\"stream\":\"" + stream + "\",\"data\":";
            if (!stream.endsWith("@kline_1m") || !frame.startsWith(prefix) || !frame.endsWith("}")) {
                continue;
            }
            String inner = frame.substring(prefix.length(), frame.length() - 1);
            assertThat(json.readTree(inner)).isEqualTo(json.readTree(frame).get("data"));
            String symbol = stream.substring(0, stream.indexOf('@')).toUpperCase(Locale.ROOT);
            out.computeIfAbsent(symbol, s -> new ArrayList<>()).add(inner);
        }
        return out;
    }
}
