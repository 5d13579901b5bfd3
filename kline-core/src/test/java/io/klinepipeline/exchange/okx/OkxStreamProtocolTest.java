package io.klinepipeline.exchange.okx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.exchange.FrameKind;
import io.klinepipeline.exchange.StreamProtocol;
import io.klinepipeline.exchange.StreamProtocol.ClientPing;
import io.klinepipeline.exchange.StreamProtocol.FrameClass;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OkxStreamProtocolTest {
    private final StreamProtocol stream = new OkxExchange().stream();

    @Test
    void connectsToTheBusinessEndpointAndSubscribesToOneMinuteCandles() {
        assertThat(stream.endpoint(URI.create("wss://ws.okx.com:8443"), "BTC-USDT"))
                .isEqualTo(URI.create("wss://ws.okx.com:8443/ws/v5/business"));
        assertThat(stream.endpoint(URI.create("ws://127.0.0.1:18085/"), "ETH-USDT"))
                .isEqualTo(URI.create("ws://127.0.0.1:18085/ws/v5/business"));
        assertThat(stream.subscribeMessages("BTC-USDT"))
                .containsExactly("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"candle1m\",\"instId\":\"BTC-USDT\"}]}");
        assertThat(stream.subscribeMessages("eth-usdc")).as("OKX instrument IDs are upper case")
                .containsExactly("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"candle1m\",\"instId\":\"ETH-USDC\"}]}");
        assertThat(stream.channel()).isEqualTo("candle1m");
    }

    @Test
    void refusesInstrumentsThatAreNotSpotPairs() {
        assertThatThrownBy(() -> stream.subscribeMessages("BTC-USDT-SWAP")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'BTC-USDT-SWAP' is not a spot pair BASE-QUOTE");
        assertThatThrownBy(() -> stream.endpoint(URI.create("wss://ws.okx.com:8443"), "BTC-USD-240628"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a spot pair");
        assertThatThrownBy(() -> stream.subscribeMessages("BTCUSDT")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> stream.subscribeMessages("BTC/USDT")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pingsWithTheTextPingWithinOkxsThirtySecondsAndOpensThreeConnectionsASecond() {
        assertThat(stream.clientPing()).contains(new ClientPing("ping", Duration.ofSeconds(25)));
        assertThat(stream.clientPing().get().interval()).isLessThan(Duration.ofSeconds(30));
        assertThat(stream.maxConnectionAge()).as("none documented").isEqualTo(Duration.ofHours(24));
        assertThat(stream.connectionLimit()).isEqualTo(new StreamProtocol.ConnectionLimit(3, Duration.ofSeconds(1), 3));
        assertThat(stream.heartbeatsShowLiveness()).isFalse();
    }

    @Test
    void classifiesPongAndPushFramesWithoutParsing() {
        assertThat(stream.classify("pong").kind()).isEqualTo(FrameKind.PONG);
        assertThat(stream.classify("pong ").kind()).as("only the exact text").isEqualTo(FrameKind.DATA);
        assertThat(stream.classify("{\"arg\":{\"channel\":\"candle1m\",\"instId\":\"BTC-USDT\"},\"data\":[[\"1\"]]}").kind())
                .isEqualTo(FrameKind.DATA);
        assertThat(stream.classify("{\"data\":[],\"arg\":{\"channel\":\"candle1m\"}}").kind()).as("another key order")
                .isEqualTo(FrameKind.DATA);
        assertThat(stream.classify("not json \"event\"").kind()).as("the parser dead-letters it").isEqualTo(FrameKind.DATA);
        assertThat(stream.classify("{\"nested\":{\"event\":\"error\"}}").kind()).isEqualTo(FrameKind.DATA);
    }

    @Test
    void classifiesEventFramesAsDocumented() {
        assertThat(stream.classify("{\"event\":\"subscribe\",\"arg\":{\"channel\":\"candle1m\",\"instId\":\"BTC-USDT\"},\"connId\":\"a4d3ae55\"}")
                .kind()).isEqualTo(FrameKind.CONTROL);
        assertThat(stream.classify("{\"event\":\"unsubscribe\",\"arg\":{\"channel\":\"candle1m\",\"instId\":\"BTC-USDT\"},\"connId\":\"a4d3ae55\"}")
                .kind()).isEqualTo(FrameKind.CONTROL);
        assertThat(stream.classify("{\"event\":\"channel-conn-count\",\"channel\":\"orders\",\"connCount\":\"2\",\"connId\":\"abcd1234\"}")
                .kind()).isEqualTo(FrameKind.CONTROL);

        FrameClass error = stream.classify("{\"event\":\"error\",\"code\":\"60012\",\"msg\":\"Invalid request: "
                + "{\\\"op\\\": \\\"subscribe\\\", \\\"argss\\\":[{ \\\"channel\\\" : \\\"candle1m\\\"}]}\",\"connId\":\"a4d3ae55\"}");
        assertThat(error.kind()).isEqualTo(FrameKind.ERROR);
        assertThat(error.message()).startsWith("OKX error 60012: Invalid request:");
        FrameClass wrongEndpoint = stream.classify("{\"event\":\"error\",\"msg\":\"Wrong URL or channel:candle1m,instId:BTC-USDT doesn't exist. "
                + "Please use the correct URL, channel and parameters referring to API document.\",\"code\":\"60018\",\"connId\":\"1b2c3d\"}");
        assertThat(wrongEndpoint.message()).isEqualTo("OKX error 60018: Wrong URL or channel:candle1m,instId:BTC-USDT doesn't exist. "
                + "Please use the correct URL, channel and parameters referring to API document.");

        assertThat(stream.classify("{\"event\":\"notice\",\"code\":\"64008\",\"msg\":\"The connection will soon be closed for a service "
                + "upgrade. Please reconnect.\",\"connId\":\"a4d3ae55\"}").kind()).isEqualTo(FrameKind.SHUTDOWN_NOTICE);
        FrameClass dropped = stream.classify("{\"event\":\"channel-conn-count-error\",\"channel\":\"orders\",\"connCount\":\"30\",\"connId\":\"a4d3ae55\"}");
        assertThat(dropped.kind()).as("not the same as channel-conn-count").isEqualTo(FrameKind.ERROR);
        assertThat(dropped.message()).contains("orders").contains("30");
    }

    @Test
    void classifiesTheRealOkcoinFramesAcksAsControlAndCandlesAsData() throws Exception {
        List<RealCaptures.Frame> frames = RealCaptures.received("okcoin_v5_ws_candle1m_confirm_0_to_1_2023-05-27.jsonl");
        long acks = frames.stream().filter(f -> stream.classify(f.text()).kind() == FrameKind.CONTROL).count();
        long data = frames.stream().filter(f -> stream.classify(f.text()).kind() == FrameKind.DATA).count();
        assertThat(acks).as("duplicated subscribe acks").isEqualTo(40);
        assertThat(data).isEqualTo(12);
        assertThat(frames).hasSize(52);
    }
}
