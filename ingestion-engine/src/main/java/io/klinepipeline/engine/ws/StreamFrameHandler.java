package io.klinepipeline.engine.ws;

import io.klinepipeline.engine.capture.ReceivedFrame;
import io.klinepipeline.exchange.FrameKind;
import io.klinepipeline.exchange.StreamProtocol;
import io.klinepipeline.exchange.StreamProtocol.ClientPing;
import io.klinepipeline.exchange.StreamProtocol.FrameClass;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a stream's pipeline: after the handshake it sends the exchange's subscribe
 * messages (and starts its client pings, if it wants any), then stamps every whole message with
 * the clock and hands it to the stream's frame queue. It never touches the disk. Server pings are
 * answered with the same payload by Netty's WebSocket protocol handler before frames get here.
 *
 * <p>Each text frame is classified by the exchange's {@link StreamProtocol#classify}: pongs to our
 * pings are counted and dropped; everything else is stored, numbered per connection (so a reader
 * sees what went missing); an error frame closes the connection, which the supervisor replaces
 * with back-off; a shutdown notice starts a replacement at once.
 *
 * <p>It also watches for a dead connection: no data frame (market data, or a heartbeat where the
 * exchange says heartbeats prove the stream alive) for {@code idleTimeout} closes it, so that the
 * supervisor replaces it. Pings, acks and pongs do not keep a connection alive (a server can keep
 * answering after the data has stopped). While reads are paused for back-pressure
 * no frame can arrive, so the watch is suspended; a pause that lasts long is logged as an error.
 */
final class StreamFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    /** Each line names the stream as fields too: the event loop runs many streams' connections. */
    private final StreamLog log;

    private final StreamConnection connection;
    private final StreamTarget target;
    private final Clock clock;
    private final Duration idleTimeout;
    /** One per connection, used on its event loop only: a decoder per frame was a measurable share of the frame's cost. */
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    /** A pause of reads longer than this is logged as an error: the recorder is stuck, not just slow. */
    static final Duration LONG_PAUSE = Duration.ofSeconds(30);

    private ScheduledFuture<?> clientPings;
    private ScheduledFuture<?> idleWatch;
    private long lastDataNanos;
    private long pausedSinceNanos = -1;
    private long pauseReportedNanos;

    StreamFrameHandler(StreamConnection connection, StreamTarget target, Clock clock, Duration idleTimeout) {
        this.connection = connection;
        this.target = target;
        this.log = new StreamLog(LoggerFactory.getLogger(StreamFrameHandler.class), target.stream());
        this.clock = clock;
        this.idleTimeout = idleTimeout;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            subscribe(ctx);
        } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            log.warn("[{}] WebSocket handshake with {} timed out", connection, target.uri());
            connection.markFailed(new IllegalStateException("handshake timed out"));
        }
        super.userEventTriggered(ctx, event);
    }

    private void startIdleWatch(ChannelHandlerContext ctx) {
        lastDataNanos = System.nanoTime();
        long every = Math.max(10, idleTimeout.toMillis() / 4);
        idleWatch = ctx.executor().scheduleAtFixedRate(() -> checkIdle(ctx), every, every, TimeUnit.MILLISECONDS);
    }

    private void checkIdle(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        if (!ctx.channel().config().isAutoRead()) {
            // Paused by FrameQueue: silence is ours, not the server's. Frames wait in the socket.
            if (pausedSinceNanos < 0) {
                pausedSinceNanos = now;
                pauseReportedNanos = now;
            } else if (now - pauseReportedNanos >= LONG_PAUSE.toNanos()) {
                pauseReportedNanos = now;
                log.error("[{}] reads paused for {} s: the recorder is not keeping up (disk slow or failing?); "
                        + "the exchange may close the connection", connection,
                        Duration.ofNanos(now - pausedSinceNanos).toSeconds());
            }
            lastDataNanos = now;
            return;
        }
        pausedSinceNanos = -1;
        if (now - lastDataNanos >= idleTimeout.toNanos()) {
            log.warn("[{}] no data frame for {} s: treating the connection as dead", connection, idleTimeout.toSeconds());
            connection.noteCloseReason("no data frame for " + idleTimeout.toSeconds() + " s (half-open connection?)");
            cancelTimers();
            ctx.close();
        }
    }

    private void subscribe(ChannelHandlerContext ctx) {
        for (String message : target.protocol().subscribeMessages(target.stream().symbol())) {
            ctx.writeAndFlush(new TextWebSocketFrame(message));
        }
        target.protocol().clientPing().ifPresent(ping -> startClientPings(ctx, ping));
        startIdleWatch(ctx);
        log.info("[{}] connected to {}", connection, target.uri());
        connection.markReady(clock.instant());
    }

    private void startClientPings(ChannelHandlerContext ctx, ClientPing ping) {
        long every = ping.interval().toMillis();
        clientPings = ctx.executor().scheduleAtFixedRate(
                () -> ctx.writeAndFlush(new TextWebSocketFrame(ping.text())), every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            Instant receivedAt = now();
            byte[] bytes = ByteBufUtil.getBytes(text.content());
            String decoded = strictUtf8(bytes);
            if (decoded == null) {
                log.warn("[{}] text frame of {} bytes is not valid UTF-8: dead-lettering it as base64", connection, bytes.length);
                record(ReceivedFrame.invalidUtf8AsBase64(Base64.getEncoder().encodeToString(bytes), receivedAt, connection.label(),
                        connection.id(), connection.nextSequence()), ctx, true);
                return;
            }
            onText(ctx, decoded, receivedAt);
        } else if (frame instanceof BinaryWebSocketFrame binary) {
            String base64 = Base64.getEncoder().encodeToString(ByteBufUtil.getBytes(binary.content()));
            record(ReceivedFrame.binaryAsBase64(base64, now(), connection.label(), connection.id(), connection.nextSequence()), ctx,
                    true);
        } else if (frame instanceof CloseWebSocketFrame close) {
            if (connection.retired()) {
                log.debug("[{}] server confirmed the close", connection);
            } else {
                log.info("[{}] server closes the connection: {} {}", connection, close.statusCode(), close.reasonText());
                connection.noteCloseReason("server closed the connection with code " + close.statusCode()
                        + (close.reasonText().isEmpty() ? "" : " (" + close.reasonText() + ")"));
            }
            ctx.close();
        }
        // Pong frames are dropped by the protocol handler; pings are answered there.
    }

    /** What the exchange's text frame is decides whether it is stored, whether it proves the stream alive, and what follows. */
    private void onText(ChannelHandlerContext ctx, String text, Instant receivedAt) {
        StreamProtocol protocol = target.protocol();
        FrameClass kind = protocol.classify(text);
        if (kind.kind() == FrameKind.PONG) {
            // The answer to our own ping: not an exchange event, so it is neither stored nor numbered.
            target.counters().pongReceived();
            return;
        }
        ReceivedFrame frame = ReceivedFrame.text(text, receivedAt, connection.label(), connection.id(), connection.nextSequence());
        switch (kind.kind()) {
            case DATA -> record(frame, ctx, true);
            case HEARTBEAT -> {
                target.counters().controlFrameReceived();
                record(frame, ctx, protocol.heartbeatsShowLiveness());
            }
            case CONTROL -> {
                target.counters().controlFrameReceived();
                record(frame, ctx, false);
            }
            case SHUTDOWN_NOTICE -> {
                target.counters().controlFrameReceived();
                record(frame, ctx, false);
                log.info("[{}] server announces it will shut down: opening a replacement now", connection);
                connection.markServerShutdownAnnounced();
            }
            case ERROR -> {
                target.counters().errorFrameReceived();
                record(frame, ctx, false);
                log.warn("[{}] {} reports an error: {}; closing, the connection is replaced with back-off", connection,
                        target.stream().exchangeName(), kind.message());
                connection.noteCloseReason(target.stream().exchangeName() + " reports an error: " + kind.message());
                cancelTimers();
                ctx.close();
            }
            default -> throw new IllegalStateException("unknown frame kind " + kind.kind());
        }
    }

    /** The text, or null when the bytes are not valid UTF-8 (Netty's own validator is off: it would close the connection). */
    private String strictUtf8(byte[] bytes) {
        if (ascii(bytes)) {
            return new String(bytes, StandardCharsets.ISO_8859_1); // nearly every frame: one copy, no decoder
        }
        try {
            return utf8.decode(ByteBuffer.wrap(bytes)).toString(); // decode() resets the decoder first
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean ascii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Hands a frame to the recorder. Only frames that prove the data stream alive reset the idle
     * watch and count as the connection's first frame (which ends a rotation's overlap): an ack
     * or a heartbeat from a server whose data has stopped must not keep a dead stream open.
     */
    private void record(ReceivedFrame frame, ChannelHandlerContext ctx, boolean liveness) {
        target.counters().frameReceived();
        target.counters().health().messageReceived(frame.receivedAt());
        target.frames().put(frame, ctx.channel());
        if (liveness) {
            lastDataNanos = System.nanoTime();
            connection.markFrameReceived();
        }
    }

    /** A frame over maxFramePayloadLength (the decoder's 1009), or a fragmented message over the aggregator's limit. */
    private static boolean tooLarge(Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            return corrupted.closeStatus() != null && corrupted.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
        }
        return cause instanceof TooLongFrameException;
    }

    /** received_at: the clock at receive time, to the microsecond as the JSONL contract writes it. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private void cancelTimers() {
        if (clientPings != null) {
            clientPings.cancel(false);
        }
        if (idleWatch != null) {
            idleWatch.cancel(false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (tooLarge(cause) && connection.ready().isSuccess()) {
            // The frame's bytes were discarded unread; a dead letter says one arrived, and where in the sequence.
            log.warn("[{}] a frame over the size limit ({}): dead-lettering a note of it; the connection is closed and replaced",
                    connection, cause.getMessage());
            record(ReceivedFrame.oversize(now(), connection.label(), connection.id(), connection.nextSequence()), ctx, false);
            connection.noteCloseReason("a frame over the size limit: " + cause.getMessage());
        } else {
            log.warn("[{}] connection error: {}", connection, cause.toString());
            connection.noteCloseReason(cause.toString());
        }
        connection.markFailed(cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimers();
        connection.markFailed(new ClosedChannelException());
        log.info("[{}] closed after {} s", connection, connection.age(clock.instant()).toSeconds());
        super.channelInactive(ctx);
    }
}
