package io.klinepipeline.simulator.venue;

import io.klinepipeline.simulator.market.SyntheticMarket;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** One client WebSocket connection, as a venue sees it. */
public interface StreamSession {

    /** Sends a market-data frame: the faults in force may drop, corrupt, repeat or reorder it. */
    void sendData(String text);

    /** Sends a control frame (ack, pong, heartbeat); only silence holds these back. */
    void sendControl(String text);

    /** Subscribes the connection to one of the venue's symbols, so ticks carry its data. */
    void subscribe(String symbol);

    Set<String> subscriptions();

    /** A per-connection counter starting at 0 (Coinbase's sequence_num). */
    long nextSequence();

    /** Per-connection venue state, e.g. which channels it subscribed. */
    Map<String, Object> attributes();

    /** Whether the venue emits nothing for this minute (a gap the faults opened). */
    boolean inGap(Instant minuteStart);

    /** Whether subscription requests are to be rejected (a fault). */
    boolean rejectSubscriptions();

    /** The client showed it is alive (a ping, a pong, any request). */
    void clientActive();

    /** The simulated time now. */
    Instant now();

    SyntheticMarket market();

    /** A short id, unique within the simulator run. */
    String id();

    /** Sends a close frame with this code and reason, then closes. */
    void close(int code, String reason);
}
