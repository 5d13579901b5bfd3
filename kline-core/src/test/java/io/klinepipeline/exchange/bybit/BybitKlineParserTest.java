package io.klinepipeline.exchange.bybit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.FrameKind;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.exchange.StreamProtocol;
import io.klinepipeline.jsonl.RawEvent;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BybitKlineParserTest {
    /** As the pipeline reads payloads: floats as BigDecimal. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final long MINUTE = Instant.parse("2026-11-24T10:15:00Z").toEpochMilli();

    private final BybitExchange bybit = new BybitExchange();
    private final StreamProtocol stream = bybit.stream();

    private static RawEvent event(String text) throws Exception {
        return RawEvent.unattributed("bybit", "?", "kline.1", Instant.EPOCH, JSON.readTree(text));
    }

    /** The documented v5 message, with the fields a test changes. */
    private static String kline(String topic, String interval, long start, long end, String confirm, String volume, String turnover) {
        return "{\"topic\":\"" + topic + "\",\"data\":[{\"start\":" + start + ",\"end\":" + end + ",\"interval\":\"" + interval
                + "\",\"open\":\"100.5\",\"close\":\"101.25\",\"high\":\"102\",\"low\":\"99.75\",\"volume\":\"" + volume
                + "\",\"turnover\":\"" + turnover + "\",\"confirm\":" + confirm + ",\"timestamp\":" + (start + 1234) + "}],"
                + "\"ts\":" + (start + 1234) + ",\"type\":\"snapshot\"}";
    }

    private static String kline(long start, String confirm) {
        return kline("kline.1.BTCUSDT", "1", start, start + 59_999, confirm, "2", "201");
    }

    @Test
    void parsesTheDocumentedKlineMessageAndTakesConfirmAsFinal() throws Exception {
        List<Candle> candles = bybit.newPayloadParser("BTCUSDT").parse(event(kline(MINUTE, "true")));

        assertThat(candles).containsExactly(new Candle("bybit", "BTCUSDT", 60, Instant.ofEpochMilli(MINUTE),
                100.5, 102, 99.75, 101.25, 2, 201.0, 100.5, null, true));
        assertThat(stream.classify(kline(MINUTE, "true")).kind()).isEqualTo(FrameKind.DATA);
    }

    @Test
    void anOpenCandleIsNotFinalAndAMinuteWithoutTradesHasNoVwap() throws Exception {
        PayloadParser parser = bybit.newPayloadParser("BTCUSDT");
        Candle open = parser.parse(event(kline("kline.1.BTCUSDT", "1", MINUTE, MINUTE + 59_999, "false", "0", "0"))).get(0);

        assertThat(open.isFinal()).isFalse();
        assertThat(open.volume()).isZero();
        assertThat(open.quoteVolume()).isZero();
        assertThat(open.vwap()).as("no volume, no average price").isNull();
        assertThat(open.tradeCount()).as("Bybit gives no trade count").isNull();
    }

    @Test
    void takesEveryEntryOfTheDataArray() throws Exception {
        String two = kline(MINUTE, "true").replace("}],", "},{\"start\":" + (MINUTE + 60_000) + ",\"end\":" + (MINUTE + 119_999)
                + ",\"interval\":\"1\",\"open\":\"101.25\",\"close\":\"101\",\"high\":\"101.5\",\"low\":\"100\",\"volume\":\"1.5\","
                + "\"turnover\":\"151.5\",\"confirm\":false,\"timestamp\":" + (MINUTE + 61_000) + "}],");
        List<Candle> candles = bybit.newPayloadParser("BTCUSDT").parse(event(two));

        assertThat(candles).extracting(Candle::intervalStart)
                .containsExactly(Instant.ofEpochMilli(MINUTE), Instant.ofEpochMilli(MINUTE + 60_000));
        assertThat(candles).extracting(Candle::isFinal).containsExactly(true, false);
        assertThat(candles.get(1).vwap()).isEqualTo(101.0);
    }

    @Test
    void answersToRequestsCarryNoCandlesAndAreNotDeadLetters() throws Exception {
        PayloadParser parser = bybit.newPayloadParser("BTCUSDT");
        List<String> frames = List.of(
                "{\"success\":true,\"ret_msg\":\"\",\"conn_id\":\"d5a6f2a1-5c4b-4e21-9f0b-2f7d3a4f3c10\",\"op\":\"subscribe\"}",
                "{\"success\":false,\"ret_msg\":\"Invalid symbol :[kline.1.NOPEUSDT]\",\"conn_id\":\"c1\",\"op\":\"subscribe\"}",
                "{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"0970e817-426e-429a-a679-ff7f55e0b16a\",\"op\":\"ping\"}",
                "{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"465772b1\",\"req_id\":\"\",\"op\":\"ping\"}",
                "{\"args\":[\"1672916271846\"],\"op\":\"pong\"}");
        for (String frame : frames) {
            assertThat(parser.parse(event(frame))).as(frame).isEmpty();
            assertThat(stream.classify(frame).kind()).as(frame).isNotEqualTo(FrameKind.DATA);
        }
    }

    @Test
    void rejectsOtherIntervalsAndOtherSymbols() throws Exception {
        PayloadParser parser = bybit.newPayloadParser("BTCUSDT");
        assertThatThrownBy(() -> parser.parse(event(kline("kline.5.BTCUSDT", "5", MINUTE, MINUTE + 299_999, "true", "1", "1"))))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("topic 'kline.5.BTCUSDT' on the kline.1.BTCUSDT stream");
        assertThatThrownBy(() -> parser.parse(event(kline("kline.1.BTCUSDT", "M", MINUTE, MINUTE + 59_999, "true", "1", "1"))))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("interval 'M' is not 1");
        assertThatThrownBy(() -> parser.parse(event(kline("kline.1.ETHUSDT", "1", MINUTE, MINUTE + 59_999, "true", "1", "1"))))
                .hasMessageContaining("topic 'kline.1.ETHUSDT' on the kline.1.BTCUSDT stream");
        assertThatThrownBy(() -> parser.parse(event(kline("kline.1.BTCUSDTX", "1", MINUTE, MINUTE + 59_999, "true", "1", "1"))))
                .as("a topic that merely starts with ours").hasMessageContaining("on the kline.1.BTCUSDT stream");
    }

    @Test
    void rejectsMissingFieldsAndTimesThatAreNotWholeMinutesInMilliseconds() throws Exception {
        PayloadParser parser = bybit.newPayloadParser("BTCUSDT");
        assertThatThrownBy(() -> parser.parse(event(kline(MINUTE + 1234, "true")))).hasMessageContaining("not on a whole minute");
        long seconds = MINUTE / 1000 / 60_000 * 60_000; // a multiple of 60000, yet seconds
        assertThatThrownBy(() -> parser.parse(event(kline("kline.1.BTCUSDT", "1", seconds, seconds + 60, "true", "1", "1"))))
                .hasMessageContaining("not in milliseconds");
        assertThatThrownBy(() -> parser.parse(event(kline("kline.1.BTCUSDT", "1", MINUTE, MINUTE + 119_999, "true", "1", "1"))))
                .hasMessageContaining("does not close the minute");
        assertThatThrownBy(() -> parser.parse(event(kline(MINUTE, "\"true\"")))).hasMessageContaining("non-boolean closed flag 'confirm'");
        assertThatThrownBy(() -> parser.parse(event(kline(MINUTE, "true").replace(",\"confirm\":true", ""))))
                .hasMessageContaining("'confirm'");
        assertThatThrownBy(() -> parser.parse(event(kline(MINUTE, "true").replace("\"turnover\":\"201\",", ""))))
                .hasMessageContaining("'turnover'");
        assertThatThrownBy(() -> parser.parse(event(kline(MINUTE, "true").replace("\"start\":" + MINUTE, "\"start\":\"" + MINUTE + "\""))))
                .hasMessageContaining("non-integer field 'start'");
        assertThatThrownBy(() -> parser.parse(event(kline(MINUTE, "true").replace(",\"type\":\"snapshot\"", ",\"type\":\"delta\""))))
                .hasMessageContaining("type 'delta'");
        assertThatThrownBy(() -> parser.parse(event("{\"topic\":\"kline.1.BTCUSDT\",\"type\":\"snapshot\",\"data\":[]}")))
                .hasMessageContaining("non-empty 'data'");
        assertThatThrownBy(() -> parser.parse(event("{\"topic\":\"kline.1.BTCUSDT\",\"type\":\"snapshot\",\"data\":{}}")))
                .hasMessageContaining("non-empty 'data'");
        assertThatThrownBy(() -> parser.parse(event("[1,2]"))).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> parser.parse(event("{\"x\":1}"))).hasMessageContaining("neither a topic message");
    }

    @Test
    void rejectsNumbersThatAreNotDecimalStringsAndImpossibleCandles() throws Exception {
        PayloadParser parser = bybit.newPayloadParser("BTCUSDT");
        assertThatThrownBy(() -> parser.parse(event(kline(MINUTE, "true").replace("\"open\":\"100.5\"", "\"open\":100.5"))))
                .hasMessageContaining("non-string decimal 'open'");
        assertThatThrownBy(() -> parser.parse(event(kline("kline.1.BTCUSDT", "1", MINUTE, MINUTE + 59_999, "true", "NaN", "1"))))
                .hasMessageContaining("'volume' is not a number");
        assertThatThrownBy(() -> parser.parse(event(kline("kline.1.BTCUSDT", "1", MINUTE, MINUTE + 59_999, "true", "1.5d", "1"))))
                .hasMessageContaining("'volume' is not a number");
        assertThatThrownBy(() -> parser.parse(event(kline("kline.1.BTCUSDT", "1", MINUTE, MINUTE + 59_999, "true", "-1", "1"))))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> parser.parse(event(kline(MINUTE, "true").replace("\"high\":\"102\"", "\"high\":\"99\""))))
                .hasMessageContaining("below low");
        Candle tiny = parser.parse(event(kline("kline.1.BTCUSDT", "1", MINUTE, MINUTE + 59_999, "true", "1E-8", "0.00000001"))).get(0);
        assertThat(tiny.volume()).as("scientific notation is a decimal too").isEqualTo(1e-8);
    }

    @Test
    void rejectsTheRealPreV5FramesAsMalformed() throws Exception {
        Path file = realData("bybit/legacy_single_messages_crypto-msg-parser_2022-2023.jsonl");
        int frames = 0;
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            for (String line; (line = reader.readLine()) != null; ) {
                JsonNode record = JSON.readTree(line);
                if (!"recv".equals(record.get("t").asText())) {
                    continue;
                }
                frames++;
                String text = record.get("data").asText();
                assertThat(stream.classify(text).kind()).as("left to the parser to dead-letter").isEqualTo(FrameKind.DATA);
                String topic = JSON.readTree(text).get("topic").asText();
                String symbol = topic.substring(topic.lastIndexOf('.') + 1);
                assertThatThrownBy(() -> bybit.newPayloadParser(symbol).parse(event(text)))
                        .as(topic).isInstanceOf(MalformedPayloadException.class).hasMessageContaining("pre-v5 topic");
            }
        }
        assertThat(frames).isEqualTo(3);
    }

    @Test
    void rejectsTheRealPreV5LinearFrameEvenUnderTheV5Topic() throws Exception {
        // candle.1.BTCUSDT with the topic rewritten: its 'period' and its seconds still give it away.
        Path file = realData("bybit/legacy_single_messages_crypto-msg-parser_2022-2023.jsonl");
        String linear = Files.readAllLines(file).stream().map(BybitKlineParserTest::frameText)
                .filter(text -> text.contains("\"candle.1.BTCUSDT\"")).findFirst().orElseThrow();
        String retitled = linear.replace("\"candle.1.BTCUSDT\"", "\"kline.1.BTCUSDT\",\"type\":\"snapshot\"");
        assertThatThrownBy(() -> bybit.newPayloadParser("BTCUSDT").parse(event(retitled)))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("'interval'");
        String withInterval = retitled.replace("\"period\"", "\"interval\"");
        assertThatThrownBy(() -> bybit.newPayloadParser("BTCUSDT").parse(event(withInterval)))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("not in milliseconds");
    }

    private static String frameText(String line) {
        try {
            return JSON.readTree(line).get("data").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Path realData(String relative) {
        String root = System.getProperty("kline.realData");
        Path file = root == null ? null : Path.of(root, relative);
        assumeTrue(file != null && Files.isRegularFile(file),
                "real capture " + relative + " is absent (shared/real-data not beside the project); skipping");
        return file;
    }
}
