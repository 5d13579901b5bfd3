package io.klinepipeline.exchange.bybit;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.exchange.FrameKind;
import io.klinepipeline.exchange.StreamProtocol;
import io.klinepipeline.exchange.StreamProtocol.ClientPing;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BybitStreamProtocolTest {
    private final StreamProtocol stream = new BybitExchange().stream();

    @Test
    void connectsToTheSpotPathAndSubscribesToTheOneMinuteTopic() {
        assertThat(stream.endpoint(URI.create("wss://stream.bybit.com"), "BTCUSDT"))
                .isEqualTo(URI.create("wss://stream.bybit.com/v5/public/spot"));
        assertThat(stream.endpoint(URI.create("ws://127.0.0.1:18084/"), "ETHUSDT"))
                .isEqualTo(URI.create("ws://127.0.0.1:18084/v5/public/spot"));
        assertThat(stream.subscribeMessages("BTCUSDT")).containsExactly("{\"op\":\"subscribe\",\"args\":[\"kline.1.BTCUSDT\"]}");
        assertThat(stream.channel()).isEqualTo("kline.1");
    }

    @Test
    void pingsEveryTwentySecondsWithinBybitsConnectionRules() {
        assertThat(stream.clientPing()).contains(new ClientPing("{\"op\":\"ping\"}", Duration.ofSeconds(20)));
        assertThat(stream.maxConnectionAge()).as("none documented for public streams").isEqualTo(Duration.ofHours(24));
        assertThat(stream.connectionLimit().connections()).isEqualTo(500);
        assertThat(stream.connectionLimit().per()).isEqualTo(Duration.ofMinutes(5));
        assertThat(stream.heartbeatsShowLiveness()).isFalse();
    }

    @Test
    void classifiesTopicMessagesAsDataWithoutParsing() {
        assertThat(stream.classify("{\"topic\":\"kline.1.BTCUSDT\",\"data\":[],\"ts\":1,\"type\":\"snapshot\"}").kind())
                .isEqualTo(FrameKind.DATA);
        assertThat(stream.classify("{\"type\":\"snapshot\",\"topic\":\"kline.1.BTCUSDT\",\"data\":[{\"open\":\"1\"}]}").kind())
                .as("another key order").isEqualTo(FrameKind.DATA);
        assertThat(stream.classify("not json \"op\"").kind()).as("the parser dead-letters it").isEqualTo(FrameKind.DATA);
        assertThat(stream.classify("{\"nested\":{\"op\":\"subscribe\"}}").kind()).isEqualTo(FrameKind.DATA);
    }

    @Test
    void classifiesSubscriptionAnswers() {
        assertThat(stream.classify("{\"success\":true,\"ret_msg\":\"\",\"conn_id\":\"cejreassvfrsfvb9v1a0-2m\",\"op\":\"subscribe\"}").kind())
                .isEqualTo(FrameKind.CONTROL);
        assertThat(stream.classify("{\"success\":true,\"ret_msg\":\"\",\"conn_id\":\"c\",\"req_id\":\"\",\"op\":\"unsubscribe\"}").kind())
                .isEqualTo(FrameKind.CONTROL);
        StreamProtocol.FrameClass refused = stream.classify(
                "{\"success\":false,\"ret_msg\":\"Invalid symbol :[kline.1.NOPEUSDT]\",\"conn_id\":\"c\",\"op\":\"subscribe\"}");
        assertThat(refused.kind()).isEqualTo(FrameKind.ERROR);
        assertThat(refused.message()).isEqualTo("subscribe refused: Invalid symbol :[kline.1.NOPEUSDT]");
        assertThat(stream.classify("{\"success\":false,\"ret_msg\":\"\",\"op\":\"subscribe\"}").message())
                .as("without a message, the frame itself").contains("\"success\":false");
    }

    @Test
    void classifiesBothDocumentedPongShapes() {
        assertThat(stream.classify("{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"0970e817-426e-429a-a679-ff7f55e0b16a\",\"op\":\"ping\"}")
                .kind()).as("spot").isEqualTo(FrameKind.PONG);
        assertThat(stream.classify("{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"465772b1\",\"req_id\":\"\",\"op\":\"ping\"}")
                .kind()).as("linear/inverse").isEqualTo(FrameKind.PONG);
        assertThat(stream.classify("{\"args\":[\"1672916271846\"],\"op\":\"pong\"}").kind()).as("option/spread").isEqualTo(FrameKind.PONG);
        assertThat(stream.classify("{\"success\":false,\"ret_msg\":\"rate limited\",\"op\":\"ping\"}").kind())
                .as("a refused ping is an error, not a pong").isEqualTo(FrameKind.ERROR);
    }
}
