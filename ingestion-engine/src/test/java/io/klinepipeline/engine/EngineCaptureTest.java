package io.klinepipeline.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.engine.metrics.StreamCounters;
import io.klinepipeline.engine.testing.BinanceKlineFrames;
import io.klinepipeline.engine.testing.BronzeFiles;
import io.klinepipeline.engine.testing.FakeBinanceServer;
import io.klinepipeline.engine.testing.TestPipelines;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.jsonl.BronzeLayout;
import io.klinepipeline.jsonl.RawEvent;
import io.klinepipeline.jsonl.RawEventCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineCaptureTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ExchangeRegistry REGISTRY = ExchangeRegistry.standard();

    @TempDir
    Path dir;

    private FakeBinanceServer server;
    private Engine engine;
    private final BinanceKlineFrames klines = new BinanceKlineFrames("BTCUSDT", 1_795_000_020_000L - 1_795_000_020_000L % 60_000);
    private final RawEventCodec codec = new RawEventCodec();

    @BeforeEach
    void startServer() throws Exception {
        server = new FakeBinanceServer();
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        server.close();
    }

    private Engine start(PipelineConfig config) throws Exception {
        engine = new Engine(config, REGISTRY, Clock.systemUTC(), () -> {
            throw new AssertionError("S3 is off");
        }, new EngineOptions(Duration.ofSeconds(60), Duration.ofSeconds(1)));
        engine.start();
        return engine;
    }

    @Test
    void reconnectsAfterServerDropsConnectionAndKeepsEveryMessageSentWhileConnected() throws Exception {
        Instant before = Instant.now();
        start(TestPipelines.binance(server.wsBase(), dir, ""));
        StreamCounters counters = engine.streamCounters().get(0);

        FakeBinanceServer.Connection first = server.awaitConnection(WAIT);
        assertThat(first.path()).isEqualTo("/ws/btcusdt@kline_1m");
        for (int i = 0; i < 10; i++) {
            first.send(klines.frame(i));
        }
        first.ping("ping-1");
        assertThat(first.awaitPong(WAIT)).isEqualTo("ping-1");
        for (int i = 10; i < 15; i++) {
            first.send(klines.frame(i));
        }
        awaitTrue(() -> counters.frames() == 15);
        first.drop();

        FakeBinanceServer.Connection second = server.awaitConnection(WAIT);
        assertThat(second.path()).isEqualTo("/ws/btcusdt@kline_1m");
        second.ping("1732443303123");
        assertThat(second.awaitPong(WAIT)).isEqualTo("1732443303123");
        for (int i = 15; i < 30; i++) {
            second.send(klines.frame(i));
        }
        awaitTrue(() -> counters.lines() == 30);
        engine.close();
        Instant after = Instant.now();

        List<BronzeFiles.Line> lines = BronzeFiles.lines(dir.resolve("bronze"));
        assertThat(lines).extracting(BronzeFiles.Line::payload).containsExactlyElementsOf(server.sent());
        assertThat(server.sent()).hasSize(30);
        for (BronzeFiles.Line line : lines) {
            RawEvent event = codec.decode(line.text());
            assertThat(event.exchange()).isEqualTo("binance");
            assertThat(event.symbol()).isEqualTo("BTCUSDT");
            assertThat(event.channel()).isEqualTo("kline_1m");
            assertThat(event.receivedAt()).isBetween(before, after);
            assertThat(line.text()).matches(".*\"received_at\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z\".*");
            String hivePath = BronzeLayout.hourPrefix(REGISTRY.get("binance"), "BTCUSDT", event.receivedAt());
            assertThat(line.file().getParent().toString().replace('\\', '/') + "/").isEqualTo(hivePath);
        }
        assertThat(counters.reconnects()).isEqualTo(1);
        assertThat(counters.connects()).isEqualTo(2);
    }

    @Test
    void deadLettersANonJsonFrameAndTheStreamContinues() throws Exception {
        start(TestPipelines.binance(server.wsBase(), dir, ""));
        StreamCounters counters = engine.streamCounters().get(0);
        FakeBinanceServer.Connection connection = server.awaitConnection(WAIT);
        connection.send(klines.frame(0));
        String garbage = "<html>502 Bad Gateway</html>";
        connection.send(garbage);
        connection.send(klines.frame(1));
        awaitTrue(() -> counters.lines() == 2 && counters.deadLetteredCount() == 1);
        engine.close();

        assertThat(BronzeFiles.lines(dir.resolve("bronze"))).extracting(BronzeFiles.Line::payload)
                .containsExactly(klines.frame(0), klines.frame(1));
        Path deadLetters = dir.resolve("dead-letter/engine/exchange=binance/symbol=BTCUSDT");
        List<Path> files;
        try (Stream<Path> list = Files.list(deadLetters)) {
            files = list.toList();
        }
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).endsWith(".deadletter.jsonl");
        assertThat(BronzeLayout.isDataFileName(files.get(0).getFileName().toString()))
                .as("a dead-letter file is never taken for a bronze data file").isFalse();
        List<String> records = Files.readAllLines(files.get(0));
        assertThat(records).hasSize(1);
        JsonNode record = new ObjectMapper().readTree(records.get(0));
        assertThat(record.get("frame").asText()).isEqualTo(garbage);
        assertThat(record.get("error").asText()).contains("not JSON");
        assertThat(record.get("exchange").asText()).isEqualTo("binance");
        assertThat(record.get("symbol").asText()).isEqualTo("BTCUSDT");
        assertThat(Instant.parse(record.get("received_at").asText())).isNotNull();
        // the one connection carried on: never reconnected, and closed only by the engine's close
        assertThat(counters.connects()).isEqualTo(1);
        assertThat(counters.reconnects()).isZero();
    }

    @Test
    void reconnectsWhenTheServerGoesSilentForTheIdleTimeout() throws Exception {
        start(TestPipelines.binance(server.wsBase(), dir, "idle_timeout_seconds: 1"));
        FakeBinanceServer.Connection silent = server.awaitConnection(WAIT);
        assertThat(silent.awaitClosed(Duration.ofSeconds(5))).as("engine closes the silent connection").isTrue();
        FakeBinanceServer.Connection next = server.awaitConnection(WAIT);
        next.send(klines.frame(0));
        StreamCounters counters = engine.streamCounters().get(0);
        awaitTrue(() -> counters.lines() == 1);
        assertThat(counters.reconnects()).isEqualTo(1);
    }

    @Test
    void replacesAnAgeingConnectionByOpeningTheNewOneBeforeClosingTheOld() throws Exception {
        start(TestPipelines.binance(server.wsBase(), dir, "max_connection_age_seconds: 1"));
        StreamCounters counters = engine.streamCounters().get(0);
        FakeBinanceServer.Connection old = server.awaitConnection(WAIT);
        old.send(klines.frame(0));
        FakeBinanceServer.Connection replacement = server.awaitConnection(WAIT);
        assertThat(old.isOpen()).as("old connection stays open until the new one delivers").isTrue();
        old.send(klines.frame(1)); // overlap: both connections deliver
        replacement.send(klines.frame(1));
        replacement.send(klines.frame(2));
        assertThat(old.awaitClosed(WAIT)).isTrue();
        awaitTrue(() -> counters.lines() == 4);
        engine.close();

        // Two sockets have no order between them; everything sent on either is there.
        assertThat(BronzeFiles.lines(dir.resolve("bronze"))).extracting(BronzeFiles.Line::payload)
                .containsExactlyInAnyOrderElementsOf(server.sent());
        assertThat(counters.rotations()).isGreaterThanOrEqualTo(1);
        assertThat(counters.reconnects()).isZero();
    }

    @Test
    void deadLettersATextFrameThatIsNotUtf8AndTheStreamContinues() throws Exception {
        start(TestPipelines.binance(server.wsBase(), dir, ""));
        StreamCounters counters = engine.streamCounters().get(0);
        FakeBinanceServer.Connection connection = server.awaitConnection(WAIT);
        connection.send(klines.frame(0));
        byte[] invalid = {'{', '"', 'x', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        connection.sendRawText(invalid);
        connection.send(klines.frame(1));
        awaitTrue(() -> counters.lines() == 2 && counters.deadLetteredCount() == 1);
        assertThat(counters.frames()).isEqualTo(3);
        assertThat(connection.isOpen()).as("the connection survives the invalid frame").isTrue();
        engine.close();

        assertThat(BronzeFiles.lines(dir.resolve("bronze"))).extracting(BronzeFiles.Line::payload)
                .containsExactly(klines.frame(0), klines.frame(1));
        List<String> records = deadLetterRecords();
        assertThat(records).hasSize(1);
        JsonNode record = new ObjectMapper().readTree(records.get(0));
        assertThat(record.get("frame_encoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(record.get("frame").asText())).isEqualTo(invalid);
        assertThat(record.get("error").asText()).contains("not valid UTF-8");
        assertThat(counters.connects()).isEqualTo(1);
        assertThat(counters.reconnects()).isZero();
    }

    @Test
    void opensAReplacementAtOnceWhenBinanceAnnouncesServerShutdown() throws Exception {
        start(TestPipelines.binance(server.wsBase(), dir, ""));
        StreamCounters counters = engine.streamCounters().get(0);
        FakeBinanceServer.Connection old = server.awaitConnection(WAIT);
        old.send(klines.frame(0));
        String notice = "{\"e\":\"serverShutdown\",\"E\":1795000030000}";
        old.send(notice);
        FakeBinanceServer.Connection replacement = server.awaitConnection(WAIT);
        replacement.send(klines.frame(1));
        assertThat(old.awaitClosed(WAIT)).as("the announcing connection is retired once replaced").isTrue();
        awaitTrue(() -> counters.lines() == 3);
        engine.close();

        assertThat(BronzeFiles.lines(dir.resolve("bronze"))).extracting(BronzeFiles.Line::payload)
                .containsExactly(klines.frame(0), notice, klines.frame(1));
        assertThat(counters.rotations()).isEqualTo(1);
        assertThat(counters.reconnects()).isZero();
    }

    @Test
    void replacesAConnectionThatOnlyPingsForTheIdleTimeout() throws Exception {
        start(TestPipelines.binance(server.wsBase(), dir, "idle_timeout_seconds: 1"));
        StreamCounters counters = engine.streamCounters().get(0);
        FakeBinanceServer.Connection pingsOnly = server.awaitConnection(WAIT);
        pingsOnly.send(klines.frame(0));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (pingsOnly.isOpen() && System.nanoTime() < deadline) {
            try {
                pingsOnly.ping("keepalive");
            } catch (Exception closedMeanwhile) { // Netty rethrows the channel's ClosedChannelException unchecked
                break;
            }
            Thread.sleep(200);
        }
        assertThat(pingsOnly.awaitClosed(Duration.ofSeconds(1))).as("pings alone do not keep a connection alive").isTrue();
        FakeBinanceServer.Connection next = server.awaitConnection(WAIT);
        next.send(klines.frame(1));
        awaitTrue(() -> counters.lines() == 2);
        assertThat(counters.reconnects()).isEqualTo(1);
    }

    @Test
    void anEngineClosedBeforeItStartsOpensNothing() throws Exception {
        engine = new Engine(TestPipelines.binance(server.wsBase(), dir, ""), REGISTRY, Clock.systemUTC(), () -> {
            throw new AssertionError("S3 is off");
        }, new EngineOptions(Duration.ofSeconds(60), Duration.ofSeconds(1)));
        engine.close(); // a shutdown hook that ran first
        engine.start();
        assertThat(engine.awaitClosed(Duration.ZERO)).isTrue();
        assertThat(engine.streamCounters()).as("no stream was started").isEmpty();
        assertThatThrownBy(() -> server.awaitConnection(Duration.ofMillis(500))).as("no connection was opened")
                .isInstanceOf(AssertionError.class);
        assertThat(dir.resolve("bronze/.engine.lock")).as("the local directory was never locked").doesNotExist();
    }

    @Test
    void aSecondReplacementDuringTheOverlapRetiresTheOldestConnection() throws Exception {
        start(TestPipelines.binance(server.wsBase(), dir, "max_connection_age_seconds: 1"));
        FakeBinanceServer.Connection first = server.awaitConnection(WAIT);
        server.awaitConnection(WAIT); // its replacement never delivers, so the 10 s overlap keeps the first open
        server.awaitConnection(WAIT); // the next replacement comes after 1 s, still within that overlap
        assertThat(first.awaitClosed(Duration.ofSeconds(5))).as("the first connection is not leaked").isTrue();
    }

    private List<String> deadLetterRecords() throws Exception {
        Path deadLetters = dir.resolve("dead-letter/engine/exchange=binance/symbol=BTCUSDT");
        List<Path> files;
        try (Stream<Path> list = Files.list(deadLetters)) {
            files = list.toList();
        }
        assertThat(files).hasSize(1);
        return Files.readAllLines(files.get(0));
    }

    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(10);
        }
    }
}
