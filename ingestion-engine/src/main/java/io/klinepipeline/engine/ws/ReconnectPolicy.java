package io.klinepipeline.engine.ws;

import io.klinepipeline.config.EngineConfig;
import io.klinepipeline.exchange.StreamProtocol;
import java.time.Duration;

/**
 * When a stream reconnects.
 *
 * @param initialDelay the shortest pause before a reconnect
 * @param maxDelay the longest pause before a reconnect
 * @param stableAfter a connection that lived this long resets the back-off
 * @param rotateAfter a healthy connection is replaced (new one first) at this age
 * @param rotationOverlap the longest both connections stay open during a replacement
 * @param closeGrace how long a connection closed on purpose waits for the server's close frame
 */
public record ReconnectPolicy(Duration initialDelay, Duration maxDelay, Duration stableAfter, Duration rotateAfter,
        Duration rotationOverlap, Duration closeGrace) {

    /** Margin before the exchange's own connection cut-off. */
    static final Duration CUT_OFF_MARGIN = Duration.ofMinutes(5);

    public ReconnectPolicy {
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay");
        }
        if (rotateAfter.isNegative() || rotateAfter.isZero()) {
            throw new IllegalArgumentException("rotateAfter must be positive");
        }
    }

    /**
     * From pipeline.yaml and the exchange: rotate at engine.max_connection_age, or a few minutes
     * before the exchange cuts the connection, whichever is sooner.
     */
    public static ReconnectPolicy from(EngineConfig engine, StreamProtocol protocol) {
        Duration exchangeLimit = protocol.maxConnectionAge();
        Duration margin = exchangeLimit.dividedBy(10).compareTo(CUT_OFF_MARGIN) < 0 ? exchangeLimit.dividedBy(10) : CUT_OFF_MARGIN;
        Duration beforeCutOff = exchangeLimit.minus(margin);
        Duration rotateAfter = engine.maxConnectionAge().compareTo(beforeCutOff) < 0 ? engine.maxConnectionAge() : beforeCutOff;
        return new ReconnectPolicy(engine.reconnectInitialDelay(), engine.reconnectMaxDelay(), Duration.ofSeconds(60),
                rotateAfter, Duration.ofSeconds(10), Duration.ofSeconds(3));
    }
}
