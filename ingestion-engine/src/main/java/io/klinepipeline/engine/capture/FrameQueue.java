package io.klinepipeline.engine.capture;

import io.klinepipeline.engine.StreamId;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands frames from a stream's event loop to its recorder thread without ever blocking the event
 * loop and without dropping a frame. At {@code highWatermark} queued frames the sending channel
 * stops reading from its socket (autoRead off), so TCP pushes back on the exchange; once the
 * recorder has drained the queue to {@code lowWatermark}, reading resumes. The queue can overshoot
 * the high watermark only by the frames Netty had already decoded from the last socket read.
 */
public final class FrameQueue {
    private static final Logger log = LoggerFactory.getLogger(FrameQueue.class);

    private final StreamId stream;
    private final int highWatermark;
    private final int lowWatermark;
    private final BlockingQueue<ReceivedFrame> frames = new LinkedBlockingQueue<>();
    private final Set<Channel> paused = ConcurrentHashMap.newKeySet();

    public FrameQueue(StreamId stream, int highWatermark, int lowWatermark) {
        if (lowWatermark < 0 || lowWatermark >= highWatermark) {
            throw new IllegalArgumentException("need 0 <= lowWatermark < highWatermark");
        }
        this.stream = stream;
        this.highWatermark = highWatermark;
        this.lowWatermark = lowWatermark;
    }

    /** Called on the event loop; never blocks. */
    public void put(ReceivedFrame frame, Channel source) {
        frames.add(frame);
        if (frames.size() >= highWatermark && source.config().isAutoRead()) {
            // Order matters: turn reading off before registering, so a concurrent resume can only
            // come after it and never leave the channel paused with nobody to wake it.
            source.config().setAutoRead(false);
            paused.add(source);
            log.warn("[{}] recorder is behind ({} frames queued): pausing reads on {}", stream, frames.size(), frame.connection());
        }
    }

    /** Called by the recorder thread: the next frame, or null after {@code timeout}. */
    public ReceivedFrame poll(Duration timeout) throws InterruptedException {
        ReceivedFrame frame = frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        resumeIfDrained();
        return frame;
    }

    /** Removes and returns the next frame without waiting, or null. */
    public ReceivedFrame pollNow() {
        ReceivedFrame frame = frames.poll();
        resumeIfDrained();
        return frame;
    }

    public int size() {
        return frames.size();
    }

    private void resumeIfDrained() {
        if (paused.isEmpty() || frames.size() > lowWatermark) {
            return;
        }
        for (Channel channel : paused) {
            if (paused.remove(channel)) {
                log.info("[{}] recorder caught up ({} frames queued): resuming reads", stream, frames.size());
                channel.config().setAutoRead(true);
            }
        }
    }
}
