package io.klinepipeline.engine.venues;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.chaos.ChaosRow;
import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.engine.Engine;
import io.klinepipeline.engine.metrics.StreamCounters;
import io.klinepipeline.engine.metrics.StreamHealth;
import io.klinepipeline.engine.testing.Await;
import io.klinepipeline.engine.testing.BronzeFiles;
import io.klinepipeline.engine.testing.EngineOnSimulator;
import io.klinepipeline.engine.ws.StreamSupervisor;
import io.klinepipeline.exchange.FrameKind;
import io.klinepipeline.jsonl.RawEvent;
import io.klinepipeline.jsonl.RawEventCodec;
import io.klinepipeline.simulator.server.ExchangeSimulator;
import io.klinepipeline.simulator.server.SentFrameJournal;
import io.klinepipeline.simulator.server.SimulatorOptions;
import io.klinepipeline.simulator.venue.Venues;
import io.klinepipeline.simulator.server.VenueFaults;
import io.klinepipeline.simulator.server.VenueStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Exchange faults, on all five venues of the simulator at once, against one engine that runs
 * through all of them in order: refused handshakes (the back-off at work), server close frames
 * with each code, a TCP reset, a half-open connection, the forced cut-off of old connections,
 * refused subscriptions, duplicated and reordered messages, a frame over the size limit and a
 * text frame that is not UTF-8. After each fault every stream must deliver data again; the
 * stream's {@link StreamHealth} (and its WARN/INFO lines) must say it was down, since when and
 * why. At the end the files are checked against what the venues sent: every line whole JSON and
 * a frame a venue sent (duplicates and reordering are kept raw, as the venue sent them: the JSONL
 * is raw, de-duplicating is silver's job), none written twice, no gap in any connection's
 * numbering, the oversize and non-UTF-8 frames dead-lettered.
 *
 * <p>The simulator's clock runs {@value #SPEED} times as fast as the wall clock and is the
 * engine's clock too, so times in the state and logs are simulated time; the exchanges'
 * connection-rate limits are sped up by the same factor. The methods run in order against the one
 * engine, and the last one checks what all of them wrote: run the class, not a single method.
 */
@Tag("chaos")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExchangeFaultsTest {
    private static final double SPEED = 30;
    /** 1 in make test; make chaos repeats each fault more often. */
    private static final int SCALE = ChaosRow.scale();
    /** The longest wait for one step; steps repeat SCALE times as often (20 forced cut-offs at scale 10), so it grows with it. */
    private static final Duration WAIT = Duration.ofSeconds(40L * SCALE);
    private static final Duration INITIAL_DELAY = Duration.ofMillis(50);
    private static final Duration MAX_DELAY = Duration.ofMillis(1000);
    /** Above the longest quiet spell of a venue (a closed candle every simulated minute, 2 s here). */
    private static final int IDLE_TIMEOUT_SECONDS = 3;
    /** New frames each stream must store after a fault before it counts as recovered. */
    private static final int RESUMED = 3;
    private static final Map<String, String> SYMBOLS = Venues.bitcoinSymbols();

    @TempDir
    static Path dir;

    private final List<ChaosRow> rows = new ArrayList<>();
    /** What each venue sent, from the engine's start. */
    private final Map<String, SentFrameJournal> sentFrames = new HashMap<>();
    private final ListAppender<ILoggingEvent> supervisorLog = new ListAppender<>();
    private SimulatedClock clock;
    private EngineOnSimulator setup;
    private ExchangeSimulator simulator;
    private Engine engine;

    @BeforeAll
    void start() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(StreamSupervisor.class);
        supervisorLog.start();
        logger.addAppender(supervisorLog);
        logger.setLevel(Level.INFO);

        clock = SimulatedClock.startingAt(Instant.parse("2026-11-24T10:00:30Z"), SPEED);
        setup = EngineOnSimulator.with(new SimulatorOptions("127.0.0.1", 0, OptionalInt.empty(), clock, 11, 120,
                        Duration.ofMillis(100), 2, Venues.all(Duration.ofSeconds(2))))
                .capturing(SYMBOLS)
                .engineKeys("reconnect_initial_delay_ms: %d, reconnect_max_delay_ms: %d, connect_spacing_ms: 1, idle_timeout_seconds: %d"
                        .formatted(INITIAL_DELAY.toMillis(), MAX_DELAY.toMillis(), IDLE_TIMEOUT_SECONDS))
                .connectionLimitSpeedup(SPEED)
                .beforeEngineStarts(started -> SYMBOLS.keySet()
                        .forEach(venue -> sentFrames.put(venue, SentFrameJournal.of(started.stats(venue)))))
                .start(dir);
        simulator = setup.simulator();
        engine = setup.engine();
        Map<String, Long> none = new HashMap<>();
        SYMBOLS.keySet().forEach(venue -> none.put(venue, 0L));
        awaitFlowing(none);
    }

    @AfterAll
    void stop() {
        ((Logger) LoggerFactory.getLogger(StreamSupervisor.class)).detachAppender(supervisorLog);
        if (setup != null) {
            setup.close();
        }
    }

    /** First, while no stream has failed yet: the pauses start at the initial delay and their bound doubles. */
    @Test
    @Order(1)
    void refusedHandshakesAreRetriedWithGrowingJitteredBackoff() throws Exception {
        int attempts = 5;
        Map<String, Long> reconnectsBefore = snapshotEach(v -> health(v).snapshot().reconnects());
        Step step = survive("handshake refused (HTTP 429)", 1, true,
                venue -> {
                    faults(venue).refuseHandshakes(429);
                    simulator.venue(venue).closeConnections(1013, "try again later");
                },
                venue -> health(venue).snapshot().reconnects() - reconnectsBefore.get(venue) >= attempts);
        List<Duration> allPauses = new ArrayList<>();
        for (String venue : SYMBOLS.keySet()) {
            StreamHealth.Snapshot s = health(venue).snapshot();
            int taken = (int) (s.reconnects() - reconnectsBefore.get(venue));
            List<StreamHealth.Reconnect> pauses = s.recentReconnects().subList(s.recentReconnects().size() - taken,
                    s.recentReconnects().size());
            for (int i = 0; i < pauses.size(); i++) {
                StreamHealth.Reconnect r = pauses.get(i);
                // Back-off counts failures since the last stable connection: this is the first outage.
                assertThat(r.attempt()).as(venue + " attempt numbers").isEqualTo(i);
                long cap = Math.min(MAX_DELAY.toMillis(), INITIAL_DELAY.toMillis() << (r.attempt() + 1));
                assertThat(r.delay().toMillis()).as(venue + " pause before attempt " + i).isBetween(INITIAL_DELAY.toMillis(), cap);
                allPauses.add(r.delay());
            }
            // The first reconnect follows the close; each one after it was refused.
            assertThat(stats(venue).handshakesRefused()).as(venue + " refused handshakes").isGreaterThanOrEqualTo(attempts - 1);
            // The outage keeps its first cause; the refusals that followed only kept it going.
            assertThat(s.lastOutage().orElseThrow().reason()).as(venue + " outage reason").contains("code 1013");
        }
        assertThat(new HashSet<>(allPauses)).as("jittered pauses").hasSizeGreaterThan(1);
        // The bound doubles per attempt (50, 100, 200, 400 ms...): some later pause exceeds the first bound.
        assertThat(allPauses).as("pauses grow").anyMatch(d -> d.toMillis() > 2 * INITIAL_DELAY.toMillis());
        rows.add(step.row().notes("venue answers the upgrade with 429; reconnect pauses drawn from [50 ms, 50 ms * 2^(n+1)], "
                + "capped at 1 s in the test (60 s by default)"));
    }

    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {1000, 1001, 1008, 1011, 4000})
    @Order(2)
    void serverCloseFrameWithAnyCodeIsAnOutageTheStreamRecoversFrom(int code) throws Exception {
        Step step = survive("server close frame " + code, SCALE, 1, true,
                venue -> simulator.venue(venue).closeConnections(code, "simulated " + code), this::reconnected);
        for (String venue : SYMBOLS.keySet()) {
            assertThat(health(venue).snapshot().lastOutage().orElseThrow().reason()).as(venue + " outage reason")
                    .contains("code " + code);
        }
        rows.add(step.row().notes("close frame then close; the engine reads every frame before it"));
    }

    @Test
    @Order(3)
    void tcpResetIsAnOutageTheStreamRecoversFrom() throws Exception {
        Step step = survive("TCP reset (1006)", SCALE, 1, true, venue -> simulator.venue(venue).dropConnections(),
                this::reconnected);
        for (String venue : SYMBOLS.keySet()) {
            assertThat(health(venue).snapshot().lastOutage().orElseThrow().reason()).as(venue + " outage reason")
                    .containsIgnoringCase("reset");
        }
        rows.add(step.row().notes("RST without a close frame: frames still in the venue's socket buffer are lost on the wire "
                + "(sent > on disk); bronze-rest fills those minutes"));
    }

    /** The venue stops sending anything (no close, no data, no pings): only the idle timeout can tell. */
    @Test
    @Order(4)
    void halfOpenConnectionIsDetectedBySilenceAndReportedAsDownSince() throws Exception {
        Map<String, String> downLines = new HashMap<>();
        Step step = survive("half-open connection (silence)", SCALE, 1, true,
                venue -> faults(venue).silenceUntil(clock.instant().plus(Duration.ofSeconds(60).multipliedBy((long) SPEED))),
                () -> (venue -> {
                    // Down, as the state object and the periodic metrics line say, while the venue is still silent.
                    StreamHealth.Snapshot s = health(venue).snapshot();
                    if (s.up() || !s.downReason().contains("no data frame")) {
                        return false;
                    }
                    String since = s.downSince().orElseThrow().toString();
                    downLines.put(venue, counters(venue).summary());
                    return counters(venue).summary().contains("state=down down_since=" + since);
                }));
        for (String venue : SYMBOLS.keySet()) {
            assertThat(downLines.get(venue)).as(venue + " metrics line while down").contains("state=down");
            assertThat(health(venue).snapshot().lastOutage().orElseThrow().reason()).contains("no data frame for "
                    + IDLE_TIMEOUT_SECONDS + " s");
        }
        rows.add(step.row().notes("no close, no data, no pings; detected by idle_timeout (3 s in the test, 90 s by default)"));
    }

    /** Binance cuts every connection at 24 h; scaled to 2 s here. */
    @Test
    @Order(5)
    void forcedCutOffOfOldConnectionsIsSurvived() throws Exception {
        int cuts = 2 * SCALE;
        Map<String, Long> before = snapshotEach(v -> stats(v).closedForAge());
        Step step = survive("24 h forced cut-off (scaled to 2 s)", cuts, true,
                venue -> faults(venue).maxConnectionAge(Duration.ofSeconds(2)),
                venue -> stats(venue).closedForAge() - before.get(venue) >= cuts);
        for (String venue : SYMBOLS.keySet()) {
            assertThat(health(venue).snapshot().lastOutage().orElseThrow().reason()).contains("connection age limit");
        }
        rows.add(step.row().notes("the venue closes with 1000 at its age limit; in production the engine rotates first "
                + "(max_connection_age 23 h, overlapping connections)"));
    }

    /** Binance subscribes by URL, so it refuses at the handshake; the others answer the subscribe with an error. */
    @Test
    @Order(6)
    void rejectedSubscriptionIsRetriedUntilAccepted() throws Exception {
        Map<String, Long> errorsBefore = snapshotEach(v -> counters(v).errorFrames());
        Map<String, Long> refusedBefore = snapshotEach(v -> stats(v).handshakesRefused());
        Step step = survive("subscription rejected", 2 * SCALE, true,
                venue -> {
                    if (venue.equals("binance")) {
                        faults(venue).refuseHandshakes(400);
                    } else {
                        faults(venue).rejectSubscriptions(true);
                    }
                    simulator.venue(venue).closeConnections(1001, "going away"); // the next subscription is refused
                },
                venue -> venue.equals("binance")
                        ? stats(venue).handshakesRefused() - refusedBefore.get(venue) >= 2L * SCALE
                        : counters(venue).errorFrames() - errorsBefore.get(venue) >= 2L * SCALE);
        rows.add(step.row().notes("error answer stored as a control line, connection closed and retried with back-off; "
                + "Binance: handshake refused with 400"));
    }

    @Test
    @Order(7)
    void duplicatedMessagesAreKeptRawWithoutAnOutage() throws Exception {
        Map<String, Long> sentBefore = snapshotEach(this::sent);
        Step step = survive("duplicated messages", 1, false, venue -> faults(venue).duplicateEvery(3),
                venue -> sent(venue) - sentBefore.get(venue) >= 30L * SCALE);
        rows.add(step.row().notes("every 3rd frame sent twice; both copies stored raw (the venue sent two), "
                + "silver keeps one candle per minute"));
    }

    @Test
    @Order(8)
    void outOfOrderMessagesAreKeptRawWithoutAnOutage() throws Exception {
        Map<String, Long> sentBefore = snapshotEach(this::sent);
        Step step = survive("out-of-order messages", 1, false, venue -> faults(venue).reorderEvery(4),
                venue -> sent(venue) - sentBefore.get(venue) >= 30L * SCALE);
        rows.add(step.row().notes("every 4th frame held back behind the next; stored in arrival order"));
    }

    @Test
    @Order(9)
    void frameOverTheSizeLimitIsDeadLetteredAndTheConnectionReplaced() throws Exception {
        Map<String, Long> deadBefore = snapshotEach(v -> counters(v).deadLetteredCount());
        Step step = survive("message over the frame limit", 2 * SCALE, true,
                venue -> faults(venue).oversizeEvery(10, 2 << 20),
                venue -> counters(venue).deadLetteredCount() - deadBefore.get(venue) >= 2L * SCALE);
        for (String venue : SYMBOLS.keySet()) {
            assertThat(health(venue).snapshot().lastOutage().orElseThrow().reason()).contains("size limit");
        }
        rows.add(step.row().notes("2 MiB text frame against the 1 MiB frame limit: a dead letter notes it (bytes not kept), "
                + "the connection is closed (1009) and replaced"));
    }

    @Test
    @Order(10)
    void invalidUtf8FrameIsDeadLetteredWithoutAnOutage() throws Exception {
        Map<String, Long> deadBefore = snapshotEach(v -> counters(v).deadLetteredCount());
        Step step = survive("invalid UTF-8 text frame", 3 * SCALE, false, venue -> faults(venue).invalidUtf8Every(10),
                venue -> counters(venue).deadLetteredCount() - deadBefore.get(venue) >= 3L * SCALE);
        rows.add(step.row().notes("dead-lettered as base64 with its reason; the connection stays up"));
    }

    /**
     * Binance and OKX announce maintenance on the open connection (the other three document no such
     * notice): the engine opens a replacement at once and closes the old connection when the new one
     * delivers, so the stream is never down.
     */
    @Test
    @Order(11)
    void venuesShutdownNoticeIsAnsweredByAReplacementWithoutAnOutage() throws Exception {
        List<String> announcing = List.of("binance", "okx");
        long sent = 0;
        long storedBefore = announcing.stream().mapToLong(this::stored).sum();
        long sentBefore = announcing.stream().mapToLong(this::sent).sum();
        for (int round = 0; round < SCALE; round++) {
            Map<String, Long> rotations = snapshotEach(v -> counters(v).rotations());
            Map<String, Long> reconnects = snapshotEach(v -> health(v).snapshot().reconnects());
            Map<String, Optional<StreamHealth.Outage>> outages = new HashMap<>();
            announcing.forEach(venue -> outages.put(venue, health(venue).snapshot().lastOutage()));
            announcing.forEach(venue -> simulator.venue(venue).announceShutdown());
            for (String venue : announcing) {
                awaitTrue(venue + " replaced", () -> counters(venue).rotations() > rotations.get(venue)
                        && stats(venue).connectionsOpen() == 1);
            }
            awaitFlowing(snapshotEach(this::stored));
            for (String venue : announcing) {
                StreamHealth.Snapshot s = health(venue).snapshot();
                assertThat(s.reconnects()).as(venue + " reconnects").isEqualTo(reconnects.get(venue));
                assertThat(s.lastOutage()).as(venue + " no new outage").isEqualTo(outages.get(venue));
                assertThat(s.up()).as(venue + " up").isTrue();
            }
        }
        for (String venue : announcing) {
            assertThat(stats(venue).shutdownNoticesSent()).as(venue + " notices").isGreaterThanOrEqualTo(SCALE);
        }
        sent = announcing.stream().mapToLong(this::sent).sum() - sentBefore;
        rows.add(ChaosRow.of("exchange", "venue's maintenance notice").trials(announcing.size() * SCALE).sent(sent)
                .onDisk(announcing.stream().mapToLong(this::stored).sum() - storedBefore).lost(0).duplicates(0).unrecoveredErrors(0)
                .notes("Binance serverShutdown, OKX notice 64008 (Coinbase, Kraken, Bybit document none): replaced at once, "
                        + "new connection first, no outage"));
    }

    /** What the files hold, against what the venues sent; then the table's rows. */
    @Test
    @Order(20)
    void filesHoldExactlyWhatTheVenuesSentNothingTwiceNoGap() throws Exception {
        for (String venue : SYMBOLS.keySet()) {
            assertThat(health(venue).snapshot().up()).as(venue + " up at the end").isTrue();
        }
        engine.close();
        RawEventCodec codec = new RawEventCodec();
        Map<String, Map<String, Integer>> stored = new HashMap<>();
        Map<String, Set<Long>> seqByConnection = new HashMap<>();
        long pairsWrittenTwice = 0;
        for (BronzeFiles.Line line : BronzeFiles.lines(dir.resolve("bronze"))) {
            RawEvent event = codec.decode(line.text()); // whole JSON, or this throws
            stored.computeIfAbsent(event.exchange(), k -> new HashMap<>()).merge(line.payload(), 1, Integer::sum);
            if (!seqByConnection.computeIfAbsent(event.exchange() + " " + event.connection(), k -> new TreeSet<>())
                    .add(event.sequence())) {
                pairsWrittenTwice++;
            }
        }
        Map<String, Map<String, Integer>> deadLetterErrors = new HashMap<>();
        for (JsonNode letter : deadLetters()) {
            deadLetterErrors.computeIfAbsent(letter.path("exchange").asText(), k -> new HashMap<>())
                    .merge(letter.path("error").asText().startsWith("frame larger") ? "oversize"
                            : letter.path("error").asText().contains("UTF-8") ? "utf8" : letter.path("error").asText(), 1, Integer::sum);
            if (!seqByConnection.computeIfAbsent(letter.path("exchange").asText() + " " + letter.path("conn").asText(),
                    k -> new TreeSet<>()).add(letter.path("seq").asLong())) {
                pairsWrittenTwice++;
            }
        }
        assertThat(pairsWrittenTwice).as("(connection, seq) written twice").isZero();
        long gaps = 0;
        for (Map.Entry<String, Set<Long>> connection : seqByConnection.entrySet()) {
            TreeSet<Long> seqs = (TreeSet<Long>) connection.getValue();
            gaps += seqs.last() - seqs.size(); // numbered from 1: a full set has size == last
        }
        assertThat(gaps).as("frames received and numbered but neither stored nor dead-lettered").isZero();

        long doubled = 0;
        long lostOnTheWire = 0;
        for (String venue : SYMBOLS.keySet()) {
            Map<String, Integer> sentCounts = new HashMap<>();
            var protocol = setup.registry().get(venue).stream();
            for (String text : sentFrames.get(venue).texts()) {
                if (protocol.classify(text).kind() != FrameKind.PONG) { // answers to our pings are not stored
                    sentCounts.merge(text, 1, Integer::sum);
                }
            }
            Map<String, Integer> onDisk = stored.getOrDefault(venue, Map.of());
            for (Map.Entry<String, Integer> line : onDisk.entrySet()) {
                int sent = sentCounts.getOrDefault(line.getKey(), 0);
                assertThat(sent).as(venue + " sent this line: " + line.getKey()).isPositive();
                doubled += Math.max(0, line.getValue() - sent);
            }
            for (Map.Entry<String, Integer> frame : sentCounts.entrySet()) {
                lostOnTheWire += Math.max(0, frame.getValue() - onDisk.getOrDefault(frame.getKey(), 0));
            }
            Map<String, Integer> errors = deadLetterErrors.getOrDefault(venue, Map.of());
            assertThat(errors.keySet()).as(venue + " dead-letter reasons").containsExactlyInAnyOrder("oversize", "utf8");
            assertThat((long) errors.get("oversize")).as(venue + " oversize dead letters")
                    .isBetween(2L * SCALE, stats(venue).oversizeFramesSent());
            assertThat((long) errors.get("utf8")).as(venue + " invalid UTF-8 dead letters")
                    .isBetween(3L * SCALE, stats(venue).invalidUtf8FramesSent());
        }
        assertThat(doubled).as("lines stored more often than the venue sent them").isZero();

        for (String venue : SYMBOLS.keySet()) {
            String stream = counters(venue).stream().toString();
            assertThat(logLines(Level.WARN)).as(venue + " WARN when down")
                    .anyMatch(l -> l.startsWith("[" + stream + "] stream down since ") && l.contains("; reconnect #"));
            assertThat(logLines(Level.INFO)).as(venue + " INFO when up again")
                    .anyMatch(l -> l.startsWith("[" + stream + "] up again after ") && l.endsWith(" s down"));
        }
        for (ChaosRow row : rows) {
            row.record();
        }
        ChaosRow.of("exchange", "all faults, files vs venues").trials(SYMBOLS.size()).lost(gaps).duplicates(doubled)
                .unrecoveredErrors(0)
                .notes(lostOnTheWire + " frames sent by the venues never reached the engine (still in flight when a "
                        + "connection was reset, or closed by the engine); every frame received is on disk or dead-lettered, none twice")
                .record();
    }

    /** One fault's numbers, for its row. */
    private record Step(String fault, int trials, long sent, long onDisk) {
        ChaosRow row() {
            return ChaosRow.of("exchange", fault).trials(trials).sent(sent).onDisk(onDisk).lost(0).duplicates(0).unrecoveredErrors(0);
        }
    }

    /**
     * Injects a fault on every venue, waits until each venue shows it ({@code seen}), clears it and
     * waits until every stream is up and storing again. With {@code outage}, each stream must have
     * reconnected and its state must show the outage; without, none may have reconnected.
     */
    private Step survive(String fault, int repetitions, boolean outage, Consumer<String> inject, Predicate<String> seen)
            throws Exception {
        return survive(fault, 1, repetitions, outage, inject, () -> seen);
    }

    /**
     * {@code rounds} times: injects, waits until {@code seen.get()} (asked before each injection)
     * holds for every venue, clears and waits for data. Each round counts {@code perRound} trials per venue.
     */
    private Step survive(String fault, int rounds, int perRound, boolean outage, Consumer<String> inject,
            Supplier<Predicate<String>> seenEachRound) throws Exception {
        Map<String, Long> sentBefore = snapshotEach(this::sent);
        Map<String, Long> storedBefore = snapshotEach(this::stored);
        Map<String, Long> reconnectsBefore = snapshotEach(v -> health(v).snapshot().reconnects());
        Instant injectedAt = clock.instant();
        for (int round = 0; round < rounds; round++) {
            Predicate<String> seen = seenEachRound.get();
            SYMBOLS.keySet().forEach(inject);
            for (String venue : SYMBOLS.keySet()) {
                awaitTrue(venue + " shows " + fault, () -> seen.test(venue));
            }
            SYMBOLS.keySet().forEach(venue -> faults(venue).clear());
            awaitFlowing(snapshotEach(this::stored));
        }
        long sent = 0;
        long stored = 0;
        for (String venue : SYMBOLS.keySet()) {
            StreamHealth.Snapshot s = health(venue).snapshot();
            if (outage) {
                assertThat(s.reconnects()).as(venue + " reconnected after " + fault).isGreaterThan(reconnectsBefore.get(venue));
                StreamHealth.Outage last = s.lastOutage().orElseThrow();
                assertThat(last.from()).as(venue + " down since").isAfterOrEqualTo(injectedAt);
                assertThat(last.until()).as(venue + " up again").isAfter(last.from());
            } else {
                assertThat(s.reconnects()).as(venue + " reconnects during " + fault).isEqualTo(reconnectsBefore.get(venue));
            }
            sent += sent(venue) - sentBefore.get(venue);
            stored += stored(venue) - storedBefore.get(venue);
        }
        return new Step(fault, SYMBOLS.size() * rounds * perRound, sent, stored);
    }

    /** Every stream up and {@link #RESUMED} more frames stored than {@code storedBefore}. */
    private void awaitFlowing(Map<String, Long> storedBefore) throws InterruptedException {
        for (String venue : SYMBOLS.keySet()) {
            awaitTrue(venue + " storing again", () -> health(venue).snapshot().up() && stored(venue) - storedBefore.get(venue) >= RESUMED);
        }
    }

    private Predicate<String> reconnected() {
        Map<String, Long> before = snapshotEach(v -> health(v).snapshot().reconnects());
        return venue -> health(venue).snapshot().reconnects() > before.get(venue);
    }

    private Map<String, Long> snapshotEach(java.util.function.ToLongFunction<String> value) {
        Map<String, Long> values = new HashMap<>();
        SYMBOLS.keySet().forEach(venue -> values.put(venue, value.applyAsLong(venue)));
        return values;
    }

    /** Frames the venue sent (text, oversize and invalid UTF-8). */
    private long sent(String venue) {
        VenueStats s = stats(venue);
        return s.dataFramesSent() + s.controlFramesSent() + s.oversizeFramesSent() + s.invalidUtf8FramesSent();
    }

    /** Frames the engine stored: lines and dead letters. */
    private long stored(String venue) {
        StreamCounters c = counters(venue);
        return c.lines() + c.deadLetteredCount();
    }

    private StreamCounters counters(String venue) {
        return engine.streamCounters().stream().filter(c -> c.stream().exchangeName().equals(venue)).findFirst().orElseThrow();
    }

    private StreamHealth health(String venue) {
        return counters(venue).health();
    }

    private VenueStats stats(String venue) {
        return simulator.stats(venue);
    }

    private VenueFaults faults(String venue) {
        return simulator.faults(venue);
    }

    private List<String> logLines(Level level) {
        return List.copyOf(supervisorLog.list).stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private List<JsonNode> deadLetters() throws IOException {
        Path root = dir.resolve("dead-letter");
        List<JsonNode> letters = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return letters;
        }
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                for (String line : Files.readAllLines(file)) {
                    letters.add(json.readTree(line));
                }
            }
        }
        return letters;
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, WAIT, condition);
    }
}
