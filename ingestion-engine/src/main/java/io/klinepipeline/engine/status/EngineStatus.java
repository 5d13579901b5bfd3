package io.klinepipeline.engine.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.klinepipeline.engine.metrics.StreamCounters;
import io.klinepipeline.engine.metrics.StreamHealth;
import io.klinepipeline.engine.metrics.UploadCounters;
import io.klinepipeline.engine.upload.UploadBacklog;
import io.klinepipeline.engine.upload.UploadQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The engine's state as /health reports it, read from the same StreamHealth and counters as the
 * metrics line. The rule: healthy (HTTP 200) when every stream is connected and its last message is
 * at most {@code staleAfter} old (the engine's idle timeout: a connection silent that long is
 * replaced anyway); otherwise 503. Upload trouble is reported but does not make the engine
 * unhealthy: files wait in the local directory, nothing is lost, and restarting would not help.
 */
public final class EngineStatus {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<StreamCounters> streams;
    private final Optional<Uploads> uploads;
    private final Clock clock;
    private final Duration staleAfter;

    /** The upload side, when S3 is enabled: its counters and its queue (for the backlog). */
    public record Uploads(UploadCounters counters, UploadQueue queue) {}

    /** One reading: healthy or not, and the JSON document that says why. */
    public record Report(boolean healthy, ObjectNode json) {}

    public EngineStatus(List<StreamCounters> streams, Optional<Uploads> uploads, Clock clock, Duration staleAfter) {
        this.streams = List.copyOf(streams);
        this.uploads = uploads;
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    public List<StreamCounters> streams() {
        return streams;
    }

    public Optional<Uploads> uploads() {
        return uploads;
    }

    /** Seconds since the stream's last message at {@code now}; empty before its first. */
    static Optional<Double> lastMessageAge(StreamHealth.Snapshot health, Instant now) {
        return health.lastMessageAt().map(at -> Math.max(0, Duration.between(at, now).toNanos() / 1e9));
    }

    public Report report() {
        Instant now = clock.instant();
        ObjectNode root = JSON.createObjectNode();
        root.put("status", "ok"); // first, for whoever reads it with curl; set below
        root.put("checked_at", now.toString());
        root.put("rule", "200 when every stream is connected and its last message is at most stale_after_seconds old, else 503; "
                + "upload failures are reported but do not change the status");
        root.put("stale_after_seconds", staleAfter.toSeconds());
        boolean healthy = true;
        ArrayNode list = root.putArray("streams");
        for (StreamCounters counters : streams) {
            StreamHealth.Snapshot health = counters.health().snapshot();
            Optional<Double> age = lastMessageAge(health, now);
            boolean fresh = age.isPresent() && age.get() <= staleAfter.toNanos() / 1e9;
            healthy &= health.up() && fresh;
            ObjectNode s = list.addObject();
            s.put("exchange", counters.stream().exchangeName());
            s.put("symbol", counters.stream().symbol());
            s.put("connected", health.up());
            s.put("fresh", fresh);
            // Up: since data started flowing on this connection. Down: since the stream went down (or started).
            s.put("since", (health.up() ? health.lastUpAt() : health.downSince()).map(Instant::toString).orElse(null));
            s.put("down_reason", health.up() ? null : health.downReason());
            s.put("last_message_at", health.lastMessageAt().map(Instant::toString).orElse(null));
            if (age.isPresent()) {
                s.put("last_message_age_seconds", Math.round(age.get() * 1000) / 1000.0);
            } else {
                s.putNull("last_message_age_seconds");
            }
            s.put("reconnects", counters.reconnects());
            s.put("frames_received", counters.frames());
            s.put("lines_written", counters.lines());
            s.put("bytes_written", counters.bytesWritten());
            s.put("dead_lettered", counters.deadLetteredCount());
            health.lastOutage().ifPresent(o -> s.putObject("last_outage").put("from", o.from().toString())
                    .put("until", o.until().toString()).put("reason", o.reason()));
        }
        ObjectNode up = root.putObject("uploads");
        up.put("enabled", uploads.isPresent());
        uploads.ifPresent(u -> {
            UploadBacklog backlog = u.queue().backlog();
            UploadCounters c = u.counters();
            up.put("backlog_files", backlog.files());
            up.put("backlog_bytes", backlog.bytes());
            up.put("failing_since", c.failingSince().map(Instant::toString).orElse(null));
            up.put("last_error", c.lastError().map(UploadCounters.LastError::error).orElse(null));
            up.put("last_error_at", c.lastError().map(e -> e.at().toString()).orElse(null));
            up.put("uploaded", c.uploadedCount());
            up.put("already_present", c.alreadyPresentCount());
            up.put("failed_attempts", c.failedAttemptCount());
            up.put("conflicts", c.conflictCount());
        });
        root.put("status", healthy ? "ok" : "unhealthy");
        return new Report(healthy, root);
    }
}
