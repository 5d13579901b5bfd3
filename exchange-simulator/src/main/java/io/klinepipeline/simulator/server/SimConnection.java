package io.klinepipeline.simulator.server;

import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.simulator.market.SyntheticMarket;
import io.klinepipeline.simulator.venue.KeepAlive;
import io.klinepipeline.simulator.venue.StreamSession;
import io.klinepipeline.simulator.venue.Venue;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted WebSocket connection. Everything here runs on the channel's event loop: the
 * client's frames, and a tick every {@code tickInterval} (wall clock) that moves the venue's
 * stream from the previous tick's simulated time to now, applies the faults in force and keeps
 * the venue's keepalive rules (server pings, closing on an idle client, the forced cut-off).
 */
final class SimConnection implements StreamSession {
    private static final Logger LOG = LoggerFactory.getLogger(SimConnection.class);
    private final Channel channel;
    private final Venue venue;
    private final SyntheticMarket market;
    private final SimulatedClock clock;
    private final VenueFaults faults;
    private final VenueStats stats;
    private final String id;
    private final Set<String> subscriptions = new LinkedHashSet<>();
    private final Map<String, Object> attributes = new HashMap<>();
    private final long openedNanos = System.nanoTime();
    private long lastClientNanos = openedNanos;
    private long lastServerPingNanos = openedNanos;
    private long sequence;
    private long dataFrames;
    private String heldBack;
    private Instant lastTick;
    private ScheduledFuture<?> ticks;
    /** A firehose connection's own simulated time; null when the connection follows the clock. */
    private Instant firehoseNow;
    private FirehosePace pace = FirehosePace.UNBOUNDED;
    private long firehoseSteps;
    private long firehoseStartNanos;
    private boolean pumpScheduled;
    private String path;
    /** Steps a firehose writes before yielding the event loop to other connections. */
    private static final int FIREHOSE_BATCHES_PER_TURN = 64;

    SimConnection(Channel channel, Venue venue, SyntheticMarket market, SimulatedClock clock, VenueFaults faults, VenueStats stats, String id) {
        this.channel = channel;
        this.venue = venue;
        this.market = market;
        this.clock = clock;
        this.faults = faults;
        this.stats = stats;
        this.id = id;
    }

    void start(String path, Duration tickInterval, Optional<FirehosePace> firehose) {
        this.path = path;
        lastTick = clock.instant();
        if (firehose.isPresent()) {
            pace = firehose.get();
            // A bounded firehose starts every connection at the simulator's start, so each one sends
            // the same frames for the same streams and a benchmark can compare clients frame for frame.
            firehoseNow = pace.bounded() ? clock.origin() : lastTick;
        }
        stats.connectionsOpened.incrementAndGet();
        stats.connectionsOpen.incrementAndGet();
        channel.closeFuture().addListener(f -> {
            stats.connectionsOpen.decrementAndGet();
            if (ticks != null) {
                ticks.cancel(false);
            }
        });
        venue.onOpen(this, path);
        long every = tickInterval.toNanos();
        ticks = channel.eventLoop().scheduleAtFixedRate(this::tick, every, every, TimeUnit.NANOSECONDS);
        if (firehose.isPresent() && pace.startWhenConnected() == 0) {
            startFirehose();
        }
    }

    /** Starts a firehose connection's pump (its pace counts from now); safe from any thread. */
    void startFirehose() {
        channel.eventLoop().execute(() -> {
            if (firehoseNow != null && firehoseStartNanos == 0) {
                firehoseStartNanos = System.nanoTime();
                pump();
            }
        });
    }

    /**
     * The firehose: moves this connection's own time a step per batch and sends what the venue
     * would have, as long as the client keeps up (the channel stays writable); resumes when it
     * is writable again.
     */
    void pump() {
        pumpScheduled = false;
        if (!channel.isActive() || finishedFirehose() || firehoseStartNanos == 0) {
            return;
        }
        long allowed = pace.rateLimited() ? stepsDueByNow() - firehoseSteps : Long.MAX_VALUE;
        for (int i = 0; i < FIREHOSE_BATCHES_PER_TURN && i < allowed && channel.isWritable() && !finishedFirehose(); i++) {
            Instant next = firehoseNow.plus(SimulatorOptions.FIREHOSE_STEP);
            venue.onTick(this, firehoseNow, next);
            firehoseNow = next;
            firehoseSteps++;
        }
        channel.flush();
        if (finishedFirehose()) {
            LOG.info("{} {}: firehose done after {} steps, {} data frames sent", id, path, firehoseSteps, dataFrames);
            return;
        }
        if (!channel.isWritable()) {
            return; // writable() resumes
        }
        if (pace.rateLimited() && stepsDueByNow() <= firehoseSteps) {
            long nextStepNanos = firehoseStartNanos + (long) ((firehoseSteps + 1) * 1e9 / pace.stepsPerSecond());
            pumpScheduled = true;
            channel.eventLoop().schedule(this::pump, Math.max(0, nextStepNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } else {
            pumpScheduled = true;
            channel.eventLoop().execute(this::pump);
        }
    }

    private boolean finishedFirehose() {
        return pace.bounded() && firehoseSteps >= pace.steps();
    }

    /** Steps the pace allows since the firehose started. */
    private long stepsDueByNow() {
        return (long) ((System.nanoTime() - firehoseStartNanos) * pace.stepsPerSecond() / 1e9);
    }

    /** The channel drained below its high-water mark: a waiting firehose goes on. */
    void writable() {
        if (firehoseNow != null && channel.isWritable() && !pumpScheduled) {
            pump();
        }
    }

    void onClientText(String text) {
        stats.sawClientText(text);
        if (!faults.silentAt(clock.instant())) {
            venue.onText(this, text);
        }
    }

    void onClientPong() {
        stats.pongsReceived.incrementAndGet();
        clientActive();
    }

    private void tick() {
        if (!channel.isActive()) {
            return;
        }
        long nowNanos = System.nanoTime();
        Instant now = clock.instant();
        if (faults.maxConnectionAge().filter(age -> nowNanos - openedNanos >= age.toNanos()).isPresent()) {
            stats.closedForAge.incrementAndGet();
            close(1000, "connection age limit reached");
            return;
        }
        KeepAlive keepAlive = venue.keepAlive();
        if (keepAlive.clientIdleTimeout().filter(t -> nowNanos - lastClientNanos >= t.toNanos()).isPresent()) {
            stats.closedForIdleClient.incrementAndGet();
            close(1000, "no ping from the client in time");
            return;
        }
        boolean silent = faults.silentAt(now);
        if (!silent && keepAlive.serverPingInterval().filter(i -> nowNanos - lastServerPingNanos >= i.toNanos()).isPresent()) {
            lastServerPingNanos = nowNanos;
            stats.pingsSent.incrementAndGet();
            channel.writeAndFlush(new PingWebSocketFrame(Unpooled.copiedBuffer(now.toString(), StandardCharsets.UTF_8)));
        }
        if (!silent && firehoseNow == null && now.isAfter(lastTick)) {
            venue.onTick(this, lastTick, now);
        }
        lastTick = now;
    }

    @Override
    public void sendData(String text) {
        if (faults.silentAt(clock.instant())) {
            return;
        }
        dataFrames++;
        int oversize = faults.oversizeEvery();
        if (oversize > 0 && dataFrames % oversize == 0) {
            writeOversize(faults.oversizeBytes());
            return;
        }
        int invalidUtf8 = faults.invalidUtf8Every();
        if (invalidUtf8 > 0 && dataFrames % invalidUtf8 == 0) {
            writeInvalidUtf8(text);
            return;
        }
        int malformed = faults.malformedEvery();
        int duplicate = faults.duplicateEvery();
        int reorder = faults.reorderEvery();
        String out = malformed > 0 && dataFrames % malformed == 0 ? text.substring(0, text.length() / 2) : text;
        if (reorder > 0 && heldBack == null && dataFrames % reorder == 0) {
            heldBack = out;
            return;
        }
        write(out);
        if (duplicate > 0 && dataFrames % duplicate == 0) {
            write(out);
        }
        if (heldBack != null) {
            String late = heldBack;
            heldBack = null;
            write(late);
        }
    }

    private void write(String text) {
        stats.frameSent(id, SentFrame.Kind.DATA, text);
        if (firehoseNow != null) {
            channel.write(new TextWebSocketFrame(text)); // pump() flushes once per batch
        } else {
            channel.writeAndFlush(new TextWebSocketFrame(text));
        }
    }

    /** One text frame of exactly {@code bytes} bytes: a JSON object whose only field is padding. */
    private void writeOversize(int bytes) {
        String head = "{\"padding\":\"";
        String tail = "\"}";
        String frame = head + "x".repeat(bytes - head.length() - tail.length()) + tail;
        stats.oversizeFramesSent.incrementAndGet();
        channel.writeAndFlush(new TextWebSocketFrame(frame));
    }

    /** The frame's text with a byte in the middle that never occurs in UTF-8 (0xFF), sent as a text frame. */
    private void writeInvalidUtf8(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[utf8.length + 1];
        int middle = utf8.length / 2;
        System.arraycopy(utf8, 0, bytes, 0, middle);
        bytes[middle] = (byte) 0xFF;
        System.arraycopy(utf8, middle, bytes, middle + 1, utf8.length - middle);
        stats.invalidUtf8FramesSent.incrementAndGet();
        // Netty's encoder does not validate outgoing text frames: the bytes go out as they are.
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
    }

    @Override
    public void sendControl(String text) {
        if (faults.silentAt(clock.instant())) {
            return;
        }
        stats.frameSent(id, SentFrame.Kind.CONTROL, text);
        channel.writeAndFlush(new TextWebSocketFrame(text));
    }

    @Override
    public void subscribe(String symbol) {
        subscriptions.add(symbol);
    }

    @Override
    public Set<String> subscriptions() {
        return subscriptions;
    }

    @Override
    public long nextSequence() {
        return sequence++;
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public boolean inGap(Instant minuteStart) {
        return faults.inGap(minuteStart);
    }

    @Override
    public boolean rejectSubscriptions() {
        return faults.rejectSubscriptions();
    }

    @Override
    public void clientActive() {
        lastClientNanos = System.nanoTime();
    }

    @Override
    public Instant now() {
        return firehoseNow != null ? firehoseNow : clock.instant();
    }

    @Override
    public SyntheticMarket market() {
        return market;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void close(int code, String reason) {
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Sends the venue's own maintenance notice, if it has one; the connection stays open. */
    void announceShutdown() {
        channel.eventLoop().execute(() -> venue.shutdownNotice(this, now()).ifPresent(notice -> {
            stats.shutdownNoticesSent.incrementAndGet();
            sendControl(notice);
        }));
    }

    /** Cuts the TCP connection with a reset, without a close frame, as a failing network does. */
    void reset() {
        channel.eventLoop().execute(() -> {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        });
    }
}
