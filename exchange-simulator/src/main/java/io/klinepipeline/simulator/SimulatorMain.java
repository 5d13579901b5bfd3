package io.klinepipeline.simulator;

import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.simulator.server.ExchangeSimulator;
import io.klinepipeline.simulator.server.FirehosePace;
import io.klinepipeline.simulator.server.SimulatorOptions;
import io.klinepipeline.simulator.venue.Venues;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar exchange-simulator.jar}: the five venues on consecutive ports until stopped. */
@Command(name = "exchange-simulator", mixinStandardHelpOptions = true,
        description = {"Serves Binance, Coinbase, Kraken, Bybit and OKX WebSocket and REST candle APIs on consecutive ports",
                "(in that order, from --base-port), from one deterministic synthetic trade stream per pair,",
                "with an admin API on --admin-port to inject faults. Prints the venues' URLs, runs until stopped."})
public final class SimulatorMain implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--base-port", defaultValue = "18100", description = "Port of the first venue; the others follow (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--admin-port", defaultValue = "18199", description = "Port of the admin API (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--speed", defaultValue = "1", description = "Simulated seconds per wall-clock second (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--start", description = "Simulated start time, ISO-8601 (default: now).")
    Instant start;

    @Option(names = "--seed", defaultValue = "42", description = "The market's seed; the same seed gives the same trades (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--trades-per-minute", defaultValue = "20", description = "Mean trades per minute and pair (default: ${DEFAULT-VALUE}).")
    int tradesPerMinute;

    @Option(names = "--firehose", description = "Every connection runs through simulated time as fast as its client reads (benchmarks); its frames' times run ahead of the clock.")
    boolean firehose;

    @Option(names = "--firehose-rate", defaultValue = "0", paramLabel = "STEPS",
            description = "With --firehose: at most this many simulated seconds per wall-clock second and connection (about one "
                    + "Binance frame per stream each); 0: as fast as the client reads (default: ${DEFAULT-VALUE}).")
    double firehoseRate;

    @Option(names = "--firehose-steps", defaultValue = "0", paramLabel = "STEPS",
            description = "With --firehose: each connection sends this many simulated seconds from --start, then stops sending "
                    + "data (it stays open, and logs how many frames it sent); 0: no end (default: ${DEFAULT-VALUE}).")
    long firehoseSteps;

    @Option(names = "--firehose-gate", defaultValue = "0", paramLabel = "CONNECTIONS",
            description = "With --firehose: no connection of a venue sends before this many are open, so a client's last "
                    + "connections do not open under the flood of its first; 0: each starts at once (default: ${DEFAULT-VALUE}).")
    int firehoseGate;

    @Option(names = "--tick-ms", defaultValue = "250", description = "How often each connection's stream advances, wall clock (default: ${DEFAULT-VALUE}).")
    long tickMillis;

    @Override
    public Integer call() throws Exception {
        SimulatedClock clock = SimulatedClock.startingAt(start == null ? Instant.now() : start, speed);
        SimulatorOptions options = new SimulatorOptions(host, basePort, OptionalInt.of(adminPort), clock, seed, tradesPerMinute,
                Duration.ofMillis(tickMillis), 2, Venues.all(), firehose, new FirehosePace(firehoseRate, firehoseSteps, firehoseGate));
        CountDownLatch stopped = new CountDownLatch(1);
        try (ExchangeSimulator simulator = ExchangeSimulator.start(options)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "simulator-stop"));
            for (String venue : simulator.venues()) {
                System.out.printf("%-9s ws_url: %s  rest_url: %s%n", venue, simulator.wsBase(venue), simulator.restBase(venue));
            }
            System.out.println("admin     " + simulator.adminBase() + "  (GET /venues, /now, /venues/{v}/stats; POST /venues/{v}/faults?...)");
            System.out.flush();
            stopped.await();
        }
        return 0;
    }

    public static void main(String[] args) {
        // Named so, the simulator's logging set-up never competes with the engine's or the workers'
        // logback.xml when tests put both on one classpath.
        System.setProperty("logback.configurationFile", "logback-simulator.xml");
        System.exit(new CommandLine(new SimulatorMain()).execute(args));
    }
}
