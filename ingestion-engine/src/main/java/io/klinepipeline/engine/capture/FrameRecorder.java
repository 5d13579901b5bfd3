package io.klinepipeline.engine.capture;

import io.klinepipeline.engine.StreamId;
import io.klinepipeline.engine.metrics.StreamCounters;
import io.klinepipeline.engine.storage.DeadLetterWriter;
import io.klinepipeline.engine.storage.HourlyJsonlWriter;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.jsonl.RawEventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One stream's disk thread: takes what is queued on the {@link FrameQueue} (everything, up to a
 * batch), turns each frame into a JSONL line (from its bytes, see {@link LineEncoder}), or dead-letters it when it is not JSON, and writes
 * the batch with one write (group commit). A frame therefore waits in memory only while the batch
 * before it is written, and a kill of the process loses only frames still queued. Between batches
 * it lets the writers force their open files (JSONL and dead letters) when a line's flush interval
 * is half gone and finish files that are due. Frames are never dropped: when the disk fails, the same batch is retried
 * (and the queue's back-pressure slows the socket) until it succeeds.
 */
public final class FrameRecorder {
    private static final Logger log = LoggerFactory.getLogger(FrameRecorder.class);
    /**
     * How often an idle recorder wakes to finish due files: files finish at most this late, and an
     * idle engine of 1,000 streams spent 11 % of a core waking its recorders five times a second.
     */
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);
    /** Frames taken off the queue per batch, so forcing and rolling get their turn under a flood. */
    static final int MAX_FRAMES_PER_BATCH = 4096;

    private final StreamId stream;
    private final String channelName;
    private final FrameQueue queue;
    private final HourlyJsonlWriter writer;
    private final DeadLetterWriter deadLetters;
    private final StreamCounters counters;
    private final LineEncoder lines;
    private final Thread thread;
    private volatile boolean running = true;

    public FrameRecorder(StreamId stream, String channelName, FrameQueue queue, RawEventCodec codec,
            HourlyJsonlWriter writer, DeadLetterWriter deadLetters, StreamCounters counters) {
        this.stream = stream;
        this.channelName = channelName;
        this.queue = queue;
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.counters = counters;
        this.lines = new LineEncoder(codec, stream.exchangeName(), stream.symbol(), channelName);
        this.thread = new Thread(this::run, "recorder-" + stream.exchangeName() + "-" + stream.symbol());
        // Only a bug can get here (run() catches everything else), but it must not pass unnoticed.
        thread.setUncaughtExceptionHandler((t, e) -> log.error("[{}] recorder thread {} died: this stream is no longer "
                + "written to disk; restart the engine", stream, t.getName(), e));
    }

    public void start() {
        thread.start();
    }

    /**
     * Records what is still queued, finishes the open file and returns once the thread is done.
     * Call after the stream's connections are closed, so nothing more arrives.
     */
    public void stop() throws InterruptedException {
        requestStop();
        awaitStopped();
    }

    /**
     * Tells the thread to record what is queued and finish, without waiting for it: the engine asks
     * every recorder first and then waits for all, so 1,000 streams stop in about one tick, not
     * one tick each.
     */
    public void requestStop() {
        running = false;
        // No interrupt: an interrupted FileChannel closes itself mid-write.
    }

    /** Returns once the thread has finished (after {@link #requestStop()}). */
    public void awaitStopped() throws InterruptedException {
        thread.join();
    }

    private void run() {
        // The thread is this stream's alone: its lines carry the stream as fields (see --log-format json).
        MDC.put("exchange", stream.exchangeName());
        MDC.put("symbol", stream.symbol());
        try {
            while (running) {
                ReceivedFrame frame = queue.poll(nextWake());
                if (frame != null) {
                    int taken = 0;
                    do {
                        recordSafely(frame);
                    } while (++taken < MAX_FRAMES_PER_BATCH && (frame = queue.pollNow()) != null);
                    retryUntilDone("write a batch of " + writer.batchedLines() + " lines", writer::flush);
                }
                retryUntilDone("force the open file", writer::syncIfDue);
                retryUntilDone("force the dead-letter file", deadLetters::syncIfDue);
                retryUntilDone("finish a due file", writer::rollIfDue);
            }
            for (ReceivedFrame frame = queue.pollNow(); frame != null; frame = queue.pollNow()) {
                recordSafely(frame);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("[{}] recorder interrupted with {} frames still queued", stream, queue.size());
        } finally {
            writer.close(); // writes the last batch and forces the file
            deadLetters.close();
        }
    }

    /** Until the next force (of either file) is due, or a tick: files must also be finished on time. */
    private Duration nextWake() {
        Duration wake = writer.timeUntilSyncDue().filter(d -> d.compareTo(TICK) < 0).orElse(TICK);
        return deadLetters.timeUntilSyncDue().filter(d -> d.compareTo(wake) < 0).orElse(wake);
    }

    /** A disk step (write, force, finish) that fails is retried with back-off, since frames must not be dropped. */
    private void retryUntilDone(String what, DiskStep step) throws InterruptedException {
        Duration pause = FIRST_RETRY;
        while (true) {
            try {
                step.run();
                return;
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    log.error("[{}] shutting down: cannot {}; the writer tries once more as it closes", stream, what, e);
                    return;
                }
                log.error("[{}] cannot {}, retrying in {} ms ({} frames queued)", stream, what, pause.toMillis(), queue.size(), e);
                Thread.sleep(pause.toMillis());
                pause = pause.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : pause.multipliedBy(2);
            }
        }
    }

    @FunctionalInterface
    private interface DiskStep {
        void run() throws IOException;
    }

    /** A bug in one frame's path must not stop the stream: that frame is dead-lettered instead. */
    private void recordSafely(ReceivedFrame frame) throws InterruptedException {
        try {
            record(frame);
        } catch (RuntimeException e) {
            log.error("[{}] unexpected error recording a frame from {}", stream, frame.connection(), e);
            deadLetter(frame, frame.base64() ? "base64" : "text", "engine error: " + e);
        }
    }

    private void record(ReceivedFrame frame) throws InterruptedException {
        switch (frame.kind()) {
            case BINARY -> {
                deadLetter(frame, "base64", "binary frame: the JSONL contract holds text frames only");
                return;
            }
            case INVALID_UTF8 -> {
                deadLetter(frame, "base64", "text frame is not valid UTF-8 (its bytes are in base64)");
                return;
            }
            case OVERSIZE -> {
                deadLetter(frame, "none", "frame larger than the engine's WebSocket size limit: its bytes were not kept "
                        + "and the connection was closed (and replaced)");
                return;
            }
            case TEXT -> { }
        }
        try {
            lines.encode(frame);
        } catch (MalformedPayloadException e) {
            deadLetter(frame, "text", e.getMessage());
            return;
        }
        Duration pause = FIRST_RETRY;
        while (true) {
            try {
                int bytes = writer.appendLine(lines.bytes(), lines.length(), frame.receivedAt()); // taken into the batch, or not at all
                counters.lineWritten(bytes);
                return;
            } catch (IOException e) {
                if (!running) {
                    log.error("[{}] shutting down and cannot write; event received at {} is lost: {}", stream,
                            frame.receivedAt(), new String(lines.bytes(), 0, lines.length() - 1, StandardCharsets.UTF_8), e);
                    return;
                }
                log.error("[{}] cannot write, retrying in {} ms ({} frames queued)", stream, pause.toMillis(),
                        queue.size(), e);
                Thread.sleep(pause.toMillis());
                pause = pause.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : pause.multipliedBy(2);
            }
        }
    }

    private void deadLetter(ReceivedFrame frame, String encoding, String error) {
        counters.deadLettered();
        log.warn("[{}] dead-lettering a frame from {}: {}", stream, frame.connection(), error);
        try {
            deadLetters.append(frame, encoding, error);
        } catch (IOException e) {
            log.error("[{}] cannot write dead letter; frame received at {} ({}): {}", stream, frame.receivedAt(), encoding,
                    frame.text(), e);
        }
    }
}
