package io.klinepipeline.simulator.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
        dataFrameListener.accept(connection, text);
    }

    void sawClientText(String text) {
        clientTexts.incrementAndGet();
        if (clientTextsSeen.size() < 100) {
            clientTextsSeen.add(text);
        }
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
        map.put("control_frames_sent", controlFramesSent.get());
        map.put("closed_for_idle_client", closedForIdleClient());
        map.put("closed_for_age", closedForAge());
        map.put("rest_requests", restRequests());
        map.put("rest_faults", restFaults());
        return map;
    }
}
