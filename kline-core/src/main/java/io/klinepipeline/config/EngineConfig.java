package io.klinepipeline.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How the ingestion engine runs its connections and files. Defaults live here and only here.
 *
 * @param maxConnectionAge reconnect before this age; Binance cuts every connection at 24 h
 * @param reconnectInitialDelay first back-off after a failure; doubles up to reconnectMaxDelay
 * @param idleTimeout no frame (data or ping) for this long means the connection is dead
 * @param connectSpacing pause between opening two connections (exchanges limit new connections per IP)
 * @param rollMaxBytes a JSONL file is closed and queued for upload at this size
 * @param rollMaxAge ... or at this age, whichever comes first (and always at the UTC hour); short, since the
 *     workers load a file only once it is finished: this bounds how far silver trails the exchange
 * @param uploadRetryDelay first pause before retrying a failed upload; doubles up to 5 minutes
 * @param flushInterval a received frame is on stable storage (fsynced) at most this long after it arrived: the
 *     bound on what a power loss can take; the engine forces its open files at most twice per interval
 * @param statusAddress where /health and /metrics are served (loopback by default); empty when off
 */
public record EngineConfig(
        Duration maxConnectionAge,
        Duration reconnectInitialDelay,
        Duration reconnectMaxDelay,
        Duration idleTimeout,
        Duration connectSpacing,
        long rollMaxBytes,
        Duration rollMaxAge,
        Duration uploadRetryDelay,
        Duration flushInterval,
        Optional<StatusAddress> statusAddress) {

    /** The settings when pipeline.yaml has no {@code engine} section. */
    public static EngineConfig defaults() {
        return from(new ConfigNode(null, "engine"));
    }

    static EngineConfig from(ConfigNode node) {
        node.allowOnly("max_connection_age_seconds", "reconnect_initial_delay_ms", "reconnect_max_delay_ms",
                "idle_timeout_seconds", "connect_spacing_ms", "roll_max_bytes", "roll_max_age_seconds",
                "upload_retry_delay_ms", "flush_interval_ms", "status_address");
        return new EngineConfig(
                Duration.ofSeconds(node.optionalPositiveLong("max_connection_age_seconds", 23 * 3600)),
                Duration.ofMillis(node.optionalPositiveLong("reconnect_initial_delay_ms", 1_000)),
                Duration.ofMillis(node.optionalPositiveLong("reconnect_max_delay_ms", 60_000)),
                Duration.ofSeconds(node.optionalPositiveLong("idle_timeout_seconds", 90)),
                Duration.ofMillis(node.optionalPositiveLong("connect_spacing_ms", 250)),
                node.optionalPositiveLong("roll_max_bytes", 64L * 1024 * 1024),
                Duration.ofSeconds(node.optionalPositiveLong("roll_max_age_seconds", 60)),
                Duration.ofMillis(node.optionalPositiveLong("upload_retry_delay_ms", 1_000)),
                Duration.ofMillis(node.optionalPositiveLong("flush_interval_ms", 1_000)),
                StatusAddress.parse(node.key("status_address"), node.optionalString("status_address", StatusAddress.DEFAULT)));
    }
}
