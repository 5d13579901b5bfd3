package io.klinepipeline.exchange.coinbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.jsonl.RawEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoinbaseTradeCandleParserTest {
    private static final String DAY = "2026-11-24T";
    private final CoinbaseExchange coinbase = new CoinbaseExchange();

    private static Instant at(String time) {
        return Instant.parse(DAY + time + "Z");
    }

    private static RawEvent on(String connection, long engineSequence, String receivedAt, String frame) throws Exception {
        return new RawEvent("coinbase", "BTC-USD", "market_trades", at(receivedAt), RealCaptures.JSON.readTree(frame),
                connection, engineSequence);
    }

    /** A documented trade; times as Coinbase writes them, with fractional seconds. */
    private static String trade(String id, String price, String size, String time) {
        return "{\"trade_id\":\"" + id + "\",\"product_id\":\"BTC-USD\",\"price\":\"" + price + "\",\"size\":\"" + size
                + "\",\"side\":\"BUY\",\"time\":\"" + DAY + time + "Z\"}";
    }

    private static String trades(long sequenceNum, String timestamp, String type, String... trades) {
        return "{\"channel\":\"market_trades\",\"client_id\":\"\",\"timestamp\":\"" + DAY + timestamp + "Z\",\"sequence_num\":"
                + sequenceNum + ",\"events\":[{\"type\":\"" + type + "\",\"trades\":[" + String.join(",", trades) + "]}]}";
    }

    private static String heartbeat(long sequenceNum, String timestamp) {
        return "{\"channel\":\"heartbeats\",\"client_id\":\"\",\"timestamp\":\"" + DAY + timestamp + "Z\",\"sequence_num\":"
                + sequenceNum + ",\"events\":[{\"current_time\":\"2026-11-24 " + timestamp + " +0000 UTC m=+91717.525857105\","
                + "\"heartbeat_counter\":\"" + (1000 + sequenceNum) + "\"}]}";
    }

    private static String subscriptions(long sequenceNum, String timestamp) {
        return "{\"channel\":\"subscriptions\",\"client_id\":\"\",\"timestamp\":\"" + DAY + timestamp + "Z\",\"sequence_num\":"
                + sequenceNum + ",\"events\":[{\"subscriptions\":{\"market_trades\":[\"BTC-USD\"],\"heartbeats\":[\"heartbeats\"]}}]}";
    }

    @Test
    void buildsTheMinuteExactlyFromItsTradesInTradeTimeOrderAndEmitsItFinalOnce() throws Exception {
        PayloadParser parser = coinbase.newPayloadParser("BTC-USD");
        assertThat(parser.parse(on("a.1", 1, "10:14:50", heartbeat(1, "10:14:50.000000001")))).isEmpty();
        // Newest first, as Coinbase lists a batch; 103 and 104 share a time: trade_id decides, numerically.
        assertThat(parser.parse(on("a.1", 2, "10:15:41", trades(2, "10:15:40.9", "update",
                trade("104", "101", "0.4", "10:15:40.5"), trade("99", "101.5", "0.3", "10:15:40.5"),
                trade("102", "102", "0.2", "10:15:20.25"), trade("101", "100.1", "0.1", "10:15:10.123456")))))
                .as("nothing until the minute is over").isEmpty();
        assertThat(parser.parse(on("a.1", 3, "10:16:00.6", heartbeat(3, "10:16:00.5"))))
                .as("within the batching grace after the minute").isEmpty();

        List<Candle> closed = parser.parse(on("a.1", 4, "10:16:01.2", heartbeat(4, "10:16:01.1")));

        double quote = new BigDecimal("101").multiply(new BigDecimal("0.4")).add(new BigDecimal("101.5").multiply(new BigDecimal("0.3")))
                .add(new BigDecimal("102").multiply(new BigDecimal("0.2"))).add(new BigDecimal("100.1").multiply(new BigDecimal("0.1")))
                .doubleValue();
        assertThat(closed).containsExactly(new Candle("coinbase", "BTC-USD", 60, at("10:15:00"),
                100.1, 102, 100.1, 101, 1.0, quote, quote / 1.0, 4, true));
        assertThat(quote).isEqualTo(101.26);
        assertThat(parser.parse(on("a.1", 5, "10:16:02.2", heartbeat(5, "10:16:02.1")))).as("exactly once").isEmpty();
        assertThat(parser.finish()).isEmpty();
    }

    @Test
    void aLaterTradeOnTheSameConnectionClosesTheMinute() throws Exception {
        PayloadParser parser = coinbase.newPayloadParser("BTC-USD");
        parser.parse(on("a.1", 1, "10:14:59", heartbeat(1, "10:14:59")));
        parser.parse(on("a.1", 2, "10:15:59.95", trades(2, "10:15:59.9", "update", trade("1", "100", "1", "10:15:59.8"))));

        List<Candle> out = parser.parse(on("a.1", 3, "10:16:00.3", trades(3, "10:16:00.25", "update",
                trade("3", "99", "1", "10:16:00.2"), trade("2", "101", "1", "10:15:59.9"))));

        assertThat(out).singleElement().satisfies(c -> {
            assertThat(c.intervalStart()).isEqualTo(at("10:15:00"));
            assertThat(c.isFinal()).isTrue();
            assertThat(c.close()).as("the batch's earlier trade still counts for its minute").isEqualTo(101);
            assertThat(c.tradeCount()).isEqualTo(2);
        });
        assertThat(parser.finish()).extracting(Candle::intervalStart, Candle::isFinal).containsExactly(tuple(at("10:16:00"), false));
    }

    @Test
    void aReconnectMidMinuteKeepsItUnfinishedAndItsSnapshotIsCountedOnce() throws Exception {
        PayloadParser parser = coinbase.newPayloadParser("BTC-USD");
        parser.parse(on("a.1", 1, "10:14:50", heartbeat(1, "10:14:50")));
        parser.parse(on("a.1", 2, "10:15:10", trades(2, "10:15:10", "update",
                trade("202", "100.2", "0.2", "10:15:09"), trade("201", "100.1", "0.1", "10:15:05"))));
        // a.1 drops; b.2 connects at 10:15:30 and its snapshot repeats recent trades, newest first.
        parser.parse(on("b.2", 1, "10:15:30", subscriptions(0, "10:15:30")));
        assertThat(parser.parse(on("b.2", 2, "10:15:30.1", trades(1, "10:15:30.1", "snapshot",
                trade("203", "100.3", "0.3", "10:15:25"), trade("202", "100.2", "0.2", "10:15:09"),
                trade("201", "100.1", "0.1", "10:15:05"), trade("200", "99", "1", "10:14:40"))))).isEmpty();
        parser.parse(on("b.2", 3, "10:15:50", trades(2, "10:15:50", "update", trade("204", "100.4", "0.4", "10:15:45"))));

        assertThat(parser.parse(on("b.2", 4, "10:16:02", heartbeat(3, "10:16:02"))))
                .as("b.2 did not see 10:15 from its start, a.1 never showed it over").isEmpty();
        parser.parse(on("b.2", 5, "10:16:10", trades(4, "10:16:10", "update", trade("205", "101", "1", "10:16:09"))));

        List<Candle> later = parser.parse(on("b.2", 6, "10:17:01.5", heartbeat(5, "10:17:01.5")));

        assertThat(later).extracting(Candle::intervalStart, Candle::isFinal, Candle::tradeCount).containsExactly(
                tuple(at("10:14:00"), false, 1), // two minutes past it: settled, never final
                tuple(at("10:16:00"), true, 1)); // b.2 saw 10:16 whole
        List<Candle> rest = parser.finish();
        assertThat(rest).singleElement().satisfies(c -> {
            assertThat(c.intervalStart()).isEqualTo(at("10:15:00"));
            assertThat(c.isFinal()).isFalse();
            assertThat(c.tradeCount()).as("201 and 202 came twice").isEqualTo(4);
            assertThat(c.volume()).isEqualTo(1.0);
            assertThat(c.open()).isEqualTo(100.1);
            assertThat(c.close()).isEqualTo(100.4);
        });
    }

    @Test
    void aJumpInSequenceNumKeepsTheMinuteUnfinished() throws Exception {
        PayloadParser parser = coinbase.newPayloadParser("BTC-USD");
        parser.parse(on("a.1", 1, "10:14:50", heartbeat(10, "10:14:50")));
        parser.parse(on("a.1", 2, "10:15:10", trades(11, "10:15:10", "update", trade("1", "100", "1", "10:15:09"))));
        // The engine got every frame (its own sequence is whole), but Coinbase's sequence_num skips 12 and 13.
        parser.parse(on("a.1", 3, "10:15:40", trades(14, "10:15:40", "update", trade("4", "100", "1", "10:15:39"))));
        assertThat(parser.parse(on("a.1", 4, "10:16:01.5", heartbeat(15, "10:16:01.5")))).isEmpty();

        parser.parse(on("a.1", 5, "10:16:10", trades(16, "10:16:10", "update", trade("5", "100", "1", "10:16:09"))));
        assertThat(parser.parse(on("a.1", 6, "10:17:01.5", heartbeat(17, "10:17:01.5"))))
                .as("the loss was before 10:16").extracting(Candle::intervalStart, Candle::isFinal)
                .containsExactly(tuple(at("10:16:00"), true));
        assertThat(parser.finish()).extracting(Candle::intervalStart, Candle::isFinal).containsExactly(tuple(at("10:15:00"), false));
    }

    @Test
    void onlyTheConnectionThatSawTheMinuteWholeClosesIt() throws Exception {
        PayloadParser parser = coinbase.newPayloadParser("BTC-USD");
        parser.parse(on("a.1", 1, "10:14:50", heartbeat(1, "10:14:50")));
        parser.parse(on("a.1", 2, "10:15:10", trades(2, "10:15:10", "update", trade("1", "100", "1", "10:15:09"))));
        parser.parse(on("b.2", 1, "10:15:30", subscriptions(0, "10:15:30")));
        assertThat(parser.parse(on("b.2", 2, "10:16:05", heartbeat(1, "10:16:05")))).isEmpty();

        assertThat(parser.parse(on("a.1", 3, "10:16:06", heartbeat(3, "10:16:06"))))
                .extracting(Candle::intervalStart, Candle::isFinal).containsExactly(tuple(at("10:15:00"), true));
    }

    @Test
    void aSnapshotAloneNeverMakesAMinuteWhole() throws Exception {
        PayloadParser parser = coinbase.newPayloadParser("BTC-USD");
        parser.parse(on("b.2", 1, "10:16:30", subscriptions(0, "10:16:30")));
        parser.parse(on("b.2", 2, "10:16:30.1", trades(1, "10:16:30.1", "snapshot",
                trade("2", "100", "1", "10:15:50"), trade("1", "100", "1", "10:15:10"))));
        assertThat(parser.parse(on("b.2", 3, "10:17:05", heartbeat(2, "10:17:05")))).isEmpty();
        assertThat(parser.finish()).extracting(Candle::intervalStart, Candle::isFinal, Candle::tradeCount)
                .containsExactly(tuple(at("10:15:00"), false, 2));
    }

    @Test
    void linesWithoutAConnectionAreNeverFinal() throws Exception {
        PayloadParser parser = coinbase.newPayloadParser("BTC-USD");
        parser.parse(RawEvent.unattributed("coinbase", "BTC-USD", "market_trades", at("10:15:10"),
                RealCaptures.JSON.readTree(trades(1, "10:15:10", "update", trade("1", "100", "1", "10:15:09")))));
        assertThat(parser.parse(RawEvent.unattributed("coinbase", "BTC-USD", "market_trades", at("10:16:05"),
                RealCaptures.JSON.readTree(heartbeat(2, "10:16:05"))))).isEmpty();
        assertThat(parser.finish()).singleElement().matches(c -> !c.isFinal());
    }

    @Test
    void controlFramesCarryNoCandleAndAreNotMalformed() throws Exception {
        PayloadParser parser = coinbase.newPayloadParser("BTC-USD");
        assertThat(parser.parse(on("a.1", 1, "10:15:00", subscriptions(0, "10:15:00")))).isEmpty();
        assertThat(parser.parse(on("a.1", 2, "10:15:01", heartbeat(1, "10:15:01")))).isEmpty();
        assertThat(parser.parse(on("a.1", 3, "10:15:01", "{\"channel\":\"heartbeats\",\"timestamp\":\"2026-11-24T10:15:02Z\","
                + "\"sequence_num\":2,\"events\":[{\"current_time\":\"x\",\"heartbeat_counter\":42}]}")))
                .as("the counter as an integer, as the AsyncAPI spec has it").isEmpty();
        assertThat(parser.parse(on("a.1", 4, "10:15:02", "{\"type\":\"error\",\"message\":\"failure to subscribe\"}"))).isEmpty();
        assertThat(parser.parse(on("a.1", 5, "10:15:03", trades(3, "10:15:03", "update")))).isEmpty();
    }

    @Test
    void rejectsWhatIsNotTheDocumentedShapeWithoutMovingAnyState() throws Exception {
        PayloadParser parser = coinbase.newPayloadParser("BTC-USD");
        String good = trade("1", "100", "1", "10:15:09");
        String[][] cases = {
            {trades(1, "10:15:10", "update", good, trade("2", "100", "1", "10:15:09").replace("BTC-USD", "ETH-USD")),
                "trade for ETH-USD on the BTC-USD stream"},
            {trades(1, "10:15:10", "update", good, trade("2", "100", "1", "10:15:09").replace("\"price\":\"100\"", "\"price\":100")),
                "non-string event 0 trade 1 'price'"},
            {trades(1, "10:15:10", "update", good, trade("2", "100", "0", "10:15:09")), "'size' is not positive"},
            {trades(1, "10:15:10", "update", good, trade("2", "1e", "1", "10:15:09")), "'price' is not a number"},
            {trades(1, "10:15:10", "update", good, trade("2", "100", "1", "10:15:09").replace("BUY", "buy")), "neither BUY nor SELL"},
            {trades(1, "10:15:10", "update", good, trade("2", "100", "1", "yesterday")), "not an RFC 3339 time"},
            {trades(1, "10:15:10", "update", good, trade("", "100", "1", "10:15:09")), "no 'trade_id'"},
            {trades(1, "10:15:10", "delta", good), "neither snapshot nor update"},
            {trades(1, "10:15:10", "update", good).replace("\"sequence_num\":1", "\"sequence_num\":\"one\""), "'sequence_num'"},
            {trades(1, "10:15:10", "update", good).replace("\"timestamp\":\"2026-11-24T10:15:10Z\",", ""), "market_trades 'timestamp'"},
            {"{\"channel\":\"market_trades\",\"timestamp\":\"2026-11-24T10:15:10Z\",\"sequence_num\":1}", "without an 'events' array"},
            {"{\"channel\":\"heartbeats\",\"timestamp\":\"2026-11-24T10:15:10Z\",\"sequence_num\":1,\"events\":[{}]}", "'heartbeat_counter'"},
            {"{\"channel\":\"l2_data\",\"events\":[]}", "channel 'l2_data' on the market_trades stream"},
            {"{\"type\":\"match\",\"trade_id\":1,\"price\":\"1\"}", "Coinbase Exchange (ws-feed) 'match'"},
            {"{\"events\":[]}", "neither a 'channel' nor a 'type'"},
            {"[1,2]", "expected a JSON object"},
        };
        long sequence = 1;
        for (String[] c : cases) {
            RawEvent event = on("a.1", sequence++, "10:15:10", c[0]);
            assertThatThrownBy(() -> parser.parse(event)).as(c[0])
                    .isInstanceOf(MalformedPayloadException.class).hasMessageContaining(c[1]);
        }
        assertThat(parser.finish()).as("no trade of a rejected message was counted").isEmpty();
    }

    @Test
    void rejectsEveryFrameOfTheRealOldExchangeCaptureAsMalformed() throws Exception {
        List<RealCaptures.Frame> frames = RealCaptures.received("exchange_ws_matches_2021-04-17.jsonl");
        assertThat(frames).hasSize(110);
        PayloadParser parser = coinbase.newPayloadParser("BTC-USD");
        long sequence = 1;
        for (RealCaptures.Frame frame : frames) {
            long nanos = Math.round(frame.ts() * 1e9);
            RawEvent event = new RawEvent("coinbase", "BTC-USD", "market_trades", Instant.ofEpochSecond(0, nanos),
                    RealCaptures.JSON.readTree(frame.text()), frame.conn(), sequence++);
            assertThatThrownBy(() -> parser.parse(event)).as(frame.text())
                    .isExactlyInstanceOf(MalformedPayloadException.class)
                    .hasMessageContaining("Coinbase Exchange (ws-feed)").hasMessageContaining("this stream speaks Advanced Trade");
        }
        assertThat(parser.finish()).isEmpty();
    }

    /**
     * Found by ExchangeParsersFuzzTest: 1E-2000000000 squared overflows BigDecimal's scale
     * (ArithmeticException), and a message printing -1E999999999 in plain digits built a
     * billion-character string.
     */
    @Test
    void refusesPricesAndSizesADoubleCannotHoldQuicklyAndAsMalformed() {
        for (String[] priceAndSize : new String[][] {{"1E-2000000000", "1E-2000000000"}, {"1E+400", "1"}, {"1", "-1E999999999"}}) {
            String frame = trades(1, "10:15:01", "update", trade("1", priceAndSize[0], priceAndSize[1], "10:15:01"));
            assertThatThrownBy(() -> coinbase.newPayloadParser("BTC-USD").parse(on("a.1", 1, "10:15:01", frame)))
                    .as(String.join(" × ", priceAndSize)).isInstanceOf(MalformedPayloadException.class)
                    .message().hasSizeLessThan(500);
        }
    }
}
