package io.klinepipeline.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.simulator.market.TrueCandle;
import io.klinepipeline.simulator.server.ExchangeSimulator;
import io.klinepipeline.simulator.server.SimulatorOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The firehose: a Binance stream running through simulated time as fast as the client reads, still true to the market. */
class FirehoseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void streamsMinutesFarFasterThanTheClockAndEveryClosedCandleIsTheTrueOne() throws Exception {
        Instant start = Instant.parse("2026-11-24T10:00:00Z");
        try (ExchangeSimulator simulator = ExchangeSimulator.start(
                SimulatorOptions.forTests(SimulatedClock.startingAt(start, 1)).withMeanTradesPerMinute(200).asFirehose())) {
            List<String> frames = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> enough = new CompletableFuture<>();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create(simulator.wsBase("binance") + "/ws/btcusdt@kline_1m"), new WebSocket.Listener() {
                        private final StringBuilder partial = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                frames.add(partial.toString());
                                partial.setLength(0);
                                if (frames.size() >= 20_000) {
                                    enough.complete(null);
                                }
                            }
                            ws.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            long began = System.nanoTime();
            enough.get(30, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            socket.abort();

            int closed = 0;
            Instant lastMinute = start;
            for (String frame : frames.subList(0, 20_000)) {
                JsonNode k = JSON.readTree(frame).get("k");
                if (k.get("x").booleanValue()) {
                    Instant minute = Instant.ofEpochMilli(k.get("t").longValue());
                    TrueCandle truth = simulator.trueCandles("binance", "BTCUSDT", minute, minute.plusSeconds(60)).get(0);
                    assertThat(k.get("c").asText()).isEqualTo(truth.close().stripTrailingZeros().toPlainString());
                    assertThat(k.get("n").intValue()).isEqualTo(truth.tradeCount());
                    closed++;
                    lastMinute = minute;
                }
            }
            // One update per simulated second and one close per minute: 20,000 frames span over five simulated hours.
            assertThat(closed).isGreaterThan(300);
            Duration simulated = Duration.between(start, lastMinute);
            assertThat(simulated.toMillis()).as("simulated %s in %s of wall clock", simulated, took)
                    .isGreaterThan(100 * took.toMillis());
        }
    }
}
