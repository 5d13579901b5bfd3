package io.klinepipeline.jsonl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.binance.BinanceExchange;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RawEventCodecTest {
    private final RawEventCodec codec = new RawEventCodec();

    @Test
    void writesTheContractLineWithThePayloadVerbatim() throws Exception {
        String frame = "{\"e\":\"kline\",\"k\":{\"o\":\"0.00000638\",\"big\":12345678901234567890.10}}";
        String line = codec.encode("binance", "BTCUSDT", "kline_1m", Instant.parse("2026-11-24T10:15:03.123456789Z"), "run1.3", 17, frame);

        assertThat(line).isEqualTo("{\"v\":1,\"exchange\":\"binance\",\"symbol\":\"BTCUSDT\",\"channel\":\"kline_1m\","
                + "\"received_at\":\"2026-11-24T10:15:03.123456Z\",\"conn\":\"run1.3\",\"seq\":17,\"payload\":" + frame + "}");
        RawEvent decoded = codec.decode(line);
        assertThat(decoded.receivedAt()).isEqualTo(Instant.parse("2026-11-24T10:15:03.123456Z"));
        assertThat(decoded.payload().get("k").get("o").asText()).isEqualTo("0.00000638");
        assertThat(decoded.payload().get("k").get("big").decimalValue()).isEqualByComparingTo("12345678901234567890.10");
        assertThat(decoded.connection()).isEqualTo("run1.3");
        assertThat(decoded.sequence()).isEqualTo(17);
    }

    @Test
    void readsLinesWrittenBeforeTheConnectionFieldsAsUnattributed() throws Exception {
        RawEvent old = codec.decode("{\"v\":1,\"exchange\":\"binance\",\"symbol\":\"BTCUSDT\",\"channel\":\"kline_1m\","
                + "\"received_at\":\"2026-11-24T10:15:03.123456Z\",\"payload\":{\"e\":\"kline\"}}");
        assertThat(old.hasConnection()).isFalse();
        assertThat(old.sequence()).isZero();
        assertThat(old.payload().get("e").asText()).isEqualTo("kline");
    }

    @Test
    void refusesAConnectionWithoutItsSequence() {
        String base = "{\"v\":1,\"exchange\":\"binance\",\"symbol\":\"BTCUSDT\",\"channel\":\"kline_1m\","
                + "\"received_at\":\"2026-11-24T10:15:03.123456Z\",\"conn\":\"r.1\"";
        assertThatThrownBy(() -> codec.decode(base + ",\"payload\":{}}")).hasMessageContaining("'seq'");
        assertThatThrownBy(() -> codec.decode(base + ",\"seq\":0,\"payload\":{}}")).hasMessageContaining("'seq'");
        assertThatThrownBy(() -> codec.encode("binance", "BTCUSDT", "kline_1m", Instant.EPOCH, null, 1, "{}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keepsOneEventPerLineWhenTheFrameIsPrettyPrinted() throws Exception {
        String line = codec.encode("binance", "BTCUSDT", "kline_1m", Instant.EPOCH, "run1.1", 1, "{\n  \"a\": \"x\\ny\"\r\n}\n");
        assertThat(line).doesNotContain("\n").doesNotContain("\r");
        assertThat(codec.decode(line).payload().get("a").asText()).isEqualTo("x\ny");
        assertThat(line).contains("\"received_at\":\"1970-01-01T00:00:00.000000Z\"");
    }

    @Test
    void refusesFramesThatAreNotJson() {
        assertThatThrownBy(() -> codec.encode("binance", "BTCUSDT", "kline_1m", Instant.EPOCH, "run1.1", 1, "pong"))
                .isInstanceOf(MalformedPayloadException.class);
        assertThatThrownBy(() -> codec.encode("binance", "BTCUSDT", "kline_1m", Instant.EPOCH, "run1.1", 1, "{} {}"))
                .isInstanceOf(MalformedPayloadException.class);
        assertThatThrownBy(() -> codec.encode("binance", "BTCUSDT", "kline_1m", Instant.EPOCH, "run1.1", 1, ""))
                .isInstanceOf(MalformedPayloadException.class);
    }

    @Test
    void explainsWhatIsWrongWithABadLine() {
        assertThatThrownBy(() -> codec.decode("not json")).hasMessageContaining("line is not JSON");
        assertThatThrownBy(() -> codec.decode("{\"v\":2,\"payload\":{}}")).hasMessageContaining("unsupported envelope version");
        assertThatThrownBy(() -> codec.decode("{\"v\":1,\"exchange\":\"binance\",\"symbol\":\"X\",\"channel\":\"c\",\"received_at\":\"yesterday\",\"payload\":{}}"))
                .hasMessageContaining("received_at 'yesterday'");
        assertThatThrownBy(() -> codec.decode("{\"v\":1,\"exchange\":\"binance\",\"channel\":\"c\",\"received_at\":\"2026-01-01T00:00:00Z\",\"payload\":{}}"))
                .hasMessageContaining("'symbol' missing");
    }

    @Test
    void laysOutHivePartitionsByReceivedHour() {
        BinanceExchange binance = new BinanceExchange();
        assertThat(BronzeLayout.hourPrefix(binance, "BTCUSDT", Instant.parse("2026-11-24T09:59:59.999Z")))
                .isEqualTo("exchange=binance/symbol=BTCUSDT/date=2026-11-24/hour=09/");
        String name = BronzeLayout.newFileName(Instant.parse("2026-11-24T09:05:03.120Z"), "engine1");
        assertThat(name).startsWith("20261124T090503120Z-engine1-").endsWith(".jsonl");
        assertThat(BronzeLayout.isDataFileName(name)).isTrue();
        assertThat(BronzeLayout.isDataFileName(name + ".tmp")).isFalse();
        assertThat(BronzeLayout.isDataFileName("../x.jsonl")).isFalse();
        assertThatThrownBy(() -> BronzeLayout.hourPrefix(binance, "../../etc", Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Found by RawEventCodecFuzzTest: Jackson's BigDecimal reading threw an unchecked NumberFormatException. */
    @Test
    void refusesANumberBeyondBigDecimalAsMalformedNotWithAnUncheckedException() {
        assertThatThrownBy(() -> codec.encode("binance", "BTCUSDT", "kline_1m", Instant.EPOCH, "c.1", 1, "{\"result\":9e4223372036854775807}"))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("number out of range");
        assertThatThrownBy(() -> codec.decode("{\"v\":1,\"exchange\":\"binance\",\"symbol\":\"BTCUSDT\",\"channel\":\"kline_1m\","
                + "\"received_at\":\"2026-11-24T10:15:03.123456Z\",\"payload\":{\"x\":-922337203e6854775808}}"))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("number out of range");
    }

    /** Found by ExchangeParsersFuzzTest: a frame at Jackson's nesting limit was written as a line one level too deep to read. */
    @Test
    void aFrameAtTheNestingLimitIsWrittenAsALineThatReadsBack() throws Exception {
        String deepest = "[".repeat(1000) + "]".repeat(1000);
        String line = codec.encode("binance", "BTCUSDT", "kline_1m", Instant.EPOCH, "c.1", 1, deepest);
        assertThat(codec.decode(line).payload().isArray()).isTrue();
        assertThatThrownBy(() -> codec.encode("binance", "BTCUSDT", "kline_1m", Instant.EPOCH, "c.1", 1, "[" + deepest + "]"))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("nesting depth");
    }

    @Test
    void receivedAtIsWrittenAsFormatReceivedAtWritesItAcrossSecondsAndBack() throws Exception {
        RawEventCodec codec = new RawEventCodec();
        Instant t = Instant.parse("2026-12-31T23:59:59.999999Z");
        for (Instant at : List.of(t, t.plusNanos(1_000), t.minusNanos(999_000), t.plusSeconds(1), t, Instant.EPOCH.plusNanos(7_000),
                t.plusSeconds(86_400 * 400L).plusNanos(-123_000))) {
            String line = codec.encode("binance", "BTCUSDT", "kline_1m", at, "c.1", 1, "{}");
            assertThat(line).contains("\"received_at\":\"" + RawEventCodec.formatReceivedAt(at) + "\"");
            assertThat(codec.decode(line).receivedAt()).isEqualTo(at);
        }
    }

    @Test
    void eachLineNamesItsOwnStreamAndConnectionWhenOneCodecWritesSeveral() throws Exception {
        RawEventCodec codec = new RawEventCodec();
        String[][] sources = {{"binance", "BTCUSDT", "a.1"}, {"binance", "BTCUSDT", "a.2"}, {"binance", "ETHUSDT", "a.2"},
                {"okx", "ETH-USDT", "a.2"}, {"binance", "BTCUSDT", "a.1"}};
        long seq = 1;
        for (String[] source : sources) {
            RawEvent event = codec.decode(codec.encode(source[0], source[1], "kline_1m", Instant.EPOCH, source[2], seq, "{}"));
            assertThat(List.of(event.exchange(), event.symbol(), event.connection(), event.sequence()))
                    .isEqualTo(List.of(source[0], source[1], source[2], seq++));
        }
    }
}
