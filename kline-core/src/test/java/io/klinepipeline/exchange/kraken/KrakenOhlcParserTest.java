package io.klinepipeline.exchange.kraken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.FrameKind;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.exchange.StreamProtocol;
import io.klinepipeline.jsonl.RawEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KrakenOhlcParserTest {
    private final KrakenExchange kraken = new KrakenExchange();

    private static JsonNode json(String text) throws Exception {
        return RealCaptures.JSON.readTree(text);
    }

    private static RawEvent on(String connection, long sequence, String receivedAt, String frame) throws Exception {
        return new RawEvent("kraken", "BTC/USD", "ohlc", Instant.parse(receivedAt), json(frame), connection, sequence);
    }

    private static RawEvent unattributed(String frame) throws Exception {
        return RawEvent.unattributed("kraken", "BTC/USD", "ohlc", Instant.parse("2026-11-24T10:20:00Z"), json(frame));
    }

    /** A documented v2 candle, with the deprecated per-candle timestamp at the interval's end as Kraken sends it. */
    private static String row(String symbol, String begin, String end, String close, String volume, int trades) {
        return "{\"symbol\":\"" + symbol + "\",\"open\":100.5,\"high\":102,\"low\":99.75,\"close\":" + close + ",\"trades\":" + trades
                + ",\"volume\":" + volume + ",\"vwap\":100.25,\"interval_begin\":\"" + begin + "\",\"interval\":1,\"timestamp\":\"" + end + "\"}";
    }

    private static String update(String... rows) {
        return "{\"channel\":\"ohlc\",\"type\":\"update\",\"timestamp\":\"2026-11-24T10:15:31.000000000Z\",\"data\":["
                + String.join(",", rows) + "]}";
    }

    private static String minute(String hhmm, String close) {
        int h = Integer.parseInt(hhmm.substring(0, 2));
        int m = Integer.parseInt(hhmm.substring(3));
        String begin = String.format("2026-11-24T%02d:%02d:00.000000000Z", h, m);
        String end = String.format("2026-11-24T%02d:%02d:00.000000Z", h + (m + 1) / 60, (m + 1) % 60);
        return update(row("BTC/USD", begin, end, close, "2", 9));
    }

    private static final String HEARTBEAT = "{\"channel\":\"heartbeat\"}";

    @Test
    void keysCandlesOnIntervalBeginNeverOnTheDeprecatedTimestamp() throws Exception {
        List<Candle> candles = kraken.newPayloadParser("BTC/USD").parse(unattributed(minute("10:15", "101.25")));

        assertThat(candles).containsExactly(new Candle("kraken", "BTC/USD", 60, Instant.parse("2026-11-24T10:15:00Z"),
                100.5, 102, 99.75, 101.25, 2, 200.5, 100.25, 9, false));
    }

    @Test
    void aMinuteSeenWholeBecomesFinalWhenTheNextIntervalArrives() throws Exception {
        PayloadParser parser = kraken.newPayloadParser("BTC/USD");
        assertThat(parser.parse(on("a.1", 1, "2026-11-24T10:14:50Z", HEARTBEAT))).isEmpty();
        assertThat(parser.parse(on("a.1", 2, "2026-11-24T10:15:10Z", minute("10:15", "101")))).singleElement()
                .matches(c -> !c.isFinal());
        assertThat(parser.parse(on("a.1", 3, "2026-11-24T10:15:40Z", minute("10:15", "101.5")))).singleElement()
                .matches(c -> !c.isFinal() && c.close() == 101.5);

        List<Candle> next = parser.parse(on("a.1", 4, "2026-11-24T10:16:05Z", minute("10:16", "99.9")));

        assertThat(next).hasSize(2);
        assertThat(next.get(0).intervalStart()).isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
        assertThat(next.get(0).isFinal()).isTrue();
        assertThat(next.get(0).close()).as("the minute's last update").isEqualTo(101.5);
        assertThat(next.get(1).intervalStart()).isEqualTo(Instant.parse("2026-11-24T10:16:00Z"));
        assertThat(next.get(1).isFinal()).isFalse();
        assertThat(parser.parse(on("a.1", 5, "2026-11-24T10:16:20Z", minute("10:16", "99.8"))))
                .as("the same interval again finalises nothing").singleElement().matches(c -> !c.isFinal());
    }

    @Test
    void aMinuteThatStraddlesAReconnectIsNeverFinal() throws Exception {
        PayloadParser parser = kraken.newPayloadParser("BTC/USD");
        parser.parse(on("a.1", 1, "2026-11-24T10:14:00Z", minute("10:14", "100")));
        parser.parse(on("a.1", 2, "2026-11-24T10:15:05Z", minute("10:15", "100")));
        // a.1 drops; b.2 opens in the middle of 10:15 and its snapshot replays 10:15.
        parser.parse(on("b.2", 1, "2026-11-24T10:15:30Z", HEARTBEAT));
        parser.parse(on("b.2", 2, "2026-11-24T10:15:31Z", minute("10:15", "101")));

        List<Candle> next = parser.parse(on("b.2", 3, "2026-11-24T10:16:02Z", minute("10:16", "102")));

        assertThat(next).extracting(Candle::intervalStart, Candle::isFinal).containsExactly(
                tuple(Instant.parse("2026-11-24T10:15:00Z"), false),
                tuple(Instant.parse("2026-11-24T10:16:00Z"), false));
        List<Candle> after = parser.parse(on("b.2", 4, "2026-11-24T10:17:01Z", minute("10:17", "103")));
        assertThat(after.get(0).isFinal()).as("b.2 saw 10:16 whole").isTrue();
    }

    @Test
    void aLaterIntervalOnAnotherConnectionFinalisesNothing() throws Exception {
        PayloadParser parser = kraken.newPayloadParser("BTC/USD");
        parser.parse(on("a.1", 1, "2026-11-24T10:14:00Z", HEARTBEAT));
        parser.parse(on("a.1", 2, "2026-11-24T10:15:05Z", minute("10:15", "100")));
        parser.parse(on("b.2", 1, "2026-11-24T10:14:30Z", HEARTBEAT));

        assertThat(parser.parse(on("b.2", 2, "2026-11-24T10:16:05Z", minute("10:16", "100")))).singleElement()
                .matches(c -> c.intervalStart().equals(Instant.parse("2026-11-24T10:16:00Z")) && !c.isFinal());
    }

    @Test
    void messagesLostDuringTheMinuteKeepItUnfinished() throws Exception {
        PayloadParser parser = kraken.newPayloadParser("BTC/USD");
        parser.parse(on("a.1", 1, "2026-11-24T10:14:00Z", HEARTBEAT));
        parser.parse(on("a.1", 2, "2026-11-24T10:15:05Z", minute("10:15", "100")));
        parser.parse(on("a.1", 9, "2026-11-24T10:15:45Z", minute("10:15", "100")));

        assertThat(parser.parse(on("a.1", 10, "2026-11-24T10:16:05Z", minute("10:16", "100"))).get(0).isFinal()).isFalse();
    }

    @Test
    void linesWithoutAConnectionAreNeverFinalNorReplayed() throws Exception {
        PayloadParser parser = kraken.newPayloadParser("BTC/USD");
        parser.parse(unattributed(minute("10:15", "100")));
        assertThat(parser.parse(unattributed(minute("10:16", "100")))).singleElement().matches(c -> !c.isFinal());
    }

    @Test
    void anOlderCandleReplayedOnTheSameConnectionMovesNothing() throws Exception {
        PayloadParser parser = kraken.newPayloadParser("BTC/USD");
        parser.parse(on("a.1", 1, "2026-11-24T10:13:00Z", HEARTBEAT));
        parser.parse(on("a.1", 2, "2026-11-24T10:15:05Z", minute("10:15", "100")));
        assertThat(parser.parse(on("a.1", 3, "2026-11-24T10:15:06Z", minute("10:14", "99")))).singleElement()
                .matches(c -> c.intervalStart().equals(Instant.parse("2026-11-24T10:14:00Z")) && !c.isFinal());

        List<Candle> next = parser.parse(on("a.1", 4, "2026-11-24T10:16:05Z", minute("10:16", "101")));
        assertThat(next.get(0).intervalStart()).isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
        assertThat(next.get(0).isFinal()).isTrue();
    }

    @Test
    void aMinuteWithoutVolumeHasNoAveragePrice() throws Exception {
        Candle candle = kraken.newPayloadParser("BTC/USD").parse(unattributed(update(row("BTC/USD",
                "2026-11-24T10:15:00.000000000Z", "2026-11-24T10:16:00.000000Z", "101", "0", 0)))).get(0);
        assertThat(candle.vwap()).isNull();
        assertThat(candle.quoteVolume()).isZero();
        assertThat(candle.tradeCount()).isZero();
    }

    @Test
    void aStreamConfiguredWithTheLegacyXbtNameReadsBtcCandles() throws Exception {
        assertThat(kraken.newPayloadParser("XBT/USD").parse(unattributed(minute("10:15", "100")))).singleElement()
                .matches(c -> c.symbol().equals("XBT/USD"));
    }

    @Test
    void controlFramesCarryNoCandleAndAreNotMalformed() throws Exception {
        PayloadParser parser = kraken.newPayloadParser("BTC/USD");
        for (String frame : new String[] {HEARTBEAT,
                "{\"method\":\"pong\",\"req_id\":1}",
                "{\"method\":\"subscribe\",\"result\":{\"channel\":\"ohlc\",\"interval\":1,\"symbol\":\"BTC/USD\"},\"success\":true}",
                "{\"channel\":\"status\",\"data\":[{\"connection_id\":18446744073709551615,\"system\":\"online\"}],\"type\":\"update\"}",
                "{\"error\":\"Currency pair not supported WWW/USD\",\"method\":\"subscribe\",\"success\":false}"}) {
            assertThat(parser.parse(unattributed(frame))).as(frame).isEmpty();
        }
    }

    @Test
    void rejectsWhatIsNotTheDocumentedShape() throws Exception {
        PayloadParser parser = kraken.newPayloadParser("BTC/USD");
        String noBegin = update("{\"symbol\":\"BTC/USD\",\"open\":1,\"high\":1,\"low\":1,\"close\":1,\"trades\":1,\"volume\":1,"
                + "\"vwap\":1,\"interval\":1,\"timestamp\":\"2026-11-24T10:16:00.000000Z\"}");
        String[][] cases = {
            {noBegin, "has no 'interval_begin'"},
            {update(row("BTC/USD", "2026-11-24T10:15:00Z", "x", "1", "1", 1).replace("\"interval\":1", "\"interval\":5")), "interval 5, not 1 minute"},
            {update(row("ETH/USD", "2026-11-24T10:15:00Z", "x", "1", "1", 1)), "candle for ETH/USD on the BTC/USD stream"},
            {update(row("BTC/USD", "2026-11-24T10:15:00Z", "x", "\"101\"", "1", 1)), "non-numeric candle 0 'close'"},
            {update(row("BTC/USD", "2026-11-24T10:15:30Z", "x", "101", "1", 1)), "not on a whole minute"},
            {update(row("BTC/USD", "2026-11-24T10:15:00Z", "x", "101", "-1", 1)), "'volume' is negative"},
            {update(row("BTC/USD", "2026-11-24T10:15:00Z", "x", "101", "1", 1).replace("\"high\":102", "\"high\":99")), "is below low"},
            {update(row("BTC/USD", "yesterday", "x", "101", "1", 1)), "not an RFC 3339 time"},
            {"{\"channel\":\"ohlc\",\"type\":\"update\"}", "without a 'data' array"},
            {"{\"channel\":\"ohlc\",\"type\":\"delta\",\"data\":[]}", "neither snapshot nor update"},
            {"{\"channel\":\"trade\",\"type\":\"update\",\"data\":[]}", "channel 'trade' on the ohlc stream"},
            {"{\"event\":\"heartbeat\"}", "v1 'heartbeat' event"},
            {"[343,[\"1675209613.118218\",\"1675209660.000000\",\"1\",\"1\",\"1\",\"1\",\"1\",\"1\",7],\"ohlc-1\",\"XBT/USD\"]", "v1 array frame"},
            {"\"ohlc\"", "expected a JSON object"},
            {"{\"data\":[]}", "neither a 'channel' nor a 'method'"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> parser.parse(unattributed(c[0]))).as(c[0])
                    .isInstanceOf(MalformedPayloadException.class).hasMessageContaining(c[1]);
        }
    }

    @Test
    void parsesTheRealSnapshotAndControlFrames() throws Exception {
        PayloadParser parser = kraken.newPayloadParser("ETH/USD");
        StreamProtocol stream = kraken.stream();
        List<RealCaptures.Frame> frames = RealCaptures.received("ws_v2_ohlc_and_control_frames_2024-2025.jsonl");
        long sequence = 0;
        for (RealCaptures.Frame frame : frames.subList(1, frames.size())) {
            RawEvent event = on("r.1", ++sequence, "2024-05-17T11:21:16Z", frame.text());
            assertThat(stream.classify(frame.text()).kind()).as(frame.note()).isNotEqualTo(FrameKind.DATA);
            assertThat(parser.parse(event)).as("no control frame is a dead letter: " + frame.note()).isEmpty();
        }

        List<Candle> snapshot = parser.parse(on("r.1", ++sequence, "2024-05-17T11:21:16.4Z", frames.get(0).text()));

        assertThat(snapshot).extracting(Candle::intervalStart).as("interval_begin, not the deprecated end timestamp")
                .containsExactly(Instant.parse("2024-05-17T11:12:00Z"), Instant.parse("2024-05-17T11:12:00Z"),
                        Instant.parse("2024-05-17T11:13:00Z"));
        assertThat(snapshot).noneMatch(Candle::isFinal).as("a replay on subscribe is not a minute seen whole");
        Candle first = snapshot.get(0);
        assertThat(first.open()).isEqualTo(3027.80);
        assertThat(first.low()).isEqualTo(3026.13);
        assertThat(first.volume()).isEqualTo(13.31603062);
        assertThat(first.vwap()).isEqualTo(3027.01);
        assertThat(first.tradeCount()).isEqualTo(9);
        assertThat(first.quoteVolume()).isEqualTo(new BigDecimal("3027.01").multiply(new BigDecimal("13.31603062")).doubleValue());
        assertThat(snapshot.get(2).tradeCount()).isEqualTo(4);
    }

    @Test
    void rejectsEveryRealV1FrameAsMalformed() throws Exception {
        PayloadParser parser = kraken.newPayloadParser("BTC/USD");
        List<RealCaptures.Frame> frames = new ArrayList<>(RealCaptures.received("ws_v1_trade_heartbeat_systemStatus_2021-04-17.jsonl"));
        frames.addAll(RealCaptures.received("legacy_single_messages_crypto-msg-parser_2022-2023.jsonl"));
        assertThat(frames).hasSizeGreaterThan(40);
        for (RealCaptures.Frame frame : frames) {
            assertThatThrownBy(() -> parser.parse(unattributed(frame.text()))).as(frame.text())
                    .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("v1");
        }
    }

    /** Found by ExchangeParsersFuzzTest: a volume beyond a double became an Infinity candle. */
    @Test
    void refusesValuesADoubleCannotHoldRatherThanStoringInfinity() throws Exception {
        io.klinepipeline.jsonl.RawEventCodec codec = new io.klinepipeline.jsonl.RawEventCodec();
        for (String volume : new String[] {"1E+400", "1E+2000000000"}) {
            String frame = update(row("BTC/USD", "2026-11-24T10:15:00Z", "x", "101", volume, 1));
            RawEvent event = codec.decode(codec.encode("kraken", "BTC/USD", "ohlc", Instant.parse("2026-11-24T10:15:31Z"), "c.1", 1, frame));
            assertThatThrownBy(() -> kraken.newPayloadParser("BTC/USD").parse(event)).as(volume)
                    .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("out of range for a double");
        }
    }
}
