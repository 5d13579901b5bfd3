package io.klinepipeline.exchange.kraken;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.exchange.FrameKind;
import io.klinepipeline.exchange.StreamProtocol;
import io.klinepipeline.exchange.StreamProtocol.FrameClass;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class KrakenStreamProtocolTest {
    private final StreamProtocol stream = new KrakenExchange().stream();

    @Test
    void connectsToTheV2PathBelowTheConfiguredBase() {
        assertThat(stream.endpoint(URI.create("wss://ws.kraken.com"), "BTC/USD")).isEqualTo(URI.create("wss://ws.kraken.com/v2"));
        assertThat(stream.endpoint(URI.create("ws://127.0.0.1:18082"), "ETH/USD")).isEqualTo(URI.create("ws://127.0.0.1:18082/v2"));
        assertThat(stream.endpoint(URI.create("ws://127.0.0.1:18082/"), "ETH/USD")).isEqualTo(URI.create("ws://127.0.0.1:18082/v2"));
    }

    @Test
    void subscribesToTheOneMinuteOhlcChannelInV2Notation() {
        assertThat(stream.subscribeMessages("BTC/USD")).containsExactly(
                "{\"method\":\"subscribe\",\"params\":{\"channel\":\"ohlc\",\"symbol\":[\"BTC/USD\"],\"interval\":1}}");
        assertThat(stream.subscribeMessages("XBT/USD")).as("v2 refuses XBT; it names bitcoin BTC")
                .containsExactly("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ohlc\",\"symbol\":[\"BTC/USD\"],\"interval\":1}}");
        assertThat(stream.channel()).isEqualTo("ohlc");
    }

    @Test
    void pingsEveryThirtySecondsAndTrustsHeartbeats() {
        assertThat(stream.clientPing()).contains(new StreamProtocol.ClientPing("{\"method\":\"ping\"}", Duration.ofSeconds(30)));
        assertThat(stream.heartbeatsShowLiveness()).isTrue();
        assertThat(stream.maxConnectionAge()).as("none documented").isEqualTo(Duration.ofHours(24));
        assertThat(stream.connectionLimit().connections()).isEqualTo(150);
        assertThat(stream.connectionLimit().per()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void classifiesTheDocumentedFrames() {
        assertThat(stream.classify("{\"channel\":\"ohlc\",\"type\":\"update\",\"data\":[]}")).isEqualTo(FrameClass.DATA);
        assertThat(stream.classify("{\"type\":\"update\",\"channel\":\"ohlc\",\"data\":[]}").kind())
                .as("key order does not matter").isEqualTo(FrameKind.DATA);
        assertThat(stream.classify("{\"channel\":\"heartbeat\"}")).isEqualTo(FrameClass.HEARTBEAT);
        assertThat(stream.classify("{\"method\":\"pong\",\"req_id\":101,\"time_in\":\"2023-09-24T14:10:23.799685Z\","
                + "\"time_out\":\"2023-09-24T14:10:23.799703Z\"}")).isEqualTo(FrameClass.PONG);
        assertThat(stream.classify("{\"method\":\"subscribe\",\"result\":{\"channel\":\"ohlc\",\"interval\":1,\"snapshot\":true,"
                + "\"symbol\":\"BTC/USD\"},\"success\":true,\"time_in\":\"2023-09-25T09:04:31.742599Z\","
                + "\"time_out\":\"2023-09-25T09:04:31.742648Z\"}")).isEqualTo(FrameClass.CONTROL);
        assertThat(stream.classify("{\"channel\":\"status\",\"data\":[{\"api_version\":\"v2\",\"connection_id\":18446744073709551615,"
                + "\"system\":\"maintenance\",\"version\":\"2.0.0\"}],\"type\":\"update\"}")).isEqualTo(FrameClass.CONTROL);
        FrameClass limited = stream.classify("{\"error\":\"EAPI:Rate limit exceeded\",\"method\":\"subscribe\",\"success\":false}");
        assertThat(limited.kind()).isEqualTo(FrameKind.ERROR);
        assertThat(limited.message()).isEqualTo("subscribe: EAPI:Rate limit exceeded");
        assertThat(stream.classify("{\"method\":\"subscribe\",\"success\":false}").kind()).isEqualTo(FrameKind.ERROR);
        assertThat(stream.classify("not json").kind()).as("the parser dead-letters it").isEqualTo(FrameKind.DATA);
        assertThat(stream.classify("[343,[],\"ohlc-1\",\"XBT/USD\"]").kind()).as("v1: the parser dead-letters it").isEqualTo(FrameKind.DATA);
    }

    @Test
    void classifiesEveryRealV2ControlFrame() throws Exception {
        List<RealCaptures.Frame> frames = RealCaptures.received("ws_v2_ohlc_and_control_frames_2024-2025.jsonl");
        assertThat(frames).extracting(f -> stream.classify(f.text()).kind()).containsExactly(
                FrameKind.DATA, FrameKind.CONTROL, FrameKind.PONG, FrameKind.HEARTBEAT, FrameKind.CONTROL, FrameKind.CONTROL,
                FrameKind.ERROR, FrameKind.ERROR, FrameKind.ERROR);
        assertThat(stream.classify(frames.get(6).text()).message())
                .as("the leading space of the real frame is no obstacle").isEqualTo("subscribe: Currency pair not supported WWW/USD");
        assertThat(stream.classify(frames.get(7).text()).message()).contains("Unsupported field: 'params'");
        assertThat(stream.classify(frames.get(8).text()).message()).isEqualTo("subscribe: Unsupported event");
    }
}
