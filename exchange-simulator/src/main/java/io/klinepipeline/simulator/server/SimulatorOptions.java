package io.klinepipeline.simulator.server;

import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.simulator.venue.Venue;
import io.klinepipeline.simulator.venue.Venues;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * How to run the simulator.
 *
 * @param basePort the first venue's port, the others follow in order; 0 gives every venue a free port
 * @param adminPort the admin API's port (0: a free one); empty: no admin API
 * @param tickInterval how often (wall clock) each connection's stream advances
 * @param threads event-loop threads shared by all venues
 * @param firehose each connection runs through simulated time as fast as the client reads,
 *     {@link #FIREHOSE_STEP} per batch, instead of following the clock: for benchmarks
 * @param firehosePace how fast and how long a firehose connection sends
 */
public record SimulatorOptions(
        String host,
        int basePort,
        OptionalInt adminPort,
        SimulatedClock clock,
        long seed,
        int meanTradesPerMinute,
        Duration tickInterval,
        int threads,
        List<Venue> venues,
        boolean firehose,
        FirehosePace firehosePace) {

    /** How far a firehose connection's own time moves per batch of frames. */
    public static final Duration FIREHOSE_STEP = Duration.ofSeconds(1);

    /** With an unbounded firehose, if any. */
    public SimulatorOptions(String host, int basePort, OptionalInt adminPort, SimulatedClock clock, long seed, int meanTradesPerMinute,
            Duration tickInterval, int threads, List<Venue> venues, boolean firehose) {
        this(host, basePort, adminPort, clock, seed, meanTradesPerMinute, tickInterval, threads, venues, firehose, FirehosePace.UNBOUNDED);
    }

    /** Following the clock, not a firehose. */
    public SimulatorOptions(String host, int basePort, OptionalInt adminPort, SimulatedClock clock, long seed, int meanTradesPerMinute,
            Duration tickInterval, int threads, List<Venue> venues) {
        this(host, basePort, adminPort, clock, seed, meanTradesPerMinute, tickInterval, threads, venues, false);
    }

    /** Every venue on free loopback ports, in real time, no admin API: what most tests want. */
    public static SimulatorOptions forTests(SimulatedClock clock) {
        return new SimulatorOptions("127.0.0.1", 0, OptionalInt.empty(), clock, 42, 20, Duration.ofMillis(100), 2, Venues.all());
    }

    public SimulatorOptions withAdminPort(int port) {
        return new SimulatorOptions(host, basePort, OptionalInt.of(port), clock, seed, meanTradesPerMinute, tickInterval, threads,
                venues, firehose, firehosePace);
    }

    public SimulatorOptions withMeanTradesPerMinute(int trades) {
        return new SimulatorOptions(host, basePort, adminPort, clock, seed, trades, tickInterval, threads, venues, firehose,
                firehosePace);
    }

    public SimulatorOptions asFirehose() {
        return asFirehose(FirehosePace.UNBOUNDED);
    }

    public SimulatorOptions asFirehose(FirehosePace pace) {
        return new SimulatorOptions(host, basePort, adminPort, clock, seed, meanTradesPerMinute, tickInterval, threads, venues, true, pace);
    }
}
