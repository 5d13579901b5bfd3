package io.klinepipeline.workers.bronze;

import io.klinepipeline.exchange.Candle;
import io.klinepipeline.workers.window.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;

/** Which minutes of a window got rows, and which of them a final one; a bit per minute, so a month costs 6 KB. */
final class WindowCoverage {
    private final TimeWindow window;
    private final BitSet withRows = new BitSet();
    private final BitSet withFinal = new BitSet();

    WindowCoverage(TimeWindow window) {
        this.window = window;
    }

    /** Whether a candle starting here belongs to the window: [start, end). */
    boolean contains(Instant intervalStart) {
        return !intervalStart.isBefore(window.start()) && intervalStart.isBefore(window.end());
    }

    void add(Candle candle) {
        int minute = (int) Duration.between(window.start(), candle.intervalStart()).toMinutes();
        withRows.set(minute);
        if (candle.isFinal()) {
            withFinal.set(minute);
        }
    }

    /** The first minute with a row, or null. */
    Instant firstMinute() {
        int first = withRows.nextSetBit(0);
        return first < 0 ? null : window.start().plus(Duration.ofMinutes(first));
    }

    /** The last minute with a row, or null. */
    Instant lastMinute() {
        int last = withRows.length() - 1;
        return last < 0 ? null : window.start().plus(Duration.ofMinutes(last));
    }

    long minutesWithRows() {
        return withRows.cardinality();
    }

    long finalMinutes() {
        return withFinal.cardinality();
    }
}
