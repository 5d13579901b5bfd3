package io.klinepipeline.simulator.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

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
    private final List<Consumer<SentFrame>> frameListeners = new CopyOnWriteArrayList<>();
    // Bounded: a client that sends ever-new texts must not grow the simulator.
    final Set<String> clientTextsSeen = ConcurrentHashMap.newKeySet();

    /**
     * From now on, calls {@code listener} with every text frame (data and control) as it is written
     * to a socket, on that connection's event loop: for tests that must know exactly what was sent,
     * on which connection, and when. It must be quick; {@link SentFrameJournal} keeps them all.
     */
    public void onFrameSent(Consumer<SentFrame> listener) {
        frameListeners.add(listener);
    }

    void frameSent(String connection, SentFrame.Kind kind, String text) {
        (kind == SentFrame.Kind.DATA ? dataFramesSent : controlFramesSent).incrementAndGet();
        if (!frameListeners.isEmpty()) {
            SentFrame frame = new SentFrame(connection, kind, text, System.nanoTime());
            frameListeners.forEach(listener -> listener.accept(frame));
        }
    }

    void sawClientText(String text) {
        clientTexts.incrementAndGet();
        if (clientTextsSeen.size() < 100) {
            clientTextsSeen.add(text);
        }
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
