package io.klinepipeline.engine.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueueWatermarksTest {

    @Test
    void framesQueuedAcrossAllStreamsStayWithinOneBudgetHoweverManyStreams() {
        for (int streams : new int[] {1, 2, 10, 100, 500, 1000}) {
            QueueWatermarks marks = QueueWatermarks.sharedBy(streams);
            assertThat((long) marks.high() * streams).as("%d streams", streams)
                    .isLessThanOrEqualTo(Math.max(QueueWatermarks.ENGINE_BUDGET, (long) QueueWatermarks.MIN_HIGH * streams));
            assertThat(marks.low()).isLessThan(marks.high());
        }
    }

    @Test
    void aStreamKeepsEnoughRoomToBatchWellAndNoMoreThanItCanUse() {
        for (int streams : new int[] {1, 10, 100_000}) {
            QueueWatermarks marks = QueueWatermarks.sharedBy(streams);
            assertThat(marks.high()).isBetween(QueueWatermarks.MIN_HIGH, QueueWatermarks.MAX_HIGH);
            assertThat(marks.low()).isPositive();
        }
    }
}
