package io.klinepipeline.simulator.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Queue;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/** What happened on one venue so far: what tests and the demo check the client against. */
public final class VenueStats {
    final AtomicLong connectionsOpened = new AtomicLong();
    final AtomicLong connectionsOpen = new AtomicLong();
    final AtomicLong clientTexts = new AtomicLong();
    final AtomicLong pingsSent = new AtomicLong();
    final AtomicLong pongsReceived = new AtomicLong();
    final AtomicLong dataFramesSent = new AtomicLong();
    final AtomicLong controlFramesSent = new AtomicLong();
    final AtomicLong closedForIdleClient = new AtomicLong();
    final AtomicLong closedForAge = new AtomicLong();
    final AtomicLong restRequests = new AtomicLong();
    final AtomicLong restFaults = new AtomicLong();
    final AtomicLong oversizeFramesSent = new AtomicLong();
    final AtomicLong invalidUtf8FramesSent = new AtomicLong();
    final AtomicLong handshakesRefused = new AtomicLong();
    final AtomicLong shutdownNoticesSent = new AtomicLong();
    /** Text frames as sent, when a test asked for them; null otherwise. */
    private volatile Queue<String> sentFrames;
    private final AtomicLong journalled = new AtomicLong();
    /** Bounds the journal: a forgotten one must not grow the simulator without end. */
    static final int MAX_JOURNAL = 1_000_000;
    // Bounded: a client that sends ever-new texts must not grow the simulator.
    final Set<String> clientTextsSeen = ConcurrentHashMap.newKeySet();
    private volatile BiConsumer<String, String> dataFrameListener = (connection, text) -> { };

    /**
     * Calls {@code listener} with the connection's id and the text of every data frame as it is
     * written to the socket, on that connection's event loop: for tests that must know exactly what
     * was sent, and when. It must be quick.
     */
    public void onDataFrameSent(BiConsumer<String, String> listener) {
        this.dataFrameListener = listener;
    }

    void dataFrameSent(String connection, String text) {
        dataFramesSent.incrementAndGet();
        journal(text);
        dataFrameListener.accept(connection, text);
    }

    void sawClientText(String text) {
        clientTexts.incrementAndGet();
        if (clientTextsSeen.size() < 100) {
            clientTextsSeen.add(text);
        }
    }

    /**
     * From now on, keeps the text of every data and control frame sent (after duplication and
     * reordering, as it went out; up to {@value #MAX_JOURNAL}), so a test can compare what a client
     * stored with what the venue sent. Oversize and invalid UTF-8 frames are counted instead.
     */
    public void keepSentFrames() {
        if (sentFrames == null) {
            sentFrames = new ConcurrentLinkedQueue<>();
        }
    }

    void journal(String text) {
        Queue<String> journal = sentFrames;
        if (journal != null && journalled.incrementAndGet() <= MAX_JOURNAL) {
            journal.add(text);
        }
    }

    /** The text frames sent since {@link #keepSentFrames()}, in the order they were sent (per connection). */
    public List<String> sentFrames() {
        Queue<String> journal = sentFrames;
        if (journal == null) {
            throw new IllegalStateException("call keepSentFrames() first");
        }
        if (journalled.get() > MAX_JOURNAL) {
            throw new IllegalStateException("more than " + MAX_JOURNAL + " frames sent: the journal is incomplete");
        }
        return List.copyOf(journal);
    }

    public long oversizeFramesSent() {
        return oversizeFramesSent.get();
    }

    public long invalidUtf8FramesSent() {
        return invalidUtf8FramesSent.get();
    }

    public long shutdownNoticesSent() {
        return shutdownNoticesSent.get();
    }

    public long handshakesRefused() {
        return handshakesRefused.get();
    }

    public long connectionsOpened() {
        return connectionsOpened.get();
    }

    public long connectionsOpen() {
        return connectionsOpen.get();
    }

    /** Text frames the clients sent: subscribe requests and text pings. */
    public long clientTexts() {
        return clientTexts.get();
    }

    /** The distinct texts clients sent (subscribes, pings), to check what a client speaks. */
    public Set<String> clientTextsSeen() {
        return Set.copyOf(clientTextsSeen);
    }

    public long pingsSent() {
        return pingsSent.get();
    }

    public long pongsReceived() {
        return pongsReceived.get();
    }

    public long dataFramesSent() {
        return dataFramesSent.get();
    }

    public long controlFramesSent() {
        return controlFramesSent.get();
    }

    public long closedForIdleClient() {
        return closedForIdleClient.get();
    }

    public long closedForAge() {
        return closedForAge.get();
    }

    public long restRequests() {
        return restRequests.get();
    }

    public long restFaults() {
        return restFaults.get();
    }

    /** For the admin API. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("connections_opened", connectionsOpened());
        map.put("connections_open", connectionsOpen());
        map.put("client_texts", clientTexts());
        map.put("pings_sent", pingsSent());
        map.put("pongs_received", pongsReceived());
        map.put("data_frames_sent", dataFramesSent());
        map.put("control_frames_sent", controlFramesSent());
        map.put("closed_for_idle_client", closedForIdleClient());
        map.put("closed_for_age", closedForAge());
        map.put("rest_requests", restRequests());
        map.put("rest_faults", restFaults());
        map.put("oversize_frames_sent", oversizeFramesSent());
        map.put("invalid_utf8_frames_sent", invalidUtf8FramesSent());
        map.put("handshakes_refused", handshakesRefused());
        map.put("shutdown_notices_sent", shutdownNoticesSent());
        return map;
    }
}
