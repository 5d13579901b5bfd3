package io.klinepipeline.engine.metrics;

import io.klinepipeline.engine.StreamId;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** What one stream has done since start; written by its event loop and recorder, read by the reporter. */
public final class StreamCounters {
    private final StreamId stream;
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong rotations = new AtomicLong();
    private final AtomicLong filesFinished = new AtomicLong();
    private final AtomicLong controlFrames = new AtomicLong();
    private final AtomicLong pongs = new AtomicLong();
    private final AtomicLong errorFrames = new AtomicLong();
    private final StreamHealth health;

    /** @param startedAt when the stream was started: it counts as down from then until its first data */
    public StreamCounters(StreamId stream, Instant startedAt) {
        this.stream = stream;
        this.health = new StreamHealth(stream, startedAt);
    }

    public StreamCounters(StreamId stream) {
        this(stream, Instant.now());
    }

    /** Up or down, since when, and the recent reconnects. */
    public StreamHealth health() {
        return health;
    }

    public StreamId stream() {
        return stream;
    }

    public void frameReceived() {
        frames.incrementAndGet();
    }

    /** A line of {@code bytes} bytes (its line break included) went to the stream's JSONL file. */
    public void lineWritten(int bytes) {
        lines.incrementAndGet();
        bytesWritten.addAndGet(bytes);
    }

    public void deadLettered() {
        deadLettered.incrementAndGet();
    }

    public void connected() {
        connects.incrementAndGet();
    }

    public void reconnectScheduled() {
        reconnects.incrementAndGet();
    }

    public void rotated() {
        rotations.incrementAndGet();
    }

    public void fileFinished() {
        filesFinished.incrementAndGet();
    }

    /** An ack, status or heartbeat: stored, but not market data. */
    public void controlFrameReceived() {
        controlFrames.incrementAndGet();
    }

    /** The answer to our own ping: not stored. */
    public void pongReceived() {
        pongs.incrementAndGet();
    }

    /** An error or refused subscription from the exchange. */
    public void errorFrameReceived() {
        errorFrames.incrementAndGet();
    }

    public long controlFrames() {
        return controlFrames.get();
    }

    public long pongs() {
        return pongs.get();
    }

    public long errorFrames() {
        return errorFrames.get();
    }

    public long frames() {
        return frames.get();
    }

    public long lines() {
        return lines.get();
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    public long deadLetteredCount() {
        return deadLettered.get();
    }

    public long connects() {
        return connects.get();
    }

    public long reconnects() {
        return reconnects.get();
    }

    public long rotations() {
        return rotations.get();
    }

    public long filesFinished() {
        return filesFinished.get();
    }

    /** One log-friendly line of every counter. */
    public String summary() {
        return "frames=" + frames.get() + " lines=" + lines.get() + " dead_lettered=" + deadLettered.get()
                + " connects=" + connects.get() + " reconnects=" + reconnects.get() + " rotations=" + rotations.get()
                + " files=" + filesFinished.get() + " control=" + controlFrames.get() + " pongs=" + pongs.get()
                + " errors=" + errorFrames.get() + " " + health.snapshot().summary();
    }
}
