package io.klinepipeline.simulator.server;

/**
 * How a firehose connection runs: how many steps (one simulated second each, about one frame per
 * stream on Binance) it may send per wall-clock second, and after how many steps it falls silent.
 * A bounded firehose lets a benchmark offer a known rate and count exactly what was sent.
 *
 * @param stepsPerSecond at most this many steps per second per connection; 0: as fast as the client reads
 * @param steps the connection stops sending data after this many steps (it stays open); 0: never
 * @param startWhenConnected no connection of the venue sends before this many are open, so a client's
 *     later connections do not open under the flood of its first ones; 0: each starts at once
 */
public record FirehosePace(double stepsPerSecond, long steps, int startWhenConnected) {
    /** As fast as the client reads, without end. */
    public static final FirehosePace UNBOUNDED = new FirehosePace(0, 0);

    public FirehosePace(double stepsPerSecond, long steps) {
        this(stepsPerSecond, steps, 0);
    }

    public FirehosePace {
        if (!(stepsPerSecond >= 0) || Double.isInfinite(stepsPerSecond)) {
            throw new IllegalArgumentException("firehose steps per second must be >= 0 and finite, not " + stepsPerSecond);
        }
        if (startWhenConnected < 0) {
            throw new IllegalArgumentException("firehose start gate must be >= 0, not " + startWhenConnected);
        }
        if (steps < 0) {
            throw new IllegalArgumentException("firehose steps must be >= 0, not " + steps);
        }
    }

    boolean rateLimited() {
        return stepsPerSecond > 0;
    }

    boolean bounded() {
        return steps > 0;
    }
}
