package io.klinepipeline.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.simulator.server.ExchangeSimulator;
import io.klinepipeline.simulator.server.FirehosePace;
import io.klinepipeline.simulator.server.SimulatorOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The firehose a benchmark can count: a known number of steps from the simulator's start, at an offered pace. */
class BoundedFirehoseTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void everyConnectionSendsTheSameStepsFromTheStartAndThenFallsSilent() throws Exception {
        long steps = 300;
        try (ExchangeSimulator simulator = ExchangeSimulator.start(SimulatorOptions.forTests(SimulatedClock.startingAt(START, 1))
                .withMeanTradesPerMinute(200).asFirehose(new FirehosePace(0, steps)))) {
            String url = simulator.wsBase("binance") + "/ws/s0001usdt@kline_1m";
            List<String> first = framesUntilQuiet(url, Duration.ofSeconds(2));
            List<String> second = framesUntilQuiet(url, Duration.ofSeconds(2));

            assertThat(first).isNotEmpty().isEqualTo(second);
            assertThat(simulator.stats("binance").dataFramesSent()).isEqualTo(first.size() + second.size());
            // Each frame's event time is within the steps: the end of its step, or of the minute it closes.
            for (String frame : first) {
                assertThat(JSON.readTree(frame).path("E").longValue()).isLessThanOrEqualTo(START.plusSeconds(steps).toEpochMilli());
            }
        }
    }

    @Test
    void aPacedFirehoseSendsNoFasterThanItsRate() throws Exception {
        double stepsPerSecond = 200;
        try (ExchangeSimulator simulator = ExchangeSimulator.start(SimulatorOptions.forTests(SimulatedClock.startingAt(START, 1))
                .withMeanTradesPerMinute(200).asFirehose(new FirehosePace(stepsPerSecond, 0)))) {
            long began = System.nanoTime();
            List<String> frames = framesFor(simulator.wsBase("binance") + "/ws/s0001usdt@kline_1m", Duration.ofSeconds(2));
            double seconds = (System.nanoTime() - began) / 1e9;

            // A step sends at most two frames (a minute's close and the next update); an unpaced firehose sends thousands a second.
            assertThat(frames).isNotEmpty();
            assertThat(frames.size()).isLessThanOrEqualTo((int) (2 * (stepsPerSecond * seconds + 64)));
        }
    }

    @Test
    void aGatedFirehoseSendsNothingUntilItsConnectionsAreOpen() throws Exception {
        try (ExchangeSimulator simulator = ExchangeSimulator.start(SimulatorOptions.forTests(SimulatedClock.startingAt(START, 1))
                .withMeanTradesPerMinute(200).asFirehose(new FirehosePace(0, 60, 2)))) {
            String base = simulator.wsBase("binance").toString();
            List<String> early = new CopyOnWriteArrayList<>();
            WebSocket first = open(base + "/ws/s0001usdt@kline_1m", early);
            Thread.sleep(1_000);
            assertThat(early).as("one connection of two open").isEmpty();

            List<String> second = framesUntilQuiet(base + "/ws/s0002usdt@kline_1m", Duration.ofSeconds(2));
            first.abort();
            assertThat(second).isNotEmpty();
            assertThat(early).isNotEmpty();
        }
    }

    @Test
    void aCombinedStreamCarriesEachSymbolsFramesWrappedWithItsStreamName() throws Exception {
        long steps = 120;
        try (ExchangeSimulator simulator = ExchangeSimulator.start(SimulatorOptions.forTests(SimulatedClock.startingAt(START, 1))
                .withMeanTradesPerMinute(200).asFirehose(new FirehosePace(0, steps)))) {
            String base = simulator.wsBase("binance").toString();
            List<String> combined = framesUntilQuiet(base + "/stream?streams=s0001usdt@kline_1m/s0002usdt@kline_1m", Duration.ofSeconds(2));
            List<String> raw1 = framesUntilQuiet(base + "/ws/s0001usdt@kline_1m", Duration.ofSeconds(2));
            List<String> raw2 = framesUntilQuiet(base + "/ws/s0002usdt@kline_1m", Duration.ofSeconds(2));

            List<String> unwrapped1 = new ArrayList<>();
            List<String> unwrapped2 = new ArrayList<>();
            for (String frame : combined) {
                JsonNode node = JSON.readTree(frame);
                String stream = node.path("stream").asText();
                (stream.equals("s0001usdt@kline_1m") ? unwrapped1 : unwrapped2).add(node.path("data").toString());
                assertThat(stream).isIn("s0001usdt@kline_1m", "s0002usdt@kline_1m");
            }
            assertThat(unwrapped1).isEqualTo(raw1.stream().map(BoundedFirehoseTest::reserialized).toList());
            assertThat(unwrapped2).isEqualTo(raw2.stream().map(BoundedFirehoseTest::reserialized).toList());
        }
    }

    private static String reserialized(String frame) {
        try {
            return JSON.readTree(frame).toString();
        } catch (Exception e) {
            throw new AssertionError(frame, e);
        }
    }

    /** Every frame until none came for {@code quiet}; fails when the stream does not fall silent within a minute. */
    private static List<String> framesUntilQuiet(String url, Duration quiet) throws Exception {
        List<String> frames = new CopyOnWriteArrayList<>();
        WebSocket socket = open(url, frames);
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        int seen = -1;
        while (seen != frames.size()) {
            assertThat(System.nanoTime()).as("the firehose never fell silent: %d frames so far", frames.size()).isLessThan(giveUp);
            seen = frames.size();
            Thread.sleep(quiet.toMillis());
        }
        socket.abort();
        return List.copyOf(frames);
    }

    /** Every frame received within {@code time}. */
    private static List<String> framesFor(String url, Duration time) throws Exception {
        List<String> frames = new CopyOnWriteArrayList<>();
        WebSocket socket = open(url, frames);
        Thread.sleep(time.toMillis());
        socket.abort();
        return List.copyOf(frames);
    }

    private static WebSocket open(String url, List<String> frames) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    frames.add(partial.toString());
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
    }
}
