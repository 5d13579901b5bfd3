package io.klinepipeline.engine.capture;

/**
 * How many frames a stream's {@link FrameQueue} holds before it pauses its socket, and down to
 * how many it drains before reading again. The engine's streams share one budget of queued
 * frames, so the heap the queues can take stays the same whether it runs 10 streams or 1,000
 * (a fixed 10,000 frames per stream was up to 4 GB of queued frames at 1,000 streams).
 *
 * @param high pause reading at this many queued frames
 * @param low resume once the recorder has drained the queue to this many
 */
public record QueueWatermarks(int high, int low) {
    /** Frames queued across all streams at most (plus what each socket read already decoded): ~30 MB of Binance frames. */
    static final int ENGINE_BUDGET = 64_000;
    /** A stream never needs more: its recorder writes up to 4,096 frames per batch. */
    static final int MAX_HIGH = 10_000;
    /** Below this a socket would pause every few frames and throughput would suffer. */
    static final int MIN_HIGH = 64;

    public QueueWatermarks {
        if (low < 0 || low >= high) {
            throw new IllegalArgumentException("need 0 <= low < high, not " + low + "/" + high);
        }
    }

    /** Each of {@code streams} streams' share of the engine's budget. */
    public static QueueWatermarks sharedBy(int streams) {
        int high = Math.max(MIN_HIGH, Math.min(MAX_HIGH, ENGINE_BUDGET / Math.max(1, streams)));
        return new QueueWatermarks(high, high / 2);
    }
}
