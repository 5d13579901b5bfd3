package io.klinepipeline.engine.metrics;

import io.klinepipeline.engine.StreamId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Whether one stream is connected, and since when it is not: the one place that state lives, so
 * the periodic metrics line (and, later, a health endpoint) read the same thing the logs say.
 * Written by the stream's supervisor on its event loop; read from any thread through
 * {@link #snapshot()}, an immutable value published through a volatile field.
 */
public final class StreamHealth {
    /** How many recent reconnect pauses are kept, to show the back-off at work. */
    static final int RECENT_RECONNECTS = 32;

    private final StreamId stream;
    private final Deque<Reconnect> recent = new ArrayDeque<>();
    private volatile State state;
    private volatile Instant lastMessageAt;

    /** Down since {@code startedAt} ("not connected yet") until the first connection delivers data. */
    public StreamHealth(StreamId stream, Instant startedAt) {
        this.stream = stream;
        this.state = new State(false, Optional.of(startedAt), "not connected yet", 0, Optional.empty(), List.of(), Optional.empty());
    }

    public StreamId stream() {
        return stream;
    }

    /** The last time the stream was down, once it is up again: from, until, and why it went down. */
    public record Outage(Instant from, Instant until, String reason) {
        public Duration duration() {
            return Duration.between(from, until);
        }
    }

    /** A pause before reconnect attempt {@code attempt} (0-based, as the back-off counts). */
    public record Reconnect(int attempt, Duration delay) {}

    /**
     * One reading of the stream's state.
     *
     * @param up a connection is delivering data
     * @param downSince when the stream last went down (or the engine started); empty while up
     * @param downReason why it went down; empty string while up
     * @param reconnects reconnects scheduled since start
     * @param lastMessageAt receive time of the last frame stored (data, heartbeat or control)
     * @param lastUpAt when data last started flowing on a new connection
     * @param recentReconnects the last few reconnect pauses, oldest first
     * @param lastOutage the last outage the stream recovered from
     */
    public record Snapshot(boolean up, Optional<Instant> downSince, String downReason, long reconnects,
            Optional<Instant> lastMessageAt, Optional<Instant> lastUpAt, List<Reconnect> recentReconnects,
            Optional<Outage> lastOutage) {

        /** For the metrics line: state, down_since, reconnects and last message time. */
        public String summary() {
            return "state=" + (up ? "up" : "down")
                    + " down_since=" + downSince.map(Instant::toString).orElse("-")
                    + " reconnects=" + reconnects
                    + " last_message_at=" + lastMessageAt.map(Instant::toString).orElse("-");
        }
    }

    /** The state now; safe from any thread. */
    public Snapshot snapshot() {
        State s = state;
        return new Snapshot(s.up, s.downSince, s.downReason, s.reconnects, Optional.ofNullable(lastMessageAt), s.lastUpAt,
                s.recentReconnects, s.lastOutage);
    }

    /**
     * The stream went down at {@code at}. Returns true when it was up until now (a transition the
     * caller logs); false when it was already down (a failed reconnect attempt), which keeps the
     * first down time and reason.
     */
    public synchronized boolean down(Instant at, String reason) {
        State s = state;
        if (!s.up) {
            return false;
        }
        state = new State(false, Optional.of(at), reason, s.reconnects, s.lastUpAt, s.recentReconnects, s.lastOutage);
        return true;
    }

    /**
     * A connection delivered its first data at {@code at}. Returns how long the stream was down when
     * it had been up before (a recovery the caller logs); empty for the first connection or when it was up.
     */
    public synchronized Optional<Duration> up(Instant at) {
        State s = state;
        if (s.up) {
            return Optional.empty();
        }
        Optional<Outage> outage = s.lastUpAt.isPresent() ? s.downSince.map(since -> new Outage(since, at, s.downReason)) : s.lastOutage;
        state = new State(true, Optional.empty(), "", s.reconnects, Optional.of(at), s.recentReconnects, outage);
        return s.lastUpAt.isPresent() ? outage.map(Outage::duration) : Optional.empty();
    }

    /** A reconnect is scheduled after {@code delay}; returns the reconnect's number since start, from 1. */
    public synchronized long reconnectScheduled(int attempt, Duration delay) {
        recent.addLast(new Reconnect(attempt, delay));
        while (recent.size() > RECENT_RECONNECTS) {
            recent.removeFirst();
        }
        State s = state;
        state = new State(s.up, s.downSince, s.downReason, s.reconnects + 1, s.lastUpAt, List.copyOf(recent), s.lastOutage);
        return s.reconnects + 1;
    }

    /** A frame was stored, received at {@code at}; per frame, so a plain volatile write apart from the rest. */
    public void messageReceived(Instant at) {
        lastMessageAt = at;
    }

    private record State(boolean up, Optional<Instant> downSince, String downReason, long reconnects, Optional<Instant> lastUpAt,
            List<Reconnect> recentReconnects, Optional<Outage> lastOutage) {}
}
