package io.klinepipeline.simulator.server;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Keeps every frame a venue sends from the moment it is registered with
 * {@link VenueStats#onFrameSent}, up to {@value #MAX_FRAMES}, so a test can compare what a client
 * stored with what the venue sent. Oversize and invalid UTF-8 frames are not text the venue can
 * journal; {@link VenueStats} counts them instead.
 */
public final class SentFrameJournal implements Consumer<SentFrame> {
    /** Bounds the journal: a forgotten one must not grow the simulator without end. */
    public static final int MAX_FRAMES = 1_000_000;

    private final Queue<SentFrame> frames = new ConcurrentLinkedQueue<>();
    private final AtomicLong seen = new AtomicLong();

    /** A new journal, already listening to {@code stats}. */
    public static SentFrameJournal of(VenueStats stats) {
        SentFrameJournal journal = new SentFrameJournal();
        stats.onFrameSent(journal);
        return journal;
    }

    @Override
    public void accept(SentFrame frame) {
        if (seen.incrementAndGet() <= MAX_FRAMES) {
            frames.add(frame);
        }
    }

    /** The frames sent so far, in the order they were sent (per connection); fails if the journal overflowed. */
    public List<SentFrame> frames() {
        if (seen.get() > MAX_FRAMES) {
            throw new IllegalStateException("more than " + MAX_FRAMES + " frames sent: the journal is incomplete");
        }
        return List.copyOf(frames);
    }

    /** The texts of {@link #frames()}. */
    public List<String> texts() {
        return frames().stream().map(SentFrame::text).toList();
    }
}
