package io.klinepipeline.simulator.server;

import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.simulator.market.Listing;
import io.klinepipeline.simulator.market.SyntheticMarket;
import io.klinepipeline.simulator.market.TrueCandle;
import io.klinepipeline.simulator.venue.Venue;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The five venues on their own ports, one market behind them, optionally an admin API. Started
 * in-process by tests and by {@code SimulatorMain} from a shell.
 */
public final class ExchangeSimulator implements AutoCloseable {
    private final SimulatorOptions options;
    private final SyntheticMarket market;
    private final EventLoopGroup group;
    private final Map<String, VenueServer> servers = new LinkedHashMap<>();
    private final AdminServer admin;

    private ExchangeSimulator(SimulatorOptions options) throws InterruptedException {
        this.options = options;
        this.market = new SyntheticMarket(options.seed(), options.meanTradesPerMinute());
        this.group = new MultiThreadIoEventLoopGroup(options.threads(), NioIoHandler.newFactory());
        AtomicLong connectionIds = new AtomicLong();
        boolean started = false;
        try {
            int i = 0;
            for (Venue venue : options.venues()) {
                int port = options.basePort() == 0 ? 0 : options.basePort() + i;
                servers.put(venue.name(), new VenueServer(venue, market, options.clock(), options.tickInterval(),
                        options.firehose() ? Optional.of(options.firehosePace()) : Optional.empty(), group,
                        options.host(), port, connectionIds));
                i++;
            }
            admin = options.adminPort().isPresent()
                    ? new AdminServer(this, group, options.host(), options.adminPort().getAsInt())
                    : null;
            started = true;
        } finally {
            if (!started) {
                close();
            }
        }
    }

    public static ExchangeSimulator start(SimulatorOptions options) throws InterruptedException {
        return new ExchangeSimulator(options);
    }

    public SimulatedClock clock() {
        return options.clock();
    }

    public SyntheticMarket market() {
        return market;
    }

    public List<String> venues() {
        return List.copyOf(servers.keySet());
    }

    public VenueServer venue(String name) {
        VenueServer server = servers.get(name);
        if (server == null) {
            throw new IllegalArgumentException("no venue " + name + " (venues: " + String.join(", ", servers.keySet()) + ")");
        }
        return server;
    }

    public URI wsBase(String venue) {
        return venue(venue).wsBase();
    }

    public URI restBase(String venue) {
        return venue(venue).restBase();
    }

    public VenueFaults faults(String venue) {
        return venue(venue).faults();
    }

    public VenueStats stats(String venue) {
        return venue(venue).stats();
    }

    /** The admin API's base URL; null when it was not started. */
    public URI adminBase() {
        return admin == null ? null : admin.base();
    }

    /**
     * The {@code exchanges:} section of a pipeline.yaml pointing every listed venue at this
     * simulator, e.g. {binance: [BTCUSDT], kraken: [BTC/USD]}.
     */
    public String exchangesYaml(Map<String, List<String>> pairsByVenue) {
        StringBuilder yaml = new StringBuilder("exchanges:\n");
        pairsByVenue.forEach((venue, pairs) -> yaml.append("  ").append(venue).append(":\n")
                .append("    ws_url: ").append(wsBase(venue)).append('\n')
                .append("    rest_url: ").append(restBase(venue)).append('\n')
                .append("    pairs: [").append(String.join(", ", pairs.stream().map(p -> '"' + p + '"').toList())).append("]\n"));
        return yaml.toString();
    }

    /** The exact candles of one venue's symbol for minutes in [from, toExclusive), empty minutes included. */
    public List<TrueCandle> trueCandles(String venue, String symbol, Instant from, Instant toExclusive) {
        Listing listing = venue(venue).venue().listing(symbol);
        List<TrueCandle> candles = new ArrayList<>();
        for (Instant m = from; m.isBefore(toExclusive); m = m.plus(Duration.ofMinutes(1))) {
            candles.add(market.candle(listing, m));
        }
        return candles;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        servers.values().forEach(VenueServer::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
