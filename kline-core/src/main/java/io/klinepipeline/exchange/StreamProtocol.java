package io.klinepipeline.exchange;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How one pair's 1-minute candle stream is opened and kept alive. */
public interface StreamProtocol {

    /** The WebSocket URL for one symbol, below the configured {@code ws_url}. */
    URI endpoint(URI wsBase, String symbol);

    /** Text frames to send once the handshake completes; empty when the URL alone subscribes. */
    List<String> subscribeMessages(String symbol);

    /** The channel name stored in every JSONL envelope, e.g. {@code kline_1m}. */
    String channel();

    /** A text ping the client must send when the exchange expects one; empty when the server pings. */
    Optional<ClientPing> clientPing();

    /** The exchange's own cap on a connection's life; the engine reconnects before it. */
    Duration maxConnectionAge();

    /**
     * Whether a text frame announces that the server will go down soon, so the engine opens a
     * replacement connection at once instead of waiting for the cut. Exchanges without such a
     * notice recognise none.
     */
    default boolean isShutdownNotice(String frameText) {
        return false;
    }

    /** A text frame the client sends to keep a connection alive, and how often. */
    record ClientPing(String text, Duration interval) {}
}
