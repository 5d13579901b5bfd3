package io.klinepipeline.simulator.venue;

import java.time.Duration;
import java.util.Optional;

/**
 * A venue's keepalive rules, in wall-clock time (the client's timers are wall-clock too).
 *
 * @param serverPingInterval how often the server sends a WebSocket ping (Binance); empty when it does not
 * @param clientIdleTimeout the connection is closed when the client shows no sign of life for this long
 *     (no ping, pong or request); empty when the venue does not require it
 */
public record KeepAlive(Optional<Duration> serverPingInterval, Optional<Duration> clientIdleTimeout) {
    public static KeepAlive serverPings(Duration interval, Duration pongTimeout) {
        return new KeepAlive(Optional.of(interval), Optional.of(pongTimeout));
    }

    public static KeepAlive clientMustSpeakWithin(Duration timeout) {
        return new KeepAlive(Optional.empty(), Optional.of(timeout));
    }
}
