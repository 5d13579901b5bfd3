package io.klinepipeline.exchange.binance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.StreamProtocol;
import java.io.IOException;
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
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** {@code {"e":"serverShutdown","E":<ms>}}, sent ahead of a server's maintenance ("WebSocket Streams"). */
    @Override
    public boolean isShutdownNotice(String frameText) {
        if (!frameText.contains("serverShutdown")) {
            return false; // every kline frame takes this path: no parsing
        }
        try {
            JsonNode node = JSON.readTree(frameText);
            return node != null && node.isObject() && "serverShutdown".equals(node.path("e").asText(null));
        } catch (IOException e) {
            return false;
        }
    }
}
