package io.klinepipeline.engine.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.klinepipeline.engine.StreamId;
import io.klinepipeline.engine.capture.ReceivedFrame;
import io.klinepipeline.jsonl.BronzeLayout;
import io.klinepipeline.jsonl.RawEventCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the frames a stream could not store as JSONL events, one JSON object per line, under
 * {@code <dead_letter_dir>/engine/exchange=<ex>/symbol=<sym>/<opened>-<writer>-<random>.deadletter.jsonl}:
 * the frame's text verbatim (as a JSON string), why it was rejected, and when. One file per
 * UTC day and writer; the files stay local for inspection.
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
    private final ObjectMapper json = new ObjectMapper();
    private FileChannel file;
    private Path path;
    private Instant day;

    public DeadLetterWriter(StreamId stream, String channelName, Path deadLetterDir, String writerId, Clock clock) {
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
        FileChannel channel = fileFor(receivedAt);
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** The file being written, if one is open. */
    public Path currentFile() {
        return path;
    }

    @Override
    public void close() {
        if (file == null) {
            return;
        }
        try {
            file.close();
        } catch (IOException e) {
            log.error("[{}] closing dead-letter file {} failed", stream, path, e);
        }
        file = null;
    }

    /**
     * {@code <opened>-<writer>-<random>.deadletter.jsonl}: a name that {@link BronzeLayout#isDataFileName}
     * refuses, so a dead-letter file is never uploaded as bronze even if dead_letter_dir lies inside local_dir.
     */
    static String fileName(Instant openedAt, String writerId) {
        String dataName = BronzeLayout.newFileName(openedAt, writerId);
        return dataName.substring(0, dataName.length() - ".jsonl".length()) + ".deadletter.jsonl";
    }

    private FileChannel fileFor(Instant receivedAt) throws IOException {
        Instant receivedDay = receivedAt.truncatedTo(ChronoUnit.DAYS);
        if (file != null && receivedDay.equals(day)) {
            return file;
        }
        close();
        Files.createDirectories(dir);
        path = dir.resolve(fileName(receivedAt, writerId));
        file = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        day = receivedDay;
        log.warn("[{}] dead letters go to {}", stream, path);
        return file;
    }
}
