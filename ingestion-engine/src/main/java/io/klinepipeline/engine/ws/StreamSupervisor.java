package io.klinepipeline.engine.ws;

import io.klinepipeline.engine.metrics.StreamHealth;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.PromiseCombiner;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Keeps one stream connected. A connection that drops or goes silent is replaced after a
 * {@link ReconnectBackoff} pause; the back-off starts over once a connection has lived
 * {@code stableAfter}. A healthy connection is replaced before it gets old: the new connection is
 * opened first and the old one closed only when the new one delivers its first frame (or after
 * {@code rotationOverlap}), with the WebSocket close handshake so that frames already on their
 * way over the old connection are still read. The overlap may duplicate events but misses none.
 *
 * <p>It keeps the stream's {@link StreamHealth}: down (since when, why) from the moment its
 * connection is lost until a new one delivers data (or a heartbeat that proves it alive), with
 * one WARN line when it goes down and one INFO line when it is up again. A replacement that takes
 * over from a live connection is no outage.
 *
 * <p>All state lives on one event loop, which also runs the stream's connections: no locks.
 */
public final class StreamSupervisor {
    /** Each line names the stream as fields too: the event loop runs many streams' connections. */
    private final StreamLog log;

    private final StreamTarget target;
    private final WebSocketConnector connector;
    private final EventLoop loop;
    private final ReconnectPolicy policy;
    private final ReconnectBackoff backoff;
    private final Clock clock;
    private final ConnectionBudget budget;

    private StreamConnection current;
    private StreamConnection incoming;
    private StreamConnection outgoing;
    private ScheduledFuture<?> timer;
    private int failures;
    private int sequence;
    private boolean stopped;

    public StreamSupervisor(StreamTarget target, WebSocketConnector connector, EventLoop loop, ReconnectPolicy policy,
            ReconnectBackoff backoff, Clock clock, ConnectionBudget budget) {
        this.target = target;
        this.log = new StreamLog(LoggerFactory.getLogger(StreamSupervisor.class), target.stream());
        this.connector = connector;
        this.loop = loop;
        this.policy = policy;
        this.backoff = backoff;
        this.clock = clock;
        this.budget = budget;
    }

    /** Opens the first connection after {@code delay}. */
    public void start(Duration delay) {
        loop.execute(() -> timer = loop.schedule(() -> open(false), delay.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Closes every connection; the returned future completes when they are closed. */
    public Future<Void> stop() {
        Promise<Void> done = loop.newPromise();
        loop.execute(() -> {
            stopped = true;
            cancelTimer();
            PromiseCombiner closes = new PromiseCombiner(loop);
            for (StreamConnection connection : new StreamConnection[] {current, incoming, outgoing}) {
                if (connection != null) {
                    closes.add(connection.retire(policy.closeGrace()));
                }
            }
            current = null;
            incoming = null;
            outgoing = null;
            closes.finish(done);
        });
        return done;
    }

    /** Opens a connection once the shared budget of new connections allows it. */
    private void open(boolean replacing) {
        if (stopped) {
            return;
        }
        timer = null;
        Duration wait = budget.reserve();
        if (!wait.isZero()) {
            log.info("[{}] connection budget spent: opening in {} ms", target.stream(), wait.toMillis());
            schedule(() -> connect(replacing), wait);
            return;
        }
        connect(replacing);
    }

    private void connect(boolean replacing) {
        if (stopped) {
            return;
        }
        timer = null;
        ++sequence;
        StreamConnection connection = connector.connect(loop, target, target.stream() + "#" + sequence, target.runId() + "." + sequence);
        if (replacing) {
            incoming = connection;
            log.info("[{}] replacing {} (maximum age, or the server announced a shutdown)", connection, current);
        }
        connection.ready().addListener(f -> {
            if (f.isSuccess()) {
                onReady(connection);
            } else {
                onFailedToOpen(connection, f.cause());
            }
        });
        // Later on the loop, not inside the close: a handler that closes and then reports why (Netty's frame
        // decoder closes on an oversize frame, then raises the exception) has noted its reason by then.
        connection.channel().closeFuture().addListener(f -> loop.execute(() -> onClosed(connection)));
    }

    private void onReady(StreamConnection connection) {
        if (stopped) {
            connection.retire(policy.closeGrace());
            return;
        }
        target.counters().connected();
        connection.firstFrame().addListener(f -> {
            if (f.isSuccess() && !stopped && connection.channel().isActive()) {
                markUp();
            }
        });
        if (connection == incoming && current != null) {
            incoming = null;
            if (outgoing != null) {
                // An earlier replacement's old connection is still closing: never lose track of it.
                log.info("[{}] closing: replaced twice during one overlap", outgoing);
                outgoing.retire(policy.closeGrace());
            }
            outgoing = current;
            failures = 0; // the connection being replaced lived its full age
            target.counters().rotated();
            retireWhenReplaced(outgoing, connection);
        }
        incoming = null;
        current = connection;
        schedule(() -> open(true), policy.rotateAfter());
        connection.shutdownAnnounced().addListener(f -> replaceNow(connection));
    }

    /** The server announced it will shut down: replace its connection now, as a rotation would. */
    private void replaceNow(StreamConnection announcing) {
        if (stopped || announcing != current || incoming != null) {
            return; // already being replaced
        }
        cancelTimer();
        open(true);
    }

    private void retireWhenReplaced(StreamConnection old, StreamConnection replacement) {
        Runnable retire = () -> {
            if (outgoing == old && current == replacement) {
                outgoing = null;
                log.info("[{}] closing: replaced by {}", old, replacement);
                old.retire(policy.closeGrace());
            }
        };
        replacement.firstFrame().addListener(f -> retire.run());
        loop.schedule(retire, policy.rotationOverlap().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onFailedToOpen(StreamConnection connection, Throwable cause) {
        if (stopped) {
            return;
        }
        log.warn("[{}] could not connect to {}: {}", connection, target.uri(), cause.toString());
        connection.noteCloseReason("could not connect: " + cause);
        connection.channel().close();
        if (connection == incoming) {
            incoming = null;
            if (current != null) {
                Duration pause = backoff.delayBefore(failures++);
                log.info("[{}] keeps running; next replacement attempt in {} ms", current, pause.toMillis());
                schedule(() -> open(true), pause);
                return;
            }
        }
        reconnectLater(connection.closeReason(), health().down(clock.instant(), connection.closeReason()));
    }

    private void onClosed(StreamConnection connection) {
        if (stopped || connection.retired()) {
            return; // closed on purpose
        }
        if (connection == outgoing) {
            outgoing = null; // its replacement is already current
            return;
        }
        if (connection != current) {
            return; // a failed attempt, handled by onFailedToOpen
        }
        current = null;
        Duration lived = connection.age(clock.instant());
        // On the wall clock, like the pauses it resets: on a clock 120 times as fast, a connection
        // dropped after half a second would otherwise pass for a stable one and the back-off never grow.
        if (connection.subscribedForOnTheWallClock().compareTo(policy.stableAfter()) >= 0) {
            failures = 0;
        }
        log.warn("[{}] dropped after {} s", connection, lived.toSeconds());
        if (outgoing != null && outgoing.channel().isActive()) {
            current = outgoing; // the replacement died during the overlap: keep the old one a while longer
            outgoing = null;
            Duration pause = backoff.delayBefore(failures++);
            log.info("[{}] stays current; next replacement attempt in {} ms", current, pause.toMillis());
            schedule(() -> open(true), pause);
            return;
        }
        boolean wentDown = health().down(clock.instant(), connection.closeReason());
        if (incoming != null) {
            if (wentDown) {
                log.warn("[{}] stream down since {}: {}; its replacement is already connecting", target.stream(),
                        health().snapshot().downSince().orElseThrow(), connection.closeReason());
            }
            cancelTimer();
            return; // the replacement being opened takes over
        }
        reconnectLater(connection.closeReason(), wentDown);
    }

    /** @param wentDown the stream was up until now: say so once, as a WARN; later attempts are INFO */
    private void reconnectLater(String reason, boolean wentDown) {
        int attempt = failures++;
        Duration pause = backoff.delayBefore(attempt);
        target.counters().reconnectScheduled();
        long number = health().reconnectScheduled(attempt, pause);
        Object since = health().snapshot().downSince().map(Object::toString).orElse("?");
        if (wentDown) {
            log.warn("[{}] stream down since {}: {}; reconnect #{} in {} ms", target.stream(), since, reason, number, pause.toMillis());
        } else {
            log.info("[{}] still down since {} ({}); reconnect #{} in {} ms", target.stream(), since, reason, number,
                    pause.toMillis());
        }
        schedule(() -> open(false), pause);
    }

    /** Data flows again: a subscribed connection is not enough (a half-open or refusing server subscribes fine). */
    private void markUp() {
        health().up(clock.instant()).ifPresent(down -> log.info("[{}] up again after {} s down", target.stream(),
                String.format(Locale.ROOT, "%.1f", down.toMillis() / 1000.0)));
    }

    private StreamHealth health() {
        return target.counters().health();
    }

    private void schedule(Runnable task, Duration delay) {
        cancelTimer();
        timer = loop.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
