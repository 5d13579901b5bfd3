package io.klinepipeline.workers.bronze;

import io.klinepipeline.exchange.Candle;
import io.klinepipeline.workers.window.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;

/** Which minutes of a window got rows, and which of them a final one; a bit per minute, so a month costs 6 KB. */
final class WindowCoverage {
    private final TimeWindow window;
    private final ReplaceScope scope;
    private final BitSet withRows = new BitSet();
    private final BitSet withFinal = new BitSet();

    WindowCoverage(ReplaceScope scope) {
        this.window = scope.window();
        this.scope = scope;
    }

    /** Whether a candle starting here is loaded by this run: in the window, in an hour with source objects. */
    boolean contains(Instant intervalStart) {
        return scope.contains(intervalStart);
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
