package io.klinepipeline.exchange.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.jsonl.RawEvent;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinanceKlineParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BinanceExchange binance = new BinanceExchange();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static RawEvent event(JsonNode payload) {
        return RawEvent.unattributed("binance", "?", "kline_1m", Instant.EPOCH, payload);
    }

    private static String kline(String symbol, String interval, long open, boolean closed, String volume, String quote) {
        return "{\"e\":\"kline\",\"E\":" + (open + 2000) + ",\"s\":\"" + symbol + "\",\"k\":{\"t\":" + open + ",\"T\":" + (open + 59999)
                + ",\"s\":\"" + symbol + "\",\"i\":\"" + interval + "\",\"f\":1,\"L\":9,\"o\":\"100.5\",\"c\":\"101.25\",\"h\":\"102\","
                + "\"l\":\"99.75\",\"v\":\"" + volume + "\",\"n\":9,\"x\":" + closed + ",\"q\":\"" + quote + "\",\"V\":\"0\",\"Q\":\"0\",\"B\":\"0\"}}";
    }

    @Test
    void parsesTheDocumentedKlineEvent() throws Exception {
        long open = Instant.parse("2026-11-24T10:15:00Z").toEpochMilli();
        List<Candle> candles = binance.newPayloadParser("BTCUSDT")
                .parse(event(json(kline("BTCUSDT", "1m", open, true, "2", "201"))));

        assertThat(candles).containsExactly(new Candle("binance", "BTCUSDT", 60, Instant.ofEpochMilli(open),
                100.5, 102, 99.75, 101.25, 2, 201.0, 100.5, 9, true));
    }

    @Test
    void unwrapsCombinedStreamMessagesAndIgnoresNotices() throws Exception {
        PayloadParser parser = binance.newPayloadParser("ETHUSDT");
        String wrapped = "{\"stream\":\"ethusdt@kline_1m\",\"data\":" + kline("ETHUSDT", "1m", 60_000, false, "0", "0") + "}";
        Candle candle = parser.parse(event(json(wrapped))).get(0);
        assertThat(candle.isFinal()).isFalse();
        assertThat(candle.vwap()).as("no volume, no average price").isNull();
        assertThat(parser.parse(event(json("{\"e\":\"serverShutdown\",\"E\":1}")))).isEmpty();
        assertThat(parser.parse(event(json("{\"result\":null,\"id\":1}")))).isEmpty();
    }

    @Test
    void rejectsTheMonthIntervalAndOtherShapes() throws Exception {
        PayloadParser parser = binance.newPayloadParser("BTCUSDT");
        assertThatThrownBy(() -> parser.parse(event(json(kline("BTCUSDT", "1M", 0, true, "1", "1")))))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("'1M' is not 1m");
        assertThatThrownBy(() -> parser.parse(event(json(kline("ETHUSDT", "1m", 0, true, "1", "1")))))
                .hasMessageContaining("kline for ETHUSDT on the BTCUSDT stream");
        assertThatThrownBy(() -> parser.parse(event(json(kline("BTCUSDT", "1m", 0, true, "abc", "1")))))
                .hasMessageContaining("'v' is not a number");
        assertThatThrownBy(() -> parser.parse(event(json(kline("BTCUSDT", "1m", 1234, true, "1", "1")))))
                .hasMessageContaining("not on a whole minute");
        assertThatThrownBy(() -> parser.parse(event(json("{\"e\":\"kline\"}")))).hasMessageContaining("without 'k'");
        assertThatThrownBy(() -> parser.parse(event(json("[1,2]")))).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> parser.parse(event(json("{\"x\":1}")))).hasMessageContaining("missing event type");
    }

    @Test
    void parsesRealCombinedStreamCapture() throws Exception {
        Path file = realData("binance/ws_kline_1m_BTCUSDT_ETHUSDT_DOTUSDT_2021-04-04.jsonl");
        PayloadParser parser = binance.newPayloadParser("BTCUSDT");
        List<Candle> finals = new ArrayList<>();
        int btcFrames = 0;
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            for (String line; (line = reader.readLine()) != null; ) {
                JsonNode record = JSON.readTree(line);
                if (!"recv".equals(record.get("t").asText())) {
                    continue;
                }
                JsonNode frame = JSON.readTree(record.get("data").asText());
                if (!frame.path("stream").asText().startsWith("btcusdt@")) {
                    continue;
                }
                btcFrames++;
                parser.parse(event(frame)).stream().filter(Candle::isFinal).forEach(finals::add);
            }
        }
        assertThat(btcFrames).isEqualTo(44);
        assertThat(finals).hasSize(1);
        Candle close = finals.get(0);
        assertThat(close.intervalStart()).isEqualTo(Instant.parse("2021-04-04T20:03:00Z"));
        assertThat(close.tradeCount()).isEqualTo(1020);
        assertThat(close.volume()).isEqualTo(23.067122);
        assertThat(close.vwap()).isEqualTo(close.quoteVolume() / close.volume());
    }

    @Test
    void parsesNoTradeMinutesFromRealCapture() throws Exception {
        Path file = realData("binance/binance_tr_ws_kline_1m_empty_candles_2023-04-10.jsonl");
        int empty = 0;
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            for (String line; (line = reader.readLine()) != null; ) {
                JsonNode record = JSON.readTree(line);
                if (!"recv".equals(record.get("t").asText())) {
                    continue;
                }
                JsonNode frame = JSON.readTree(record.get("data").asText());
                JsonNode event = frame.has("data") ? frame.get("data") : frame;
                if (!"kline".equals(event.path("e").asText())) {
                    continue;
                }
                Candle candle = binance.newPayloadParser(event.get("s").asText()).parse(event(frame)).get(0);
                if (candle.tradeCount() == 0) {
                    empty++;
                    assertThat(candle.volume()).isZero();
                    assertThat(candle.vwap()).isNull();
                    assertThat(candle.open()).isEqualTo(candle.close());
                }
            }
        }
        assertThat(empty).isPositive();
    }

    @Test
    void parsesRealRestBodyOldestFirstAndKeepsTheOpenMinuteUnfinished() throws Exception {
        String body = Files.readString(realData("binance/rest_api_v3_klines_BTCUSDT_1m_2021-10-22.json"));
        Instant lastOpen = Instant.ofEpochMilli(1634944320000L);
        List<Candle> candles = binance.rest().parseKlines("BTCUSDT", body, lastOpen.plusSeconds(30));

        assertThat(candles).hasSize(10);
        assertThat(candles.get(0).intervalStart()).isEqualTo(Instant.ofEpochMilli(1634943780000L));
        assertThat(candles).extracting(Candle::intervalStart).isSorted();
        assertThat(candles.subList(0, 9)).allMatch(Candle::isFinal);
        assertThat(candles.get(9).isFinal()).as("the minute still open at 'now'").isFalse();
        JsonNode firstRow = JSON.readTree(body).get(0);
        assertThat(candles.get(0).open()).isEqualTo(Double.parseDouble(firstRow.get(1).asText()));
        assertThat(candles.get(0).quoteVolume()).isEqualTo(Double.parseDouble(firstRow.get(7).asText()));
        assertThat(candles.get(0).tradeCount()).isEqualTo(firstRow.get(8).asInt());
    }

    private static Path realData(String relative) {
        String root = System.getProperty("kline.realData");
        Path file = root == null ? null : Path.of(root, relative);
        assumeTrue(file != null && Files.isRegularFile(file),
                "real capture " + relative + " is absent (shared/real-data not beside the project); skipping");
        return file;
    }

    /** Found by reading the parser: a trade count beyond an int was cast into a small, wrong one. */
    @Test
    void refusesATradeCountBeyondAnIntInsteadOfWrappingIt() throws Exception {
        long open = Instant.parse("2026-11-24T10:15:00Z").toEpochMilli();
        String frame = kline("BTCUSDT", "1m", open, true, "2", "201").replace("\"n\":9", "\"n\":4294967305");
        assertThatThrownBy(() -> binance.newPayloadParser("BTCUSDT").parse(event(json(frame))))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("trade count 4294967305 is out of range");
    }
}
