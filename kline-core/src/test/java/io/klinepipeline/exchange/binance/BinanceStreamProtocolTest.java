package io.klinepipeline.exchange.binance;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.exchange.FrameKind;
import io.klinepipeline.exchange.StreamProtocol;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BinanceStreamProtocolTest {
    private final StreamProtocol stream = new BinanceExchange().stream();

    @Test
    void oneRawStreamPerSymbolSubscribedByTheUrl() {
        assertThat(stream.endpoint(URI.create("wss://stream.binance.com:9443"), "BTCUSDT"))
                .isEqualTo(URI.create("wss://stream.binance.com:9443/ws/btcusdt@kline_1m"));
        assertThat(stream.subscribeMessages("BTCUSDT")).isEmpty();
        assertThat(stream.clientPing()).as("Binance pings; the client answers").isEmpty();
        assertThat(stream.maxConnectionAge()).isEqualTo(Duration.ofHours(24));
        assertThat(stream.connectionLimit().connections()).isEqualTo(300);
    }

    @Test
    void recognisesTheServerShutdownNoticeAndRequestAnswers() {
        assertThat(stream.classify("{\"e\":\"serverShutdown\",\"E\":1700000000000}").kind()).isEqualTo(FrameKind.SHUTDOWN_NOTICE);
        assertThat(stream.classify("{\"e\":\"kline\",\"E\":1,\"s\":\"BTCUSDT\",\"k\":{}}").kind()).isEqualTo(FrameKind.DATA);
        assertThat(stream.classify("{\"e\":\"kline\",\"note\":\"serverShutdown\"}").kind()).isEqualTo(FrameKind.DATA);
        assertThat(stream.classify("serverShutdown").kind()).as("not JSON: the parser dead-letters it").isEqualTo(FrameKind.DATA);
        assertThat(stream.classify("{\"result\":null,\"id\":1}").kind()).isEqualTo(FrameKind.CONTROL);
        StreamProtocol.FrameClass error = stream.classify("{\"error\":{\"code\":2,\"msg\":\"Invalid request\"},\"id\":1}");
        assertThat(error.kind()).isEqualTo(FrameKind.ERROR);
        assertThat(error.message()).contains("Invalid request");
    }
}
