package io.klinepipeline.exchange;

import io.klinepipeline.jsonl.RawEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What one stream's lines say about each WebSocket connection: since when it was seen delivering,
 * and the last time messages went missing on it (a jump in the engine's per-connection sequence,
 * or in the exchange's own, as a parser reports). No exchange replays what a dropped connection
 * missed, so a minute is "seen whole" on a connection only when that connection was already
 * delivering before the minute began and nothing went missing on it since. Parsers of exchanges
 * without a closed flag (a candle is final once a later interval arrives) use this so that a
 * minute straddling a reconnect is never taken as final from WebSocket data alone.
 *
 * <p>Lines without a connection (written before the envelope had one) never make a minute whole.
 */
public final class ConnectionTimeline {
    private final Map<String, Connection> connections = new HashMap<>();

    private static final class Connection {
        final Instant firstSeen;
        long lastSequence;
        Instant lossSeenAt;

        Connection(Instant firstSeen, long sequence) {
            this.firstSeen = firstSeen;
            this.lastSequence = sequence;
        }
    }

    /** Takes note of one line; call for every line of the stream, in received order, before parsing it. */
    public void observe(RawEvent event) {
        if (!event.hasConnection()) {
            return;
        }
        Connection c = connections.get(event.connection());
        if (c == null) {
            connections.put(event.connection(), new Connection(event.receivedAt(), event.sequence()));
            return;
        }
        if (event.sequence() != c.lastSequence + 1) {
            // Lost between the previous line and this one: anywhere up to this line's time.
            c.lossSeenAt = event.receivedAt();
        }
        c.lastSequence = Math.max(c.lastSequence, event.sequence());
    }

    /** Messages went missing on the connection just before this event (e.g. the exchange's own sequence jumped). */
    public void lossBefore(RawEvent event) {
        Connection c = event.hasConnection() ? connections.get(event.connection()) : null;
        if (c != null) {
            c.lossSeenAt = event.receivedAt();
        }
    }

    /**
     * Whether the connection saw everything from {@code minuteStart} up to its latest line: it was
     * seen delivering strictly before the minute began, and no loss was seen after it began.
     */
    public boolean sawWholeSince(String connection, Instant minuteStart) {
        Connection c = connection == null ? null : connections.get(connection);
        return c != null
                && c.firstSeen.isBefore(minuteStart)
                && (c.lossSeenAt == null || !c.lossSeenAt.isAfter(minuteStart));
    }
}
