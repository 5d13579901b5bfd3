package io.klinepipeline.exchange.bybit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.StreamProtocol;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One connection per pair to {@code <ws_url>/v5/public/spot}, subscribed to {@code kline.1.<SYMBOL>}.
 * Rules from Bybit v5 "WebSocket Stream / Connect": the client sends {@code {"op":"ping"}}
 * (every 20 s recommended); spot answers {@code {"success":true,"ret_msg":"pong","conn_id":…,"op":"ping"}}
 * while the option/spread streams answer {@code {"args":[…],"op":"pong"}}, so both count as pongs.
 * Spot takes at most 10 args per subscribe request (we send one). "Do not build over 500
 * connections in 5 minutes" per WebSocket domain (also "Rate Limit Rules", Websocket IP limit).
 * A subscription is answered {@code {"success":true|false,"ret_msg":…,"conn_id":…,"op":"subscribe"}}.
 */
final class BybitStreamProtocol implements StreamProtocol {
    static final String PATH = "/v5/public/spot";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClientPing PING = new ClientPing("{\"op\":\"ping\"}", Duration.ofSeconds(20));
    /** Bybit names no burst; "do not frequently connect and disconnect", so open few at once. */
    private static final ConnectionLimit LIMIT = new ConnectionLimit(500, Duration.ofMinutes(5), 10);

    /** The 1-minute kline topic of a symbol. */
    static String topic(String symbol) {
        return "kline.1." + symbol;
    }

    @Override
    public URI endpoint(URI wsBase, String symbol) {
        String base = wsBase.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + PATH);
    }

    @Override
    public List<String> subscribeMessages(String symbol) {
        return List.of("{\"op\":\"subscribe\",\"args\":[\"" + topic(symbol) + "\"]}");
    }

    @Override
    public String channel() {
        return "kline.1";
    }

    @Override
    public Optional<ClientPing> clientPing() {
        return Optional.of(PING);
    }

    /**
     * Bybit documents a connection lifetime only for private streams ({@code max_active_time},
     * 30 s to 10 min); none for public ones, so the pipeline's default of 24 h applies.
     */
    @Override
    public Duration maxConnectionAge() {
        return Duration.ofHours(24);
    }

    @Override
    public ConnectionLimit connectionLimit() {
        return LIMIT;
    }

    /**
     * Topic messages are data, decided on the text alone; only frames naming {@code op} or
     * {@code success} (answers to our requests, a few per connection) are parsed. Bybit's public
     * streams send no heartbeats of their own and no shutdown notice.
     */
    @Override
    public FrameClass classify(String frameText) {
        if (frameText.startsWith("{\"topic\":")) {
            return FrameClass.DATA;
        }
        if (!frameText.contains("\"op\"") && !frameText.contains("\"success\"")) {
            return FrameClass.DATA;
        }
        JsonNode node = parse(frameText);
        if (node == null || !node.isObject() || node.has("topic") || !(node.has("op") || node.has("success"))) {
            return FrameClass.DATA; // the parser judges it, and dead-letters what is not a candle
        }
        String op = node.path("op").asText("");
        JsonNode success = node.get("success");
        if (success != null && success.isBoolean() && !success.booleanValue()) {
            String message = node.path("ret_msg").asText("");
            return FrameClass.error((op.isEmpty() ? "request" : op) + " refused: " + (message.isBlank() ? frameText : message));
        }
        if ("pong".equals(op) || "ping".equals(op)) {
            return FrameClass.PONG;
        }
        return FrameClass.CONTROL;
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
