package io.klinepipeline.exchange.binance;

import io.klinepipeline.exchange.StreamProtocol;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One raw stream per pair: {@code <ws_url>/ws/<symbol lowercase>@kline_1m}. The URL subscribes by
 * itself; the server sends a ping frame every 20 s and expects a pong with the same payload
 * (Netty-level, not JSON); it cuts every connection after 24 hours.
 */
final class BinanceStreamProtocol implements StreamProtocol {

    @Override
    public URI endpoint(URI wsBase, String symbol) {
        return URI.create(wsBase.toString() + "/ws/" + symbol.toLowerCase(Locale.ROOT) + "@kline_1m");
    }

    @Override
    public List<String> subscribeMessages(String symbol) {
        return List.of();
    }

    @Override
    public String channel() {
        return "kline_1m";
    }

    @Override
    public Optional<ClientPing> clientPing() {
        return Optional.empty();
    }

    @Override
    public Duration maxConnectionAge() {
        return Duration.ofHours(24);
    }
}
