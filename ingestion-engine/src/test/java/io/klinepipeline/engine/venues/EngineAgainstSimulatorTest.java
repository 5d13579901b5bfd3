package io.klinepipeline.engine.venues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.engine.Engine;
import io.klinepipeline.engine.metrics.StreamCounters;
import io.klinepipeline.engine.testing.Await;
import io.klinepipeline.engine.testing.BronzeFiles;
import io.klinepipeline.engine.testing.EngineOnSimulator;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.jsonl.RawEvent;
import io.klinepipeline.jsonl.RawEventCodec;
import io.klinepipeline.simulator.market.TrueCandle;
import io.klinepipeline.simulator.server.ExchangeSimulator;
import io.klinepipeline.simulator.server.SimulatorOptions;
import io.klinepipeline.simulator.venue.Venues;
import io.klinepipeline.simulator.server.VenueStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on all five venues of the exchange simulator at once, one pair each, with the
 * simulator's clock running 30 times as fast (a minute every 2 s) and shared with the engine. It
 * checks each venue's keepalive as the venue sees it, survives a reset of every connection, and
 * then reads back what the engine wrote with each exchange's own parser: no dead letters, and
 * every candle taken as final is exactly the simulator's true candle of that minute.
 */
class EngineAgainstSimulatorTest {
    private static final Duration WAIT = Duration.ofSeconds(45);
    /** Each venue's symbol for bitcoin, in its own notation. */
    private static final Map<String, String> SYMBOLS = Venues.bitcoinSymbols();

    @TempDir
    Path dir;

    private EngineOnSimulator setup;
    private ExchangeSimulator simulator;

    @AfterEach
    void stop() {
        if (setup != null) {
            setup.close();
        }
    }

    @Test
    void capturesEveryVenueKeepsEachAliveAndRecoversFromAResetWithNothingWrongTakenAsFinal() throws Exception {
        SimulatedClock clock = SimulatedClock.startingAt(Instant.parse("2026-11-24T10:00:30Z"), 30);
        setup = EngineOnSimulator.with(new SimulatorOptions("127.0.0.1", 0, OptionalInt.empty(), clock, 7, 30,
                        Duration.ofMillis(100), 2, Venues.all(Duration.ofSeconds(2))))
                .capturing(SYMBOLS)
                .start(dir);
        simulator = setup.simulator();
        Engine engine = setup.engine();

        // Keepalive, as each venue sees it: Binance's pings answered, the others' client pings (Kraken's every 30 s),
        // Coinbase's heartbeats channel subscribed.
        awaitTrue("binance pongs", () -> stats("binance").pongsReceived() >= 2);
        awaitTrue("bybit ping", () -> stats("bybit").clientTextsSeen().contains("{\"op\":\"ping\"}"));
        awaitTrue("okx ping", () -> stats("okx").clientTextsSeen().contains("ping"));
        awaitTrue("kraken ping", () -> stats("kraken").clientTextsSeen().contains("{\"method\":\"ping\"}"));
        assertThat(stats("coinbase").clientTextsSeen()).anyMatch(t -> t.contains("\"channel\":\"heartbeats\""));
        for (String venue : SYMBOLS.keySet()) {
            assertThat(stats(venue).closedForIdleClient()).as(venue + " closed an idle client").isZero();
            assertThat(stats(venue).connectionsOpened()).as(venue + " connections before the reset").isEqualTo(1);
        }

        // Every connection reset at once, mid-minute; the engine reconnects each.
        for (String venue : SYMBOLS.keySet()) {
            simulator.venue(venue).dropConnections();
        }
        for (String venue : SYMBOLS.keySet()) {
            awaitTrue(venue + " reconnect", () -> stats(venue).connectionsOpened() == 2 && stats(venue).connectionsOpen() == 1);
        }
        Instant reconnected = clock.instant();
        awaitTrue("four more minutes", () -> clock.instant().isAfter(reconnected.plus(Duration.ofMinutes(4))));
        engine.close();
        for (StreamCounters counters : engine.streamCounters()) {
            assertThat(counters.reconnects()).as(counters.stream() + " reconnects").isEqualTo(1);
            assertThat(counters.deadLetteredCount()).as(counters.stream() + " dead letters").isZero();
            assertThat(counters.errorFrames()).as(counters.stream() + " error frames").isZero();
        }
        assertThat(deadLetterFiles()).isEmpty();

        Map<String, List<Candle>> finals = finalCandlesByVenue(setup.registry());
        for (Map.Entry<String, String> listing : SYMBOLS.entrySet()) {
            String venue = listing.getKey();
            List<Candle> venueFinals = finals.getOrDefault(venue, List.of());
            assertThat(venueFinals).as(venue + " final candles").hasSizeGreaterThanOrEqualTo(4);
            for (Candle candle : venueFinals) {
                TrueCandle truth = simulator.trueCandles(venue, listing.getValue(), candle.intervalStart(),
                        candle.intervalStart().plusSeconds(60)).get(0);
                assertExact(venue, candle, truth);
            }
        }
    }

    private static void assertExact(String venue, Candle c, TrueCandle t) {
        String what = venue + " " + c.intervalStart();
        assertThat(c.open()).as(what + " open").isCloseTo(t.open().doubleValue(), within(1e-9));
        assertThat(c.high()).as(what + " high").isCloseTo(t.high().doubleValue(), within(1e-9));
        assertThat(c.low()).as(what + " low").isCloseTo(t.low().doubleValue(), within(1e-9));
        assertThat(c.close()).as(what + " close").isCloseTo(t.close().doubleValue(), within(1e-9));
        assertThat(c.volume()).as(what + " volume").isCloseTo(t.volume().doubleValue(), within(1e-9));
        if (c.tradeCount() != null) {
            assertThat(c.tradeCount()).as(what + " trades").isEqualTo(t.tradeCount());
        }
        if (c.quoteVolume() != null) {
            assertThat(c.quoteVolume()).as(what + " quote volume").isCloseTo(t.quoteVolume().doubleValue(), within(1e-6));
        }
    }

    /** Every stream's lines through its exchange's parser, in order; the last final candle per minute wins. */
    private Map<String, List<Candle>> finalCandlesByVenue(ExchangeRegistry registry) throws Exception {
        RawEventCodec codec = new RawEventCodec();
        Map<String, PayloadParser> parsers = new HashMap<>();
        Map<String, Map<Instant, Candle>> finals = new HashMap<>();
        for (BronzeFiles.Line line : BronzeFiles.lines(dir.resolve("bronze"))) {
            RawEvent event = codec.decode(line.text());
            PayloadParser parser = parsers.computeIfAbsent(event.exchange(),
                    name -> registry.get(name).newPayloadParser(event.symbol()));
            List<Candle> candles = new ArrayList<>(parser.parse(event));
            for (Candle candle : candles) {
                if (candle.isFinal()) {
                    finals.computeIfAbsent(event.exchange(), k -> new LinkedHashMap<>()).put(candle.intervalStart(), candle);
                }
            }
        }
        Map<String, List<Candle>> out = new HashMap<>();
        finals.forEach((venue, byMinute) -> out.put(venue, List.copyOf(byMinute.values())));
        return out;
    }

    private List<Path> deadLetterFiles() throws Exception {
        Path root = dir.resolve("dead-letter");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(p -> {
                try {
                    return Files.size(p) > 0;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private VenueStats stats(String venue) {
        return simulator.stats(venue);
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, WAIT, condition);
    }
}
