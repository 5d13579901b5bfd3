package io.klinepipeline.exchange.coinbase;

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
 * One Coinbase Advanced Trade market-data connection per product: {@code <ws_url>} itself
 * (production {@code wss://advanced-trade-ws.coinbase.com}, no path), then two subscribe frames,
 * one per channel as Advanced Trade wants them. Sources: Coinbase "Advanced Trade WebSocket
 * Overview" and "WebSocket Channels", "Advanced Trade WebSocket Rate Limits":
 * <ul>
 *   <li>{@code market_trades}: trades, batched over 250 ms; the first message is a snapshot;</li>
 *   <li>{@code heartbeats}: "Most channels close within 60-90 seconds if no updates are sent.
 *       Subscribe to heartbeats to keep all subscriptions open"; sent every second, so a
 *       heartbeat proves the connection alive and no client ping is needed;</li>
 *   <li>"WebSocket connections are rate-limited at 8 per second per IP address" and
 *       "unauthenticated messages are rate-limited at 8 per second per IP address": each
 *       connection sends two subscribe messages, so at most 4 new connections a second keep both
 *       limits;</li>
 *   <li>no maximum connection age is documented: 24 h, as for the other exchanges.</li>
 * </ul>
 */
final class CoinbaseStreamProtocol implements StreamProtocol {
    static final String CHANNEL = "market_trades";
    static final String HEARTBEATS = "heartbeats";
    static final String SUBSCRIPTIONS = "subscriptions";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ConnectionLimit LIMIT = new ConnectionLimit(4, Duration.ofSeconds(1), 4);
    private static final String TRADES_PREFIX = "{\"channel\":\"market_trades\"";
    private static final String HEARTBEATS_PREFIX = "{\"channel\":\"heartbeats\"";
    private static final String SUBSCRIPTIONS_PREFIX = "{\"channel\":\"subscriptions\"";

    /** The configured base as it is: Advanced Trade serves market data on the root path. */
    @Override
    public URI endpoint(URI wsBase, String symbol) {
        return wsBase;
    }

    @Override
    public List<String> subscribeMessages(String symbol) {
        String product = productId(symbol);
        return List.of(subscribe(product, CHANNEL), subscribe(product, HEARTBEATS));
    }

    private static String subscribe(String product, String channel) {
        return "{\"type\":\"subscribe\",\"product_ids\":[\"" + product + "\"],\"channel\":\"" + channel + "\"}";
    }

    /** Coinbase product ids are upper case, {@code BTC-USD}. */
    static String productId(String symbol) {
        CoinbaseExchange.symbolRules().validate(symbol);
        return symbol.toUpperCase(Locale.ROOT);
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public Optional<ClientPing> clientPing() {
        return Optional.empty();
    }

    @Override
    public Duration maxConnectionAge() {
        return Duration.ofHours(24); // Coinbase documents no cut-off
    }

    @Override
    public ConnectionLimit connectionLimit() {
        return LIMIT;
    }

    /** "Subscribe to the heartbeats channel to receive heartbeats messages every second." */
    @Override
    public boolean heartbeatsShowLiveness() {
        return true;
    }

    /**
     * Trade and heartbeat frames are told by their first bytes (Coinbase writes {@code channel}
     * first); the rare rest (subscription acks, errors, other key orders) is parsed.
     */
    @Override
    public FrameClass classify(String frameText) {
        if (frameText.startsWith(TRADES_PREFIX)) {
            return FrameClass.DATA;
        }
        if (frameText.startsWith(HEARTBEATS_PREFIX)) {
            return FrameClass.HEARTBEAT;
        }
        if (frameText.startsWith(SUBSCRIPTIONS_PREFIX)) {
            return FrameClass.CONTROL;
        }
        JsonNode node = parse(frameText);
        if (node == null || !node.isObject()) {
            return FrameClass.DATA; // not JSON: the parser dead-letters it
        }
        if ("error".equals(node.path("type").asText(""))) {
            JsonNode message = node.get("message");
            String text = message != null && message.isTextual() ? message.asText() : frameText;
            JsonNode reason = node.get("reason");
            return FrameClass.error(reason != null && reason.isTextual() && !reason.asText().isEmpty()
                    ? text + ": " + reason.asText() : text);
        }
        return switch (node.path("channel").asText("")) {
            case HEARTBEATS -> FrameClass.HEARTBEAT;
            case SUBSCRIPTIONS -> FrameClass.CONTROL;
            default -> FrameClass.DATA; // market_trades in another key order, or something the parser rejects
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
