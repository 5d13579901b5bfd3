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
 * (Netty-level, not JSON); it cuts every connection after 24 hours. At most 300 new connections
 * per 5 minutes per IP ("WebSocket Streams", "WebSocket Limits").
 */
final class BinanceStreamProtocol implements StreamProtocol {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ConnectionLimit LIMIT = new ConnectionLimit(300, Duration.ofMinutes(5), 5);

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

    @Override
    public ConnectionLimit connectionLimit() {
        return LIMIT;
    }

    /**
     * {@code {"e":"serverShutdown","E":<ms>}} comes ahead of a server's maintenance; {@code {"result":..,"id":..}}
     * answers a request (none are sent on raw streams, but it is not data); everything else is data.
     */
    @Override
    public FrameClass classify(String frameText) {
        if (frameText.startsWith("{\"e\":\"kline\"")) {
            return FrameClass.DATA; // nearly every frame: no parsing
        }
        JsonNode node = parse(frameText);
        if (node == null || !node.isObject()) {
            return FrameClass.DATA;
        }
        if ("serverShutdown".equals(node.path("e").asText(null))) {
            return FrameClass.SHUTDOWN_NOTICE;
        }
        if (node.has("id") && node.has("error")) {
            return FrameClass.error(node.path("error").toString());
        }
        if (node.has("id") && node.has("result")) {
            return FrameClass.CONTROL;
        }
        return FrameClass.DATA;
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
