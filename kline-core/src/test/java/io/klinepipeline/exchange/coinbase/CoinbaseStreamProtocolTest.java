package io.klinepipeline.exchange.coinbase;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.exchange.FrameKind;
import io.klinepipeline.exchange.StreamProtocol;
import io.klinepipeline.exchange.StreamProtocol.FrameClass;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CoinbaseStreamProtocolTest {
    private final StreamProtocol stream = new CoinbaseExchange().stream();

    @Test
    void connectsToTheConfiguredBaseAsItIs() {
        assertThat(stream.endpoint(URI.create("wss://advanced-trade-ws.coinbase.com"), "BTC-USD"))
                .isEqualTo(URI.create("wss://advanced-trade-ws.coinbase.com"));
        assertThat(stream.endpoint(URI.create("ws://127.0.0.1:18084/feed"), "BTC-USD"))
                .as("a configured path is kept").isEqualTo(URI.create("ws://127.0.0.1:18084/feed"));
    }

    @Test
    void subscribesToMarketTradesAndHeartbeatsOneChannelPerMessage() {
        assertThat(stream.subscribeMessages("BTC-USD")).containsExactly(
                "{\"type\":\"subscribe\",\"product_ids\":[\"BTC-USD\"],\"channel\":\"market_trades\"}",
                "{\"type\":\"subscribe\",\"product_ids\":[\"BTC-USD\"],\"channel\":\"heartbeats\"}");
        assertThat(stream.subscribeMessages("eth-usdt").get(0)).contains("[\"ETH-USDT\"]");
        assertThat(stream.channel()).isEqualTo("market_trades");
    }

    @Test
    void reliesOnHeartbeatsNotOnAClientPing() {
        assertThat(stream.clientPing()).isEmpty();
        assertThat(stream.heartbeatsShowLiveness()).isTrue();
        assertThat(stream.maxConnectionAge()).as("none documented").isEqualTo(Duration.ofHours(24));
        // 8 connections and 8 unauthenticated messages a second per IP; two subscribes per connection.
        assertThat(stream.connectionLimit()).isEqualTo(new StreamProtocol.ConnectionLimit(4, Duration.ofSeconds(1), 4));
    }

    @Test
    void classifiesTheDocumentedFrames() {
        assertThat(stream.classify("{\"channel\":\"market_trades\",\"client_id\":\"\",\"timestamp\":\"2023-02-09T20:19:35.39625135Z\","
                + "\"sequence_num\":0,\"events\":[]}")).isEqualTo(FrameClass.DATA);
        assertThat(stream.classify("{\"channel\":\"heartbeats\",\"client_id\":\"\",\"timestamp\":\"2023-06-23T20:31:26.122969572Z\","
                + "\"sequence_num\":0,\"events\":[{\"current_time\":\"2023-06-23 20:31:56.121961769 +0000 UTC m=+91717.525857105\","
                + "\"heartbeat_counter\":\"3049\"}]}")).isEqualTo(FrameClass.HEARTBEAT);
        assertThat(stream.classify("{\"channel\":\"subscriptions\",\"client_id\":\"\",\"timestamp\":\"2023-02-09T20:19:35Z\","
                + "\"sequence_num\":1,\"events\":[{\"subscriptions\":{\"market_trades\":[\"BTC-USD\"]}}]}")).isEqualTo(FrameClass.CONTROL);
        FrameClass error = stream.classify("{\"type\":\"error\",\"message\":\"failure to subscribe\"}");
        assertThat(error.kind()).isEqualTo(FrameKind.ERROR);
        assertThat(error.message()).isEqualTo("failure to subscribe");
        assertThat(stream.classify("{\"type\":\"error\",\"message\":\"failure to subscribe\",\"reason\":\"product not found\"}").message())
                .isEqualTo("failure to subscribe: product not found");
        assertThat(stream.classify("{\"sequence_num\":3,\"channel\":\"heartbeats\",\"events\":[]}"))
                .as("key order does not matter").isEqualTo(FrameClass.HEARTBEAT);
        assertThat(stream.classify("{\"timestamp\":\"x\",\"channel\":\"subscriptions\"}")).isEqualTo(FrameClass.CONTROL);
        assertThat(stream.classify("{\"timestamp\":\"x\",\"channel\":\"market_trades\"}")).isEqualTo(FrameClass.DATA);
        assertThat(stream.classify("not json").kind()).as("the parser dead-letters it").isEqualTo(FrameKind.DATA);
    }

    @Test
    void classifiesTheRealOldExchangeFramesAsDataForTheParserToReject() throws Exception {
        for (RealCaptures.Frame frame : RealCaptures.received("exchange_ws_matches_2021-04-17.jsonl")) {
            assertThat(stream.classify(frame.text()).kind()).as(frame.text()).isEqualTo(FrameKind.DATA);
        }
    }
}
