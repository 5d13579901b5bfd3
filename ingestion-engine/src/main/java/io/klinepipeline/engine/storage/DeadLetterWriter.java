package io.klinepipeline.engine.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.klinepipeline.config.EngineConfig;
import io.klinepipeline.engine.StreamId;
import io.klinepipeline.engine.capture.ReceivedFrame;
import io.klinepipeline.jsonl.BronzeLayout;
import io.klinepipeline.jsonl.RawEventCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the frames a stream could not store as JSONL events, one JSON object per line, under
 * {@code <dead_letter_dir>/engine/exchange=<ex>/symbol=<sym>/<opened>-<writer>-<random>.deadletter.jsonl}:
 * the frame's text verbatim (as a JSON string), why it was rejected, and when. One file per
 * UTC day and writer; the files stay local for inspection.
 *
 * <p>A dead letter is as durable as a captured line (the same {@link ForceSchedule} and
 * {@link AppendOnlyFile} as {@link HourlyJsonlWriter}): on disk, name and folders included, within
 * the flush interval of its receipt, provided the owner calls {@link #syncIfDue()} as it does the
 * JSONL writer's; forced before it is closed. Each letter is written at once (they are rare: a
 * syscall per letter is cheap), only the fsync is grouped.
 *
 * <p>Not thread-safe: one stream's recorder thread owns it.
 */
public final class DeadLetterWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterWriter.class);

    private final StreamId stream;
    private final String channelName;
    private final Path dir;
    private final String writerId;
    private final Clock clock;
    private final ForceSchedule forceSchedule;
    private final ObjectMapper json = new ObjectMapper();
    private AppendOnlyFile file;
    private Instant day;

    /** With the default flush interval. */
    public DeadLetterWriter(StreamId stream, String channelName, Path deadLetterDir, String writerId, Clock clock) {
        this(stream, channelName, deadLetterDir, EngineConfig.defaults().flushInterval(), writerId, clock);
    }

    /** @param flushInterval a dead letter is forced to stable storage at most this long after its frame was received */
    public DeadLetterWriter(StreamId stream, String channelName, Path deadLetterDir, Duration flushInterval, String writerId,
            Clock clock) {
        this.forceSchedule = new ForceSchedule(flushInterval, clock);
        this.stream = stream;
        this.channelName = channelName;
        this.dir = deadLetterDir.resolve("engine")
                .resolve("exchange=" + stream.exchangeName())
                .resolve("symbol=" + stream.exchange().symbols().pathSegment(stream.symbol()));
        this.writerId = writerId;
        this.clock = clock;
    }

    /**
     * Appends one rejected frame.
     *
     * @param frame the frame, its text verbatim (base64 for binary frames, as {@code encoding} says)
     * @param encoding {@code text}, {@code base64}, or {@code none} when the frame's bytes were not kept (too large)
     */
    public void append(ReceivedFrame frame, String encoding, String error) throws IOException {
        Instant receivedAt = frame.receivedAt();
        ObjectNode record = json.createObjectNode()
                .put("exchange", stream.exchangeName())
                .put("symbol", stream.symbol())
                .put("channel", channelName)
                .put("received_at", RawEventCodec.formatReceivedAt(receivedAt))
                .put("conn", frame.connectionId())
                .put("seq", frame.sequence())
                .put("dead_lettered_at", RawEventCodec.formatReceivedAt(clock.instant()))
                .put("error", error)
                .put("frame_encoding", encoding)
                .put("frame", frame.text());
        byte[] line;
        try {
            line = (json.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot serialise a dead letter", e);
        }
        fileFor(receivedAt).write(ByteBuffer.wrap(line));
        forceSchedule.appended(receivedAt);
    }

    /** Forces the open file once its oldest unforced letter is half a flush interval old. */
    public void syncIfDue() throws IOException {
        if (file != null && forceSchedule.due()) {
            file.force();
            forceSchedule.forced();
        }
    }

    /** How long until {@link #syncIfDue()} has work; empty when every letter is already forced. */
    public Optional<Duration> timeUntilSyncDue() {
        return forceSchedule.timeUntilDue();
    }

    /** The file being written, if one is open. */
    public Path currentFile() {
        return file == null ? null : file.path();
    }

    /** Forces and closes the open file. */
    @Override
    public void close() {
        if (file == null) {
            return;
        }
        AppendOnlyFile closing = file;
        file = null;
        forceSchedule.forced(); // forced now, or never: the file is closed either way
        try {
            closing.force();
        } catch (IOException e) {
            log.error("[{}] forcing dead-letter file {} failed: its last letters may not survive a power loss", stream,
                    closing.path(), e);
        }
        try {
            closing.close();
        } catch (IOException e) {
            log.error("[{}] closing dead-letter file {} failed", stream, closing.path(), e);
        }
    }

    /**
     * {@code <opened>-<writer>-<random>.deadletter.jsonl}: a name that {@link BronzeLayout#isDataFileName}
     * refuses, so a dead-letter file is never uploaded as bronze even if dead_letter_dir lies inside local_dir.
     */
    static String fileName(Instant openedAt, String writerId) {
        String dataName = BronzeLayout.newFileName(openedAt, writerId);
        return dataName.substring(0, dataName.length() - ".jsonl".length()) + ".deadletter.jsonl";
    }

    private AppendOnlyFile fileFor(Instant receivedAt) throws IOException {
        Instant receivedDay = receivedAt.truncatedTo(ChronoUnit.DAYS);
        if (file != null && receivedDay.equals(day)) {
            return file;
        }
        close(); // forces the day's file before the next one opens
        file = AppendOnlyFile.create(dir, fileName(receivedAt, writerId));
        day = receivedDay;
        log.warn("[{}] dead letters go to {}", stream, file.path());
        return file;
    }
}
