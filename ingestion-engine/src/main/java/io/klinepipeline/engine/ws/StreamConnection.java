package io.klinepipeline.engine.ws;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket connection of a stream. {@link #ready()} completes once the handshake is done and
 * the subscribe messages are sent; {@link #firstFrame()} once the first text frame has arrived.
 */
public final class StreamConnection {
    private final String label;
    private final String id;
    private final Channel channel;
    private final Promise<StreamConnection> ready;
    private final Promise<Void> firstFrame;
    private final Promise<Void> shutdownAnnounced;
    private volatile Instant readyAt;
    /** System.nanoTime when subscribed; 0 until then. */
    private volatile long readyNanos;
    private volatile boolean retired;
    private volatile String closeReason;
    private long received;

    StreamConnection(String label, String id, Channel channel, EventLoop loop) {
        this.label = label;
        this.id = id;
        this.channel = channel;
        this.ready = loop.newPromise();
        this.firstFrame = loop.newPromise();
        this.shutdownAnnounced = loop.newPromise();
    }

    public String label() {
        return label;
    }

    /** The id every JSONL line from this connection carries. */
    public String id() {
        return id;
    }

    /** Numbers the next message received, from 1; on the connection's event loop only. */
    long nextSequence() {
        return ++received;
    }

    public Channel channel() {
        return channel;
    }

    public Future<StreamConnection> ready() {
        return ready;
    }

    public Future<Void> firstFrame() {
        return firstFrame;
    }

    /** Completes when the server announces that it is about to shut down (Binance's serverShutdown). */
    public Future<Void> shutdownAnnounced() {
        return shutdownAnnounced;
    }

    /** How long the connection has been subscribed; zero if it never was. */
    public Duration age(Instant now) {
        Instant since = readyAt;
        return since == null ? Duration.ZERO : Duration.between(since, now);
    }

    /**
     * How long the connection has been subscribed by the wall clock (zero if it never was), whatever
     * the engine's clock: the back-off that a long-lived connection resets is paced on the wall
     * clock too, and a simulated clock may run many times as fast.
     */
    public Duration subscribedForOnTheWallClock() {
        long since = readyNanos;
        return since == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - since);
    }

    /** True once the supervisor closed it on purpose (replaced or shutting down). */
    public boolean retired() {
        return retired;
    }

    /**
     * Closes it on purpose with the WebSocket close handshake: sends a close frame and keeps
     * reading until the server answers with its own (so frames already on their way are still
     * recorded), or closes the socket after {@code grace}.
     */
    public Future<Void> retire(Duration grace) {
        retired = true;
        if (!channel.isActive() || readyAt == null) {
            return channel.close();
        }
        channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
        ScheduledFuture<?> forceClose = channel.eventLoop().schedule(() -> {
            if (channel.isActive()) {
                channel.close();
            }
        }, grace.toMillis(), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> forceClose.cancel(false));
        return channel.closeFuture();
    }

    /** Why the connection ended, as first noted; a plain close if nothing was noted. */
    public String closeReason() {
        String reason = closeReason;
        return reason != null ? reason : "closed by the server without a close frame";
    }

    /** Notes why the connection is ending; the first note wins (a close frame, then the socket closing, is one event). */
    void noteCloseReason(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    void markReady(Instant now) {
        readyNanos = System.nanoTime();
        readyAt = now;
        ready.trySuccess(this);
    }

    void markFailed(Throwable cause) {
        ready.tryFailure(cause);
    }

    void markServerShutdownAnnounced() {
        shutdownAnnounced.trySuccess(null);
    }

    void markFrameReceived() {
        if (!firstFrame.isDone()) {
            firstFrame.trySuccess(null);
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
