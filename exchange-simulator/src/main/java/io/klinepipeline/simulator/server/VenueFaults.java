package io.klinepipeline.simulator.server;

import io.klinepipeline.simulator.venue.RestFault;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The faults in force on one venue, set by tests or the admin API while it runs. Times of gaps
 * and silence are simulated time; the connection age cut-off is wall-clock (the client's
 * reconnect timers are).
 */
public final class VenueFaults {
    private record Gap(Instant from, Instant toExclusive) {}

    private final List<Gap> gaps = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<RestFault> restFaults = new ConcurrentLinkedQueue<>();
    private volatile Instant silentUntil = Instant.MIN;
    private volatile int malformedEvery;
    private volatile int duplicateEvery;
    private volatile int reorderEvery;
    private volatile boolean rejectSubscriptions;
    private volatile Duration maxConnectionAge;
    private volatile int oversizeEvery;
    private volatile int oversizeBytes;
    private volatile int invalidUtf8Every;
    private volatile int refuseHandshakes;

    /** The venue sends no market data for minutes starting in [from, toExclusive), on any connection. */
    public VenueFaults gap(Instant from, Instant toExclusive) {
        if (!toExclusive.isAfter(from)) {
            throw new IllegalArgumentException("a gap must end after it starts");
        }
        gaps.add(new Gap(from, toExclusive));
        return this;
    }

    public boolean inGap(Instant minuteStart) {
        for (Gap gap : gaps) {
            if (!minuteStart.isBefore(gap.from) && minuteStart.isBefore(gap.toExclusive)) {
                return true;
            }
        }
        return false;
    }

    /** Open connections go quiet until {@code until} (no data, heartbeats or pongs), as a half-open TCP connection does. */
    public VenueFaults silenceUntil(Instant until) {
        silentUntil = until;
        return this;
    }

    public boolean silentAt(Instant now) {
        return now.isBefore(silentUntil);
    }

    /** Every n-th data frame is cut in half (invalid JSON); 0 turns it off. */
    public VenueFaults malformedEvery(int n) {
        malformedEvery = nonNegative(n);
        return this;
    }

    /** Every n-th data frame is sent twice; 0 turns it off. */
    public VenueFaults duplicateEvery(int n) {
        duplicateEvery = nonNegative(n);
        return this;
    }

    /** Every n-th data frame is held back and sent after the next one; 0 turns it off. */
    public VenueFaults reorderEvery(int n) {
        reorderEvery = nonNegative(n);
        return this;
    }

    public VenueFaults rejectSubscriptions(boolean reject) {
        rejectSubscriptions = reject;
        return this;
    }

    /** The venue closes connections older than this (its forced cut-off, e.g. Binance's 24 h); null for none. */
    public VenueFaults maxConnectionAge(Duration age) {
        maxConnectionAge = age;
        return this;
    }

    /**
     * Every n-th data frame is replaced by one text frame of {@code bytes} bytes (valid JSON, padded),
     * larger than a client's frame limit; 0 turns it off.
     */
    public VenueFaults oversizeEvery(int n, int bytes) {
        if (n > 0 && bytes < 64) {
            throw new IllegalArgumentException("an oversize frame needs at least 64 bytes, not " + bytes);
        }
        oversizeBytes = bytes;
        oversizeEvery = nonNegative(n);
        return this;
    }

    /** Every n-th data frame is sent as a text frame whose bytes are not valid UTF-8; 0 turns it off. */
    public VenueFaults invalidUtf8Every(int n) {
        invalidUtf8Every = nonNegative(n);
        return this;
    }

    /**
     * WebSocket handshakes are answered with this HTTP status instead of an upgrade (Binance refuses a
     * stream it will not serve, or too many connections, this way: it subscribes by URL); 0 turns it off.
     */
    public VenueFaults refuseHandshakes(int httpStatus) {
        if (httpStatus != 0 && (httpStatus < 400 || httpStatus > 599)) {
            throw new IllegalArgumentException("a refusal is an HTTP status 400-599, not " + httpStatus);
        }
        refuseHandshakes = httpStatus;
        return this;
    }

    /** The next {@code count} REST requests get this fault instead of data. */
    public VenueFaults failNextRest(RestFault fault, int count) {
        for (int i = 0; i < count; i++) {
            restFaults.add(fault);
        }
        return this;
    }

    /** Every fault off. */
    public void clear() {
        gaps.clear();
        restFaults.clear();
        silentUntil = Instant.MIN;
        malformedEvery = 0;
        duplicateEvery = 0;
        reorderEvery = 0;
        rejectSubscriptions = false;
        maxConnectionAge = null;
        oversizeEvery = 0;
        invalidUtf8Every = 0;
        refuseHandshakes = 0;
    }

    Optional<RestFault> takeRestFault() {
        return Optional.ofNullable(restFaults.poll());
    }

    int malformedEvery() {
        return malformedEvery;
    }

    int duplicateEvery() {
        return duplicateEvery;
    }

    int reorderEvery() {
        return reorderEvery;
    }

    boolean rejectSubscriptions() {
        return rejectSubscriptions;
    }

    int oversizeEvery() {
        return oversizeEvery;
    }

    int oversizeBytes() {
        return oversizeBytes;
    }

    int invalidUtf8Every() {
        return invalidUtf8Every;
    }

    int refuseHandshakes() {
        return refuseHandshakes;
    }

    Optional<Duration> maxConnectionAge() {
        return Optional.ofNullable(maxConnectionAge);
    }

    private static int nonNegative(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("must be >= 0, not " + n);
        }
        return n;
    }
}
