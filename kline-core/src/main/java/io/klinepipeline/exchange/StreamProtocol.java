package io.klinepipeline.exchange;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How one pair's 1-minute candle stream is opened and kept alive, by the exchange's rules. */
public interface StreamProtocol {

    /**
     * The WebSocket URL for one symbol. {@code wsBase} is the configured {@code ws_url}
     * (scheme, host and port, e.g. {@code wss://ws.kraken.com}); the exchange adds its documented path.
     */
    URI endpoint(URI wsBase, String symbol);

    /** Text frames to send once the handshake completes; empty when the URL alone subscribes. */
    List<String> subscribeMessages(String symbol);

    /** The channel name stored in every JSONL envelope, e.g. {@code kline_1m}. */
    String channel();

    /** A text ping the client must send to keep the connection, and how often; empty when the server pings. */
    Optional<ClientPing> clientPing();

    /** The exchange's own cap on a connection's life; the engine reconnects before it. */
    Duration maxConnectionAge();

    /** How many new connections per IP the exchange accepts; the engine keeps one budget per exchange. */
    ConnectionLimit connectionLimit();

    /**
     * What a text frame is. Called on the event loop for every frame, so it must be cheap: decide
     * on plain string tests where they suffice and parse only the rare frames that need it.
     * Frames it does not recognise are {@link FrameKind#DATA}: the parser decides later whether
     * they are candles or malformed.
     */
    FrameClass classify(String frameText);

    /** Whether the exchange's heartbeats prove the data stream alive (it says it sends them when otherwise idle). */
    default boolean heartbeatsShowLiveness() {
        return false;
    }

    /** A frame's kind and, for errors, the exchange's own message. */
    record FrameClass(FrameKind kind, String message) {
        public static final FrameClass DATA = new FrameClass(FrameKind.DATA, "");
        public static final FrameClass HEARTBEAT = new FrameClass(FrameKind.HEARTBEAT, "");
        public static final FrameClass CONTROL = new FrameClass(FrameKind.CONTROL, "");
        public static final FrameClass PONG = new FrameClass(FrameKind.PONG, "");
        public static final FrameClass SHUTDOWN_NOTICE = new FrameClass(FrameKind.SHUTDOWN_NOTICE, "");

        public static FrameClass error(String message) {
            return new FrameClass(FrameKind.ERROR, message);
        }
    }

    /** A text frame the client sends to keep a connection alive, and how often. */
    record ClientPing(String text, Duration interval) {}

    /**
     * New connections the exchange allows per IP: {@code connections} per {@code per}, at most
     * {@code burst} at once.
     */
    record ConnectionLimit(int connections, Duration per, int burst) {
        public ConnectionLimit {
            if (connections <= 0 || per.isNegative() || per.isZero() || burst <= 0) {
                throw new IllegalArgumentException("need connections > 0, per > 0, burst > 0");
            }
        }
    }
}
