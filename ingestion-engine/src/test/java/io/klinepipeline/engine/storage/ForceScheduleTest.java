package io.klinepipeline.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.engine.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ForceScheduleTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:10:00Z");

    /** A failed background force must not lose the promise: its lines are due again from when they were received. */
    @Test
    void linesOfAFailedForceAreDueAgainAsSoonAsTheyWereBefore() {
        MutableClock clock = new MutableClock(T0);
        ForceSchedule schedule = new ForceSchedule(Duration.ofMillis(1000), clock);
        schedule.appended(T0);
        clock.set(T0.plusMillis(500));
        assertThat(schedule.due()).isTrue();
        schedule.forceStarted();
        assertThat(schedule.due()).as("the running force covers the line").isFalse();
        schedule.appended(T0.plusMillis(600));
        schedule.forceFailed();
        assertThat(schedule.due()).as("the line of T0 is unforced again, and overdue").isTrue();
        assertThat(schedule.timeUntilDue()).hasValue(Duration.ZERO);

        schedule.forceStarted();
        schedule.forceSucceeded();
        assertThat(schedule.timeUntilDue()).isEmpty();
    }
}
