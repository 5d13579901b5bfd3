package io.klinepipeline.exchange.kraken;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.StreamProtocol;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One Kraken WebSocket v2 connection per pair: {@code <ws_url>/v2}, then
 * {@code {"method":"subscribe","params":{"channel":"ohlc","symbol":["BTC/USD"],"interval":1}}}
 * (docs.kraken.com, Spot WebSocket v2 "Candles (OHLC)"). The rules below come from Kraken's
 * "Spot WebSocket Introduction" (spot-ws-intro) and the v2 "Heartbeat", "Ping" and "Status" pages:
 * <ul>
 *   <li>the server sends {@code {"channel":"heartbeat"}} about once a second when no other
 *       update is due, so a heartbeat proves the connection alive;</li>
 *   <li>the server closes a connection after about a minute of inactivity, and any request, a
 *       ping for instance, keeps it alive: we send {@code {"method":"ping"}} every 30 s, half that
 *       window, on top of the heartbeats; Kraken answers {@code {"method":"pong",...}};</li>
 *   <li>Cloudflare allows about 150 connection attempts per IP per rolling 10 minutes and bans the
 *       IP for 10 minutes beyond that;</li>
 *   <li>no maximum connection age is documented: we use 24 h, as for the other exchanges.</li>
 * </ul>
 */
final class KrakenStreamProtocol implements StreamProtocol {
    static final String CHANNEL = "ohlc";
    static final Duration PING_INTERVAL = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    // 150 per 10 minutes is Kraken's ban threshold; a burst of 5 keeps a reconnect storm well below it.
    private static final ConnectionLimit LIMIT = new ConnectionLimit(150, Duration.ofMinutes(10), 5);
    private static final String OHLC_PREFIX = "{\"channel\":\"ohlc\"";
    private static final String HEARTBEAT = "{\"channel\":\"heartbeat\"}";

    @Override
    public URI endpoint(URI wsBase, String symbol) {
        String base = wsBase.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v2");
    }

    @Override
    public List<String> subscribeMessages(String symbol) {
        return List.of("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ohlc\",\"symbol\":[\""
                + KrakenPairNames.webSocketName(symbol) + "\"],\"interval\":1}}");
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public Optional<ClientPing> clientPing() {
        return Optional.of(new ClientPing("{\"method\":\"ping\"}", PING_INTERVAL));
    }

    @Override
    public Duration maxConnectionAge() {
        return Duration.ofHours(24); // Kraken documents no cut-off
    }

    @Override
    public ConnectionLimit connectionLimit() {
        return LIMIT;
    }

    /** Kraken: "Heartbeat messages are sent approximately once every second in the absence of any other channel updates". */
    @Override
    public boolean heartbeatsShowLiveness() {
        return true;
    }

    /**
     * Candle frames and idle heartbeats are told by their first bytes; the rare rest (acks, pongs,
     * status, errors) is parsed. {@code status} carries a {@code connection_id} above the int64
     * range, which Jackson reads as a BigInteger: harmless here, as nothing reads it.
     */
    @Override
    public FrameClass classify(String frameText) {
        if (frameText.startsWith(OHLC_PREFIX)) {
            return FrameClass.DATA;
        }
        if (frameText.equals(HEARTBEAT)) {
            return FrameClass.HEARTBEAT;
        }
        JsonNode node = parse(frameText);
        if (node == null || !node.isObject()) {
            return FrameClass.DATA; // not v2 JSON: the parser dead-letters it
        }
        JsonNode error = node.has("error") ? node.get("error") : node.get("Error");
        boolean refused = node.path("success").isBoolean() && !node.get("success").booleanValue();
        if (error != null || refused) {
            String method = node.path("method").asText("");
            String message = error == null ? "success:false without an error message" : error.asText(error.toString());
            return FrameClass.error(method.isEmpty() ? message : method + ": " + message);
        }
        String method = node.path("method").asText(null);
        if ("pong".equals(method)) {
            return FrameClass.PONG;
        }
        if (method != null) {
            return FrameClass.CONTROL; // subscribe / unsubscribe acks
        }
        String channel = node.path("channel").asText("");
        return switch (channel) {
            case "heartbeat" -> FrameClass.HEARTBEAT;
            case "status" -> FrameClass.CONTROL;
            default -> FrameClass.DATA; // ohlc with other key order, or something the parser rejects
        };
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
