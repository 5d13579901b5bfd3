package io.klinepipeline.engine.venues;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.engine.metrics.StreamHealth;
import io.klinepipeline.engine.testing.Await;
import io.klinepipeline.engine.testing.EngineOnSimulator;
import io.klinepipeline.simulator.server.ExchangeSimulator;
import io.klinepipeline.simulator.server.SimulatorOptions;
import io.klinepipeline.simulator.server.VenueStats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on a simulated clock 600 times as fast as the wall: a connection the venue resets
 * after a third of a second has lived minutes of simulated time, longer than the minute after
 * which a connection counts as stable and resets the back-off. The back-off pauses are wall-clock
 * pauses, so stability must be judged on the wall clock too, or a flapping venue is retried at
 * the shortest pause for ever.
 */
class BackOffOnAFastClockTest {
    private static final double SPEED = 600;
    private static final int RESETS = 5;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private EngineOnSimulator setup;

    @AfterEach
    void stop() {
        if (setup != null) {
            setup.close();
        }
    }

    @Test
    void connectionsResetSoonOnTheWallClockKeepTheBackOffGrowingHoweverFastTheClockRuns() throws Exception {
        SimulatedClock clock = SimulatedClock.startingAt(Instant.parse("2026-11-24T10:00:00Z"), SPEED);
        setup = EngineOnSimulator.with(SimulatorOptions.forTests(clock))
                .capturing("binance", "BTCUSDT")
                .engineKeys("reconnect_initial_delay_ms: 20, reconnect_max_delay_ms: 2000, connect_spacing_ms: 1")
                .connectionLimitSpeedup(SPEED)
                .start(dir);
        ExchangeSimulator simulator = setup.simulator();
        VenueStats stats = simulator.stats("binance");
        StreamHealth health = setup.engine().streamCounters().get(0).health();

        for (int reset = 0; reset < RESETS; reset++) {
            awaitTrue(() -> health.snapshot().up() && stats.connectionsOpen() == 1, "the stream is up before reset " + reset);
            Thread.sleep(300); // 3 minutes on the simulated clock, well under a minute on the wall
            simulator.venue("binance").dropConnections();
            int scheduled = reset + 1;
            awaitTrue(() -> health.snapshot().reconnects() >= scheduled, "reconnect " + scheduled + " is scheduled");
        }

        List<Integer> attempts = health.snapshot().recentReconnects().stream().map(StreamHealth.Reconnect::attempt).toList();
        assertThat(attempts).as("back-off attempt of each reconnect: no connection lived a minute of wall time")
                .containsExactly(0, 1, 2, 3, 4);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(what, WAIT, condition);
    }
}
