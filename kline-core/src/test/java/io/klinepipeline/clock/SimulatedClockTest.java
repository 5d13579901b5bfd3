package io.klinepipeline.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimulatedClockTest {
    private static final Instant ORIGIN = Instant.parse("2026-11-24T10:00:00Z");
    /** One millisecond of wall time for the two readings, at the clocks' speed. */
    private static final double SPEED = 120;
    private static final Duration TOLERANCE = Duration.ofMillis((long) SPEED);

    @Test
    void aClockReadFromAnotherClocksAnchorFormAgreesWithIt() {
        SimulatedClock simulator = SimulatedClock.anchored(ORIGIN, Instant.now().minusSeconds(2), SPEED);
        assertAgree(simulator, SimulatedClock.parse(simulator.anchorForm()));
    }

    @Test
    void aClockStartedWithoutAnAnchorStillHasAnAnchorFormThatAgrees() throws InterruptedException {
        SimulatedClock simulator = SimulatedClock.startingAt(ORIGIN, SPEED);
        Thread.sleep(50);
        assertAgree(simulator, SimulatedClock.parse(simulator.anchorForm()));
    }

    @Test
    void showsTheOriginAtTheWallAnchorAndRunsSpeedTimesAsFast() {
        Instant anchor = Instant.now().minusSeconds(10);
        SimulatedClock clock = SimulatedClock.anchored(ORIGIN, anchor, SPEED);
        Instant wallBefore = Instant.now();
        Instant simulated = clock.instant();
        Instant wallAfter = Instant.now();
        assertThat(simulated).isBetween(
                ORIGIN.plusNanos((long) (Duration.between(anchor, wallBefore).toNanos() * SPEED)).minus(TOLERANCE),
                ORIGIN.plusNanos((long) (Duration.between(anchor, wallAfter).toNanos() * SPEED)).plus(TOLERANCE));
    }

    @Test
    void theAnchorFormIsTheOriginTheAnchorAndTheSpeedExactly() {
        Instant anchor = Instant.now();
        assertThat(SimulatedClock.anchored(ORIGIN, anchor, SPEED).anchorForm()).isEqualTo(ORIGIN + "," + anchor + ",120.0");
    }

    @Test
    void theWallDelayUntilASimulatedInstantIsTheSimulatedDistanceOverTheSpeed() {
        long started = System.nanoTime();
        SimulatedClock clock = SimulatedClock.startingAt(ORIGIN, SPEED);
        Duration delay = clock.realDelayUntil(ORIGIN.plusSeconds(120)); // a second of wall time after the start
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        assertThat(delay).isBetween(Duration.ofSeconds(1).minus(elapsed), Duration.ofSeconds(1));
        assertThat(clock.realDelayUntil(ORIGIN.minusSeconds(1))).as("already past").isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2026-11-24T10:00:00Z,NOW,0        | the speed must be a finite number > 0, not 0.0",
        "2026-11-24T10:00:00Z,NOW,-120     | the speed must be a finite number > 0, not -120.0",
        "2026-11-24T10:00:00Z,NOW,Infinity | the speed must be a finite number > 0, not Infinity",
        "2026-11-24T10:00:00Z,NOW,fast     | the speed must be a number such as 120, not 'fast'",
        "2026-11-24 10:00,NOW,120          | the simulated origin must be an ISO-8601 UTC instant",
        "2026-11-24T10:00:00Z,yesterday,120 | the wall anchor must be an ISO-8601 UTC instant",
        "2026-11-24T10:00:00Z,2020-01-01T00:00:00Z,120 | the wall anchor 2020-01-01T00:00:00Z is more than 7 days from now",
        "2026-11-24T10:00:00Z,120          | expected SIM_ORIGIN,WALL_ANCHOR,SPEED",
    })
    void aBadAnchorFormIsRefusedSayingWhichPartIsWrong(String text, String message) {
        assertThatThrownBy(() -> SimulatedClock.parse(text.replace("NOW", Instant.now().toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    private static void assertAgree(SimulatedClock simulator, SimulatedClock engine) {
        for (int i = 0; i < 100; i++) {
            Instant before = simulator.instant();
            Instant between = engine.instant();
            Instant after = simulator.instant();
            assertThat(between).as("the engine's reading between two of the simulator's")
                    .isBetween(before.minus(TOLERANCE), after.plus(TOLERANCE));
        }
    }
}
