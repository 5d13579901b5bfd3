package io.klinepipeline.exchange.okx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.FrameKind;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.exchange.StreamProtocol;
import io.klinepipeline.jsonl.RawEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OkxCandleParserTest {
    private static final long MINUTE = Instant.parse("2026-11-24T10:15:00Z").toEpochMilli();
    private static final String OKCOIN = "okcoin_v5_ws_candle1m_confirm_0_to_1_2023-05-27.jsonl";

    private final OkxExchange okx = new OkxExchange();
    private final StreamProtocol stream = okx.stream();

    private static RawEvent event(String text) throws Exception {
        return RawEvent.unattributed("okx", "?", "candle1m", Instant.EPOCH, RealCaptures.JSON.readTree(text));
    }

    private static String row(long ts, String vol, String volCcyQuote, String confirm) {
        return "[\"" + ts + "\",\"100.5\",\"102\",\"99.75\",\"101.25\",\"" + vol + "\",\"" + volCcyQuote + "\",\""
                + volCcyQuote + "\",\"" + confirm + "\"]";
    }

    /** The documented push frame. */
    private static String pushOn(String channel, String instId, String... rows) {
        return "{\"arg\":{\"channel\":\"" + channel + "\",\"instId\":\"" + instId + "\"},\"data\":[" + String.join(",", rows) + "]}";
    }

    private static String push(String... rows) {
        return pushOn("candle1m", "BTC-USDT", rows);
    }

    @Test
    void parsesTheDocumentedPushFrameWithConfirmAsFinal() throws Exception {
        List<Candle> candles = okx.newPayloadParser("BTC-USDT").parse(event(push(row(MINUTE, "2", "201", "1"))));

        assertThat(candles).containsExactly(new Candle("okx", "BTC-USDT", 60, Instant.ofEpochMilli(MINUTE),
                100.5, 102, 99.75, 101.25, 2, 201.0, 100.5, null, true));
        assertThat(stream.classify(push(row(MINUTE, "2", "201", "1"))).kind()).isEqualTo(FrameKind.DATA);
    }

    @Test
    void takesVolAsBaseAndVolCcyQuoteAsQuoteVolume() throws Exception {
        // Spot: vol in BTC, volCcy and volCcyQuote in USDT. Different values here show which field is read.
        String frame = push("[\"" + MINUTE + "\",\"100\",\"100\",\"100\",\"100\",\"3\",\"299\",\"300\",\"0\"]");
        Candle c = okx.newPayloadParser("BTC-USDT").parse(event(frame)).get(0);

        assertThat(c.volume()).isEqualTo(3.0);
        assertThat(c.quoteVolume()).isEqualTo(300.0);
        assertThat(c.vwap()).isEqualTo(100.0);
        assertThat(c.isFinal()).as("confirm \"0\": still forming").isFalse();
        assertThat(c.tradeCount()).as("OKX gives no trade count").isNull();
    }

    @Test
    void aMinuteWithoutTradesHasNoVwapAndEveryRowIsTaken() throws Exception {
        List<Candle> candles = okx.newPayloadParser("BTC-USDT")
                .parse(event(push(row(MINUTE, "0", "0", "1"), row(MINUTE + 60_000, "1.5", "151.5", "0"))));

        assertThat(candles).extracting(Candle::intervalStart)
                .containsExactly(Instant.ofEpochMilli(MINUTE), Instant.ofEpochMilli(MINUTE + 60_000));
        assertThat(candles).extracting(Candle::isFinal).containsExactly(true, false);
        assertThat(candles.get(0).vwap()).as("no volume, no average price").isNull();
        assertThat(candles.get(1).vwap()).isEqualTo(101.0);
    }

    @Test
    void eventFramesCarryNoCandlesAndAreNotDeadLetters() throws Exception {
        PayloadParser parser = okx.newPayloadParser("BTC-USDT");
        List<String> frames = List.of(
                "{\"event\":\"subscribe\",\"arg\":{\"channel\":\"candle1m\",\"instId\":\"BTC-USDT\"},\"connId\":\"a4d3ae55\"}",
                "{\"event\":\"error\",\"code\":\"60018\",\"msg\":\"Wrong URL or channel:candle1m,instId:BTC-USDT doesn't exist.\",\"connId\":\"c\"}",
                "{\"event\":\"notice\",\"code\":\"64008\",\"msg\":\"The connection will soon be closed for a service upgrade. Please reconnect.\","
                        + "\"connId\":\"a4d3ae55\"}",
                "{\"event\":\"channel-conn-count\",\"channel\":\"orders\",\"connCount\":\"2\",\"connId\":\"abcd1234\"}");
        for (String frame : frames) {
            assertThat(parser.parse(event(frame))).as(frame).isEmpty();
            assertThat(stream.classify(frame).kind()).as(frame).isNotEqualTo(FrameKind.DATA);
        }
    }

    @Test
    void rejectsOtherChannelsAndOtherInstruments() throws Exception {
        PayloadParser parser = okx.newPayloadParser("BTC-USDT");
        assertThatThrownBy(() -> parser.parse(event(pushOn("candle1M", "BTC-USDT", row(MINUTE, "1", "1", "1")))))
                .as("candle1M is one month").isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("channel 'candle1M' on the candle1m stream");
        assertThatThrownBy(() -> parser.parse(event(pushOn("candle1m", "ETH-USDT", row(MINUTE, "1", "1", "1")))))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("instId 'ETH-USDT' on the BTC-USDT stream");
        assertThatThrownBy(() -> parser.parse(event(pushOn("candle1m", "BTC-USDT-SWAP", row(MINUTE, "1", "1", "1")))))
                .hasMessageContaining("instId 'BTC-USDT-SWAP'");
        assertThatThrownBy(() -> parser.parse(event("{\"arg\":{\"channel\":\"candle1m\"},\"data\":[" + row(MINUTE, "1", "1", "1") + "]}")))
                .hasMessageContaining("instId ''");
    }

    @Test
    void rejectsRowsNotOfTheDocumentedShape() throws Exception {
        PayloadParser parser = okx.newPayloadParser("BTC-USDT");
        assertThatThrownBy(() -> parser.parse(event(push(row(MINUTE + 1234, "1", "1", "1"))))).hasMessageContaining("not on a whole minute");
        long seconds = MINUTE / 1000 / 60_000 * 60_000;
        assertThatThrownBy(() -> parser.parse(event(push(row(seconds, "1", "1", "1"))))).hasMessageContaining("not in milliseconds");
        assertThatThrownBy(() -> parser.parse(event(push(row(MINUTE, "1", "1", "true"))))).hasMessageContaining("not \"0\" or \"1\"");
        assertThatThrownBy(() -> parser.parse(event(push(row(MINUTE, "1", "1", "1").replace(",\"1\"]", ",1]")))))
                .hasMessageContaining("non-string confirm");
        assertThatThrownBy(() -> parser.parse(event(push(row(MINUTE, "1", "1", "1").replace("\"" + MINUTE + "\"", String.valueOf(MINUTE))))))
                .hasMessageContaining("non-string ts");
        assertThatThrownBy(() -> parser.parse(event(push(row(MINUTE, "NaN", "1", "1"))))).hasMessageContaining("vol of candle row 0 is not a number");
        assertThatThrownBy(() -> parser.parse(event(push(row(MINUTE, "-1", "1", "1"))))).hasMessageContaining("out of range");
        assertThatThrownBy(() -> parser.parse(event(push(row(MINUTE, "1", "1", "1").replace("\"102\"", "\"99\"")))))
                .hasMessageContaining("below low");
        assertThatThrownBy(() -> parser.parse(event(push(row(MINUTE, "1", "1", "1").replace("\"100.5\"", "100.5")))))
                .hasMessageContaining("non-string decimal o of candle row 0");
        assertThatThrownBy(() -> parser.parse(event(push("{\"ts\":\"" + MINUTE + "\"}")))).hasMessageContaining("not an array");
        assertThatThrownBy(() -> parser.parse(event(push()))).hasMessageContaining("non-empty 'data'");
        assertThatThrownBy(() -> parser.parse(event("{\"arg\":{\"channel\":\"candle1m\",\"instId\":\"BTC-USDT\"},\"data\":{}}")))
                .hasMessageContaining("non-empty 'data'");
        assertThatThrownBy(() -> parser.parse(event("[1,2]"))).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> parser.parse(event("{\"x\":1}"))).hasMessageContaining("neither a push frame");
        Candle tiny = parser.parse(event(push(row(MINUTE, "1E-8", "0.00000001", "1")))).get(0);
        assertThat(tiny.volume()).as("scientific notation is a decimal too").isEqualTo(1e-8);
    }

    @Test
    void followsTheRealOkcoinCandleFromConfirm0To1AndIgnoresTheDuplicatedAcks() throws Exception {
        // OKCoin runs OKX's v5 protocol; one socket carried four instruments, so the other three are
        // foreign on a BTC-USD stream.
        PayloadParser parser = okx.newPayloadParser("BTC-USD");
        List<Candle> candles = new ArrayList<>();
        List<Instant> receivedAt = new ArrayList<>();
        int foreign = 0;
        int acks = 0;
        for (RealCaptures.Frame frame : RealCaptures.received(OKCOIN)) {
            RawEvent raw = RawEvent.unattributed("okx", "BTC-USD", "candle1m", frame.receivedAt(), RealCaptures.JSON.readTree(frame.text()));
            if (frame.text().startsWith("{\"event\":\"subscribe\"")) {
                assertThat(parser.parse(raw)).isEmpty();
                acks++;
            } else if (frame.text().contains("\"instId\":\"BTC-USD\"")) {
                for (Candle c : parser.parse(raw)) {
                    candles.add(c);
                    receivedAt.add(frame.receivedAt());
                }
            } else {
                assertThatThrownBy(() -> parser.parse(raw)).isInstanceOf(MalformedPayloadException.class)
                        .hasMessageContaining("on the BTC-USD stream");
                foreign++;
            }
        }
        assertThat(acks).isEqualTo(40);
        assertThat(foreign).isEqualTo(9);

        Instant first = Instant.parse("2023-05-27T21:07:00Z");
        assertThat(candles).extracting(Candle::intervalStart).containsExactly(first, first, first.plusSeconds(60));
        assertThat(candles).extracting(Candle::isFinal).containsExactly(false, true, false);
        Candle closed = candles.get(1);
        assertThat(closed.intervalEnd()).isEqualTo(Instant.parse("2023-05-27T21:08:00Z"));
        assertThat(receivedAt.get(1)).as("the close arrives seconds after the minute ended").isAfter(closed.intervalEnd());
        assertThat(closed.open()).isEqualTo(26800.0);
        assertThat(closed.close()).isEqualTo(26800.0);
        assertThat(closed.volume()).as("a zero-volume minute").isZero();
        assertThat(closed.quoteVolume()).isZero();
        assertThat(closed.vwap()).isNull();
        assertThat(closed.symbol()).isEqualTo("BTC-USD");
    }

    @Test
    void everyRealOkcoinInstrumentClosesItsMinuteExactlyOnce() throws Exception {
        for (String instId : List.of("BTC-USD", "ETH-USD", "USDC-USDT", "USDT-USD")) {
            PayloadParser parser = okx.newPayloadParser(instId);
            long finals = 0;
            long candles = 0;
            for (RealCaptures.Frame frame : RealCaptures.received(OKCOIN)) {
                if (frame.text().contains("\"instId\":\"" + instId + "\"}") && frame.text().contains("\"data\"")) {
                    for (Candle c : parser.parse(RawEvent.unattributed("okx", instId, "candle1m", frame.receivedAt(),
                            RealCaptures.JSON.readTree(frame.text())))) {
                        candles++;
                        finals += c.isFinal() ? 1 : 0;
                    }
                }
            }
            assertThat(candles).as(instId).isEqualTo(3);
            assertThat(finals).as(instId).isEqualTo(1);
        }
    }

    @Test
    void deadLettersTheRealSevenFieldFramesOfTheOldFormat() throws Exception {
        List<RealCaptures.Frame> frames = RealCaptures.received("legacy_single_messages_crypto-msg-parser_2022-2023.jsonl");
        assertThat(frames).hasSize(6);
        for (RealCaptures.Frame frame : frames) {
            assertThat(stream.classify(frame.text()).kind()).as("left to the parser to dead-letter").isEqualTo(FrameKind.DATA);
            String instId = RealCaptures.JSON.readTree(frame.text()).at("/arg/instId").asText();
            // A parser for the frame's own instrument where it is a spot pair; derivatives fail on the instId too.
            PayloadParser parser = okx.newPayloadParser(instId.split("-").length == 2 ? instId : "BTC-USDT");
            assertThatThrownBy(() -> parser.parse(event(frame.text()))).as(frame.note())
                    .isInstanceOf(MalformedPayloadException.class)
                    .hasMessageMatching(".*(has 7 fields, not the 9 .*old format.*|instId '.*' on the BTC-USDT stream).*");
        }
        PayloadParser spot = okx.newPayloadParser("BTC-USDT");
        assertThatThrownBy(() -> spot.parse(event(frames.get(0).text())))
                .as(frames.get(0).note()).hasMessageContaining("has 7 fields, not the 9");
    }

    @Test
    void aParserIsOnlyMadeForSpotPairs() {
        assertThatThrownBy(() -> okx.newPayloadParser("BTC-USDT-SWAP")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a spot pair");
    }
}
