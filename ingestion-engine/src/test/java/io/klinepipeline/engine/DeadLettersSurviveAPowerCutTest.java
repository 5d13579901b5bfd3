package io.klinepipeline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.chaos.ChaosRow;
import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.engine.metrics.StreamCounters;
import io.klinepipeline.engine.testing.Await;
import io.klinepipeline.engine.testing.PowerCutDisk;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.simulator.server.ExchangeSimulator;
import io.klinepipeline.simulator.server.SentFrame;
import io.klinepipeline.simulator.server.SentFrameJournal;
import io.klinepipeline.simulator.server.SimulatorOptions;
import io.klinepipeline.simulator.venue.BinanceVenue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dead letter is as durable as a captured line: the engine, fed frames that are not JSON, keeps
 * each one in its dead-letter folder, and every one received more than {@code flush_interval_ms}
 * before a power cut is found after it. The dead-letter folder is a small ext4 on a loop device
 * ({@link PowerCutDisk}); a power cut is a copy of its image taken while the engine runs, so what
 * was only written, not fsynced, is missing from it, as after a real one. A kill -9 could not tell:
 * the kernel keeps a killed process's writes.
 */
@Tag("chaos")
class DeadLettersSurviveAPowerCutTest {
    private static final Duration FLUSH_INTERVAL = Duration.ofMillis(1000);
    /** Loopback transit and a busy machine, on top of the flush interval. */
    private static final Duration MARGIN = Duration.ofMillis(500);
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Dead letters per cut. */
    private static final int LETTERS = 5;

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyDeadLetterReceivedAFlushIntervalBeforeAPowerCutIsOnDisk() throws Exception {
        PowerCutDisk.Mounted mounted = PowerCutDisk.mount(dir.resolve("dead-letter-disk"), 16);
        Assumptions.assumeTrue(mounted.disk().isPresent(), "skipped: " + mounted.whyNot());
        int cuts = 2 * ChaosRow.scale();
        ExchangeRegistry registry = ExchangeRegistry.standard();
        // The venue's clock runs 30 times as fast, for frames often enough; the engine's is the wall's, as the promise is.
        SimulatedClock venueClock = SimulatedClock.startingAt(Instant.parse("2026-11-24T10:00:30Z"), 30);
        long sent = 0;
        long found = 0;
        long lost = 0;
        try (PowerCutDisk disk = mounted.disk().get();
                ExchangeSimulator simulator = ExchangeSimulator.start(new SimulatorOptions("127.0.0.1", 0, OptionalInt.empty(),
                        venueClock, 5, 600, Duration.ofMillis(50), 1, List.of(new BinanceVenue())))) {
            SentFrameJournal journal = SentFrameJournal.of(simulator.stats("binance"));
            Engine engine = new Engine(config(simulator, disk.root(), registry), registry, Clock.systemUTC(), () -> {
                throw new AssertionError("S3 is off");
            }, new EngineOptions(Duration.ofSeconds(60), Duration.ofSeconds(1)));
            try {
                engine.start();
                StreamCounters counters = engine.streamCounters().get(0);
                awaitTrue("the stream stores lines", () -> counters.lines() > 0);
                for (int cut = 1; cut <= cuts; cut++) {
                    long before = counters.deadLetteredCount();
                    simulator.faults("binance").malformedEvery(2);
                    awaitTrue(LETTERS + " more dead letters", () -> counters.deadLetteredCount() >= before + LETTERS);
                    simulator.faults("binance").clear();
                    List<String> malformed = malformedTexts(journal);
                    awaitTrue("every frame that is not JSON dead-lettered", () -> counters.deadLetteredCount() >= malformed.size());
                    Thread.sleep(FLUSH_INTERVAL.plus(MARGIN).toMillis());

                    long missing = 0;
                    try (PowerCutDisk.PowerCut after = disk.cutPower()) {
                        Assumptions.assumeTrue(after.canTell(), "skipped: this machine wrote a file back before its fsync, "
                                + "so a power cut cannot be told from a clean stop here");
                        Map<String, Integer> onDisk = deadLetterFrames(after.root());
                        for (String text : malformed) {
                            if (onDisk.merge(text, -1, Integer::sum) < 0) {
                                missing++;
                            }
                        }
                    }
                    sent = malformed.size();
                    found = malformed.size() - missing;
                    lost = missing;
                    assertThat(missing).as("cut %d: dead letters received %d ms or more before the power cut and not on disk "
                            + "after it (of %d)", cut, FLUSH_INTERVAL.plus(MARGIN).toMillis(), malformed.size()).isZero();
                }
            } finally {
                engine.close();
            }
        }
        ChaosRow.of("engine", "power cut with dead letters pending")
                .trials(cuts)
                .sent(sent)
                .onDisk(found)
                .lost(lost)
                .duplicates(0)
                .unrecoveredErrors(0)
                .notes("frames that are not JSON, dead-lettered, on an ext4 whose image is copied as a power cut leaves it, "
                        + "more than flush_interval_ms (1 s) after receipt: every one there")
                .record();
    }

    /** The data frames the venue sent truncated (its malformed fault): not JSON, so the engine dead-letters them. */
    private List<String> malformedTexts(SentFrameJournal journal) {
        List<String> texts = new ArrayList<>();
        for (SentFrame frame : journal.frames()) {
            if (frame.kind() == SentFrame.Kind.DATA && !isJson(frame.text())) {
                texts.add(frame.text());
            }
        }
        return texts;
    }

    private boolean isJson(String text) {
        try {
            json.readTree(text);
            return true;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** The frames kept in the dead-letter files found after a cut, counted; a line cut short counts as missing. */
    private Map<String, Integer> deadLetterFrames(Path root) throws IOException {
        Map<String, Integer> frames = new HashMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".deadletter.jsonl")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    JsonNode letter;
                    try {
                        letter = json.readTree(line);
                    } catch (JsonProcessingException e) {
                        continue;
                    }
                    frames.merge(letter.path("frame").asText(), 1, Integer::sum);
                }
            }
        }
        return frames;
    }

    private PipelineConfig config(ExchangeSimulator simulator, Path deadLetterDir, ExchangeRegistry registry) {
        String yaml = simulator.exchangesYaml(Map.of("binance", List.of("BTCUSDT"))) + """
                storage:
                  local_dir: bronze
                  dead_letter_dir: %s
                  s3: {enabled: false}
                partitions: {start: "2026-11-01T00:00:00Z"}
                engine: {reconnect_initial_delay_ms: 50, reconnect_max_delay_ms: 500, flush_interval_ms: %d}
                """.formatted(deadLetterDir, FLUSH_INTERVAL.toMillis());
        return PipelineConfig.parse(yaml, dir, registry);
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, WAIT, condition);
    }
}
