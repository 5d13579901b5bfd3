package io.klinepipeline.engine.ws;

import io.klinepipeline.engine.capture.ReceivedFrame;
import io.klinepipeline.exchange.StreamProtocol.ClientPing;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a stream's pipeline: after the handshake it sends the exchange's subscribe
 * messages (and starts its client pings, if it wants any), then stamps every whole message with
 * the clock and hands it to the stream's frame queue. It never touches the disk. Server pings are
 * answered with the same payload by Netty's WebSocket protocol handler before frames get here.
 */
final class StreamFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger log = LoggerFactory.getLogger(StreamFrameHandler.class);

    private final StreamConnection connection;
    private final StreamTarget target;
    private final Clock clock;
    private final Duration idleTimeout;
    private ScheduledFuture<?> clientPings;

    StreamFrameHandler(StreamConnection connection, StreamTarget target, Clock clock, Duration idleTimeout) {
        this.connection = connection;
        this.target = target;
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
        } else if (event instanceof IdleStateEvent) {
            log.warn("[{}] no frame for {} s: treating the connection as dead", connection, idleTimeout.toSeconds());
            ctx.close();
        }
        super.userEventTriggered(ctx, event);
    }

    private void subscribe(ChannelHandlerContext ctx) {
        for (String message : target.protocol().subscribeMessages(target.stream().symbol())) {
            ctx.writeAndFlush(new TextWebSocketFrame(message));
        }
        target.protocol().clientPing().ifPresent(ping -> startClientPings(ctx, ping));
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
            accept(ctx, ReceivedFrame.text(text.text(), now(), connection.label()));
        } else if (frame instanceof BinaryWebSocketFrame binary) {
            String base64 = Base64.getEncoder().encodeToString(ByteBufUtil.getBytes(binary.content()));
            accept(ctx, ReceivedFrame.binaryAsBase64(base64, now(), connection.label()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            if (connection.retired()) {
                log.debug("[{}] server confirmed the close", connection);
            } else {
                log.info("[{}] server closes the connection: {} {}", connection, close.statusCode(), close.reasonText());
            }
            ctx.close();
        }
        // Pong frames are dropped by the protocol handler; pings are answered there.
    }

    private void accept(ChannelHandlerContext ctx, ReceivedFrame frame) {
        target.counters().frameReceived();
        target.frames().put(frame, ctx.channel());
        connection.markFrameReceived();
    }

    /** received_at: the clock at receive time, to the microsecond as the JSONL contract writes it. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("[{}] connection error: {}", connection, cause.toString());
        connection.markFailed(cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (clientPings != null) {
            clientPings.cancel(false);
        }
        connection.markFailed(new ClosedChannelException());
        log.info("[{}] closed after {} s", connection, connection.age(clock.instant()).toSeconds());
        super.channelInactive(ctx);
    }
}
