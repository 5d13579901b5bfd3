package io.klinepipeline.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.simulator.market.SimClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SimulatedClockTest {
    private static final Instant ORIGIN = Instant.parse("2026-11-24T10:00:00Z");
    /** One millisecond of wall time for the two readings, at the clocks' speed. */
    private static final double SPEED = 120;
    private static final Duration TOLERANCE = Duration.ofMillis((long) SPEED);

    @Test
    void agreesWithTheSimulatorsClockFromItsAnchorForm() {
        SimClock simulator = SimClock.anchored(ORIGIN, Instant.now().minusSeconds(2), SPEED);
        SimulatedClock engine = SimulatedClock.parse(simulator.anchorForm());
        assertAgree(simulator, engine);
    }

    @Test
    void agreesWithASimulatorClockStartedWithoutAnAnchor() throws InterruptedException {
        SimClock simulator = SimClock.startingAt(ORIGIN, SPEED);
        Thread.sleep(50);
        assertAgree(simulator, SimulatedClock.parse(simulator.anchorForm()));
    }

    @Test
    void showsTheOriginAtTheWallAnchorAndRunsSpeedTimesAsFast() {
        Instant anchor = Instant.now().minusSeconds(10);
        SimulatedClock clock = new SimulatedClock(ORIGIN, anchor, SPEED);
        Instant wallBefore = Instant.now();
        Instant simulated = clock.instant();
        Instant wallAfter = Instant.now();
        assertThat(simulated).isBetween(
                ORIGIN.plusNanos((long) (Duration.between(anchor, wallBefore).toNanos() * SPEED)).minus(TOLERANCE),
                ORIGIN.plusNanos((long) (Duration.between(anchor, wallAfter).toNanos() * SPEED)).plus(TOLERANCE));
    }

    @Test
    void theSimulatorsAnchorFormIsItsOriginAnchorAndSpeedExactly() {
        Instant anchor = Instant.now();
        assertThat(SimClock.anchored(ORIGIN, anchor, SPEED).anchorForm()).isEqualTo(ORIGIN + "," + anchor + ",120.0");
    }

    @Test
    void refusesASpeedThatIsNotPositive() {
        assertThatThrownBy(() -> SimClock.anchored(ORIGIN, Instant.now(), 0)).hasMessageContaining("speed must be > 0");
        assertThatThrownBy(() -> new SimulatedClock(ORIGIN, Instant.now(), -1)).hasMessageContaining("speed must be a finite number >= 1");
    }

    private static void assertAgree(SimClock simulator, SimulatedClock engine) {
        for (int i = 0; i < 100; i++) {
            Instant before = simulator.instant();
            Instant between = engine.instant();
            Instant after = simulator.instant();
            assertThat(between).as("the engine's reading between two of the simulator's")
                    .isBetween(before.minus(TOLERANCE), after.plus(TOLERANCE));
        }
    }
}
