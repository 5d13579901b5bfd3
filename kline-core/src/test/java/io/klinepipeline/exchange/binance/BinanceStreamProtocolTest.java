package io.klinepipeline.exchange.binance;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.exchange.StreamProtocol;
import java.net.URI;
import org.junit.jupiter.api.Test;

class BinanceStreamProtocolTest {
    private final StreamProtocol stream = new BinanceExchange().stream();

    @Test
    void oneRawStreamPerSymbolSubscribedByTheUrl() {
        assertThat(stream.endpoint(URI.create("wss://stream.binance.com:9443"), "BTCUSDT"))
                .isEqualTo(URI.create("wss://stream.binance.com:9443/ws/btcusdt@kline_1m"));
        assertThat(stream.subscribeMessages("BTCUSDT")).isEmpty();
        assertThat(stream.clientPing()).as("Binance pings; the client answers").isEmpty();
    }

    @Test
    void recognisesTheServerShutdownNoticeOnly() {
        assertThat(stream.isShutdownNotice("{\"e\":\"serverShutdown\",\"E\":1700000000000}")).isTrue();
        assertThat(stream.isShutdownNotice("{\"e\":\"kline\",\"E\":1,\"s\":\"BTCUSDT\",\"k\":{}}")).isFalse();
        assertThat(stream.isShutdownNotice("{\"e\":\"kline\",\"note\":\"serverShutdown\"}")).isFalse();
        assertThat(stream.isShutdownNotice("serverShutdown")).isFalse();
    }
}
