package io.klinepipeline.exchange.okx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.StreamProtocol;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One connection per pair to {@code <ws_url>/ws/v5/business}, subscribed to {@code candle1m}.
 * Candle channels moved from {@code /public} to {@code /business} on 2023-06-20 (OKX announcement
 * "Changes to V5 API WebSocket subscription parameter and URL"); on {@code /public} they are
 * refused. Rules from OKX v5 "WebSocket / Overview":
 * <ul>
 *   <li>connection limit: 3 requests per second per IP; 480 subscribe/unsubscribe/login requests
 *       per connection per hour (we send one);</li>
 *   <li>"the connection will break automatically if the subscription is not established or data
 *       has not been pushed for more than 30 seconds": send the string {@code ping} when nothing
 *       arrived for N &lt; 30 seconds and expect the string {@code pong};</li>
 *   <li>{@code {"event":"notice","code":"64008",…}} is pushed 30 s before a service upgrade closes
 *       the connection: "users can reconnect to avoid disconnection";</li>
 *   <li>subscribe answers {@code {"event":"subscribe","arg":{…},"connId":…}}, failures
 *       {@code {"event":"error","code":"60012","msg":…,"connId":…}}; {@code channel-conn-count}
 *       reports connection counts (private channels) and {@code channel-conn-count-error} a
 *       subscription dropped for exceeding them;</li>
 *   <li>no maximum connection age is documented: we use 24 h, as for the other exchanges.</li>
 * </ul>
 */
final class OkxStreamProtocol implements StreamProtocol {
    static final String PATH = "/ws/v5/business";
    /** Under OKX's 30 s of silence, with room for a slow round trip. */
    static final Duration PING_INTERVAL = Duration.ofSeconds(25);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ConnectionLimit LIMIT = new ConnectionLimit(3, Duration.ofSeconds(1), 3);
    private static final String PUSH_PREFIX = "{\"arg\":";

    @Override
    public URI endpoint(URI wsBase, String symbol) {
        OkxInstruments.spotInstId(symbol);
        String base = wsBase.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + PATH);
    }

    @Override
    public List<String> subscribeMessages(String symbol) {
        return List.of("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"" + OkxCandleParser.CHANNEL + "\",\"instId\":\""
                + OkxInstruments.spotInstId(symbol) + "\"}]}");
    }

    @Override
    public String channel() {
        return OkxCandleParser.CHANNEL;
    }

    @Override
    public Optional<ClientPing> clientPing() {
        return Optional.of(new ClientPing("ping", PING_INTERVAL));
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
     * The text {@code pong} and push frames (they begin with {@code {"arg":}) are told by plain
     * string tests; only the rare frames naming an {@code event} are parsed.
     */
    @Override
    public FrameClass classify(String frameText) {
        if (frameText.equals("pong")) {
            return FrameClass.PONG;
        }
        if (frameText.startsWith(PUSH_PREFIX) || !frameText.contains("\"event\"")) {
            return FrameClass.DATA;
        }
        JsonNode node = parse(frameText);
        JsonNode event = node == null || !node.isObject() ? null : node.get("event");
        if (event == null || !event.isTextual()) {
            return FrameClass.DATA; // the parser judges it, and dead-letters what is not a candle
        }
        return switch (event.asText()) {
            case "error" -> FrameClass.error("OKX error " + node.path("code").asText("?") + ": " + node.path("msg").asText(""));
            case "notice" -> FrameClass.SHUTDOWN_NOTICE;
            case "channel-conn-count-error" -> FrameClass.error("OKX dropped the subscription of channel "
                    + node.path("channel").asText("?") + ": too many connections (" + node.path("connCount").asText("?") + ")");
            default -> FrameClass.CONTROL; // subscribe, unsubscribe, channel-conn-count
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
