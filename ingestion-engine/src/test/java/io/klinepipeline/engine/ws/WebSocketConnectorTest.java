package io.klinepipeline.engine.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.engine.StreamId;
import io.klinepipeline.engine.capture.FrameQueue;
import io.klinepipeline.engine.capture.ReceivedFrame;
import io.klinepipeline.engine.metrics.StreamCounters;
import io.klinepipeline.engine.testing.FakeBinanceServer;
import io.klinepipeline.engine.testing.TestCertificates;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.exchange.StreamProtocol;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.resolver.AddressResolverGroup;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebSocketConnectorTest {
    private static final StreamId STREAM = new StreamId(ExchangeRegistry.standard().get("binance"), "BTCUSDT");

    @TempDir
    Path dir;

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AddressResolverGroup<?> dns = WebSocketConnector.nonBlockingDns();

    @AfterEach
    void shutDown() {
        dns.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private StreamTarget target(FakeBinanceServer server, FrameQueue queue) {
        StreamProtocol protocol = STREAM.exchange().stream();
        return new StreamTarget(STREAM, protocol.endpoint(server.wsBase(), "BTCUSDT"), protocol, queue, new StreamCounters(STREAM), "run");
    }

    @Test
    void speaksWssWithHostnameVerificationAndAnswersPingsOverIt() throws Exception {
        TestCertificates certificates = new TestCertificates(dir, "ip:127.0.0.1");
        try (FakeBinanceServer server = new FakeBinanceServer(certificates.server())) {
            FrameQueue queue = new FrameQueue(STREAM, 100, 10);
            WebSocketConnector connector = new WebSocketConnector(Clock.systemUTC(), Duration.ofSeconds(30),
                    Optional.of(certificates.clientTrustingIt()), dns);
            StreamConnection connection = connector.connect(loops.next(), target(server, queue), "tls#1", "run.1");
            assertThat(connection.ready().await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(connection.ready().isSuccess()).as("handshake: %s", connection.ready().cause()).isTrue();

            FakeBinanceServer.Connection accepted = server.awaitConnection(Duration.ofSeconds(5));
            assertThat(server.wsBase().getScheme()).isEqualTo("wss");
            accepted.ping("over-tls");
            assertThat(accepted.awaitPong(Duration.ofSeconds(5))).isEqualTo("over-tls");
            accepted.send("{\"e\":\"kline\"}");
            ReceivedFrame frame = queue.poll(Duration.ofSeconds(5));
            assertThat(frame.text()).isEqualTo("{\"e\":\"kline\"}");
            assertThat(frame.connection()).isEqualTo("tls#1");
            assertThat(connection.retire(Duration.ofSeconds(5)).await(5, TimeUnit.SECONDS)).as("close handshake").isTrue();
        }
    }

    @Test
    void sendsTheExchangesSubscribeMessagesAfterTheHandshakeAndItsClientPingsPeriodically() throws Exception {
        StreamProtocol subscribing = new StreamProtocol() {
            @Override
            public URI endpoint(URI wsBase, String symbol) {
                return URI.create(wsBase + "/ws/" + symbol.toLowerCase(Locale.ROOT) + "@kline_1m");
            }

            @Override
            public List<String> subscribeMessages(String symbol) {
                return List.of("{\"op\":\"subscribe\",\"args\":[\"" + symbol + "\"]}");
            }

            @Override
            public String channel() {
                return "kline_1m";
            }

            @Override
            public Optional<ClientPing> clientPing() {
                return Optional.of(new ClientPing("{\"op\":\"ping\"}", Duration.ofMillis(100)));
            }

            @Override
            public Duration maxConnectionAge() {
                return Duration.ofHours(24);
            }

            @Override
            public ConnectionLimit connectionLimit() {
                return new ConnectionLimit(10, Duration.ofSeconds(1), 10);
            }

            @Override
            public FrameClass classify(String text) {
                return FrameClass.DATA;
            }
        };
        try (FakeBinanceServer server = new FakeBinanceServer()) {
            FrameQueue queue = new FrameQueue(STREAM, 100, 10);
            StreamTarget target = new StreamTarget(STREAM, subscribing.endpoint(server.wsBase(), "BTCUSDT"), subscribing, queue,
                    new StreamCounters(STREAM), "run");
            WebSocketConnector connector = new WebSocketConnector(Clock.systemUTC(), Duration.ofSeconds(30), Optional.empty(), dns);
            StreamConnection connection = connector.connect(loops.next(), target, "sub#1", "run.1");
            FakeBinanceServer.Connection accepted = server.awaitConnection(Duration.ofSeconds(5));
            assertThat(accepted.awaitClientText(Duration.ofSeconds(5))).isEqualTo("{\"op\":\"subscribe\",\"args\":[\"BTCUSDT\"]}");
            assertThat(accepted.awaitClientText(Duration.ofSeconds(5))).isEqualTo("{\"op\":\"ping\"}");
            assertThat(accepted.awaitClientText(Duration.ofSeconds(5))).isEqualTo("{\"op\":\"ping\"}");
            assertThat(connection.retire(Duration.ofSeconds(5)).await(5, TimeUnit.SECONDS)).as("close handshake").isTrue();
        }
    }

    @Test
    void refusesACertificateIssuedForAnotherHost() throws Exception {
        TestCertificates certificates = new TestCertificates(dir, "dns:stream.example.invalid");
        try (FakeBinanceServer server = new FakeBinanceServer(certificates.server())) {
            WebSocketConnector connector = new WebSocketConnector(Clock.systemUTC(), Duration.ofSeconds(30),
                    Optional.of(certificates.clientTrustingIt()), dns);
            StreamConnection connection = connector.connect(loops.next(), target(server, new FrameQueue(STREAM, 100, 10)), "tls#1", "run.1");
            assertThat(connection.ready().await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(connection.ready().isSuccess()).isFalse();
        }
    }

    @Test
    void aConnectionPausedByBackPressureIsNotClosedAsIdleAndLosesNothing() throws Exception {
        try (FakeBinanceServer server = new FakeBinanceServer()) {
            // The test is the recorder, and it is stuck: nobody takes frames off the queue.
            FrameQueue queue = new FrameQueue(STREAM, 4, 1);
            WebSocketConnector connector = new WebSocketConnector(Clock.systemUTC(), Duration.ofMillis(300), Optional.empty(), dns);
            StreamConnection connection = connector.connect(loops.next(), target(server, queue), "bp#1", "run.1");
            assertThat(connection.ready().await(10, TimeUnit.SECONDS)).isTrue();
            FakeBinanceServer.Connection accepted = server.awaitConnection(Duration.ofSeconds(5));
            for (int i = 0; i < 10; i++) {
                accepted.send("{\"n\":" + i + "}");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (connection.channel().config().isAutoRead() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(connection.channel().config().isAutoRead()).as("reads paused").isFalse();
            for (int i = 10; i < 50; i++) {
                accepted.send("{\"n\":" + i + "}"); // these wait in the socket buffers
            }
            Thread.sleep(1_500); // five idle timeouts
            assertThat(connection.channel().isActive()).as("a paused connection is not idle").isTrue();
            assertThat(accepted.isOpen()).isTrue();

            List<String> received = new java.util.ArrayList<>();
            while (received.size() < 50) {
                ReceivedFrame frame = queue.poll(Duration.ofSeconds(5));
                if (frame == null) {
                    break;
                }
                received.add(frame.text());
            }
            assertThat(received).containsExactlyElementsOf(server.sent());
            assertThat(connection.retire(Duration.ofSeconds(5)).await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Classifies by prefix, as an exchange class would: pongs, acks, heartbeats (no liveness) and errors. */
    private static StreamProtocol classifying(StreamProtocol base) {
        return new StreamProtocol() {
            @Override
            public URI endpoint(URI wsBase, String symbol) {
                return base.endpoint(wsBase, symbol);
            }

            @Override
            public List<String> subscribeMessages(String symbol) {
                return List.of();
            }

            @Override
            public String channel() {
                return "test";
            }

            @Override
            public Optional<ClientPing> clientPing() {
                return Optional.empty();
            }

            @Override
            public Duration maxConnectionAge() {
                return Duration.ofHours(24);
            }

            @Override
            public ConnectionLimit connectionLimit() {
                return new ConnectionLimit(10, Duration.ofSeconds(1), 10);
            }

            @Override
            public FrameClass classify(String text) {
                if (text.equals("pong")) {
                    return FrameClass.PONG;
                } else if (text.startsWith("{\"ack\"")) {
                    return FrameClass.CONTROL;
                } else if (text.startsWith("{\"hb\"")) {
                    return FrameClass.HEARTBEAT;
                } else if (text.startsWith("{\"error\"")) {
                    return FrameClass.error("pair not supported");
                }
                return FrameClass.DATA;
            }
        };
    }

    @Test
    void storesAndNumbersEveryFrameButPongsAndLetsNoControlFrameKeepADeadStreamOpen() throws Exception {
        try (FakeBinanceServer server = new FakeBinanceServer()) {
            FrameQueue queue = new FrameQueue(STREAM, 100, 10);
            StreamProtocol protocol = classifying(STREAM.exchange().stream());
            StreamCounters counters = new StreamCounters(STREAM);
            StreamTarget target = new StreamTarget(STREAM, protocol.endpoint(server.wsBase(), "BTCUSDT"), protocol, queue, counters, "run");
            WebSocketConnector connector = new WebSocketConnector(Clock.systemUTC(), Duration.ofMillis(600), Optional.empty(), dns);
            StreamConnection connection = connector.connect(loops.next(), target, "cls#1", "run.1");
            assertThat(connection.ready().await(10, TimeUnit.SECONDS)).isTrue();
            FakeBinanceServer.Connection accepted = server.awaitConnection(Duration.ofSeconds(5));
            accepted.send("{\"ack\":1}");
            accepted.send("{\"n\":1}");
            accepted.send("pong");
            accepted.send("{\"n\":2}");
            List<ReceivedFrame> frames = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                frames.add(queue.poll(Duration.ofSeconds(5)));
            }
            assertThat(frames).extracting(ReceivedFrame::text).containsExactly("{\"ack\":1}", "{\"n\":1}", "{\"n\":2}");
            assertThat(frames).extracting(ReceivedFrame::sequence).as("the pong takes no number").containsExactly(1L, 2L, 3L);
            assertThat(frames).extracting(ReceivedFrame::connectionId).containsOnly("run.1");
            assertThat(counters.pongs()).isEqualTo(1);
            assertThat(counters.controlFrames()).isEqualTo(1);

            // Heartbeats that do not show liveness (and acks) arrive, but the data has stopped.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (connection.channel().isActive() && System.nanoTime() < deadline) {
                accepted.send("{\"hb\":1}");
                Thread.sleep(100);
            }
            assertThat(connection.channel().isActive()).as("closed as idle despite heartbeats").isFalse();
        }
    }

    @Test
    void closesTheConnectionWhenTheExchangeReportsAnError() throws Exception {
        try (FakeBinanceServer server = new FakeBinanceServer()) {
            FrameQueue queue = new FrameQueue(STREAM, 100, 10);
            StreamProtocol protocol = classifying(STREAM.exchange().stream());
            StreamCounters counters = new StreamCounters(STREAM);
            StreamTarget target = new StreamTarget(STREAM, protocol.endpoint(server.wsBase(), "BTCUSDT"), protocol, queue, counters, "run");
            WebSocketConnector connector = new WebSocketConnector(Clock.systemUTC(), Duration.ofSeconds(30), Optional.empty(), dns);
            StreamConnection connection = connector.connect(loops.next(), target, "err#1", "run.1");
            assertThat(connection.ready().await(10, TimeUnit.SECONDS)).isTrue();
            server.awaitConnection(Duration.ofSeconds(5)).send("{\"error\":\"Currency pair not supported\"}");
            assertThat(connection.channel().closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(queue.poll(Duration.ofSeconds(1)).text()).as("the error is kept").contains("not supported");
            assertThat(counters.errorFrames()).isEqualTo(1);
        }
    }
}
