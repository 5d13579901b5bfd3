package io.klinepipeline.engine.capture;

import io.klinepipeline.engine.StreamId;
import io.klinepipeline.engine.metrics.StreamCounters;
import io.klinepipeline.engine.storage.DeadLetterWriter;
import io.klinepipeline.engine.storage.HourlyJsonlWriter;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.jsonl.RawEventCodec;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream's disk thread: takes frames off the {@link FrameQueue}, turns each into a JSONL line
 * and appends it, or dead-letters it when it is not JSON. Between frames it lets the writer finish
 * files that are due. Frames are never dropped: when the disk fails, the same line is retried (and
 * the queue's back-pressure slows the socket) until it succeeds.
 */
public final class FrameRecorder {
    private static final Logger log = LoggerFactory.getLogger(FrameRecorder.class);
    private static final Duration TICK = Duration.ofMillis(200);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final StreamId stream;
    private final String channelName;
    private final FrameQueue queue;
    private final RawEventCodec codec;
    private final HourlyJsonlWriter writer;
    private final DeadLetterWriter deadLetters;
    private final StreamCounters counters;
    private final Thread thread;
    private volatile boolean running = true;

    public FrameRecorder(StreamId stream, String channelName, FrameQueue queue, RawEventCodec codec,
            HourlyJsonlWriter writer, DeadLetterWriter deadLetters, StreamCounters counters) {
        this.stream = stream;
        this.channelName = channelName;
        this.queue = queue;
        this.codec = codec;
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.counters = counters;
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
        running = false;
        // No interrupt: an interrupted FileChannel closes itself mid-write.
        thread.join();
    }

    private void run() {
        try {
            while (running) {
                ReceivedFrame frame = queue.poll(TICK);
                if (frame != null) {
                    recordSafely(frame);
                }
                rollSafely();
            }
            for (ReceivedFrame frame = queue.pollNow(); frame != null; frame = queue.pollNow()) {
                recordSafely(frame);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("[{}] recorder interrupted with {} frames still queued", stream, queue.size());
        } finally {
            writer.close();
            deadLetters.close();
        }
    }

    /** A failure while finishing a file must not stop the thread: log it, pause briefly, carry on. */
    private void rollSafely() throws InterruptedException {
        try {
            writer.rollIfDue();
        } catch (RuntimeException e) {
            log.error("[{}] unexpected error finishing a due file; retrying in {} ms", stream, FIRST_RETRY.toMillis(), e);
            Thread.sleep(FIRST_RETRY.toMillis());
        }
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
        String line;
        try {
            line = codec.encode(stream.exchangeName(), stream.symbol(), channelName, frame.receivedAt(), frame.connectionId(),
                    frame.sequence(), frame.text());
        } catch (MalformedPayloadException e) {
            deadLetter(frame, "text", e.getMessage());
            return;
        }
        Duration pause = FIRST_RETRY;
        while (true) {
            try {
                writer.append(line, frame.receivedAt());
                counters.lineWritten();
                return;
            } catch (IOException e) {
                if (!running) {
                    log.error("[{}] shutting down and cannot write; event received at {} is lost: {}", stream,
                            frame.receivedAt(), line, e);
                    return;
                }
                log.error("[{}] cannot write a line, retrying in {} ms ({} frames queued)", stream, pause.toMillis(),
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
