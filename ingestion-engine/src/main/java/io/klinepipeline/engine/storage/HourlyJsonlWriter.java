package io.klinepipeline.engine.storage;

import io.klinepipeline.engine.StreamId;
import io.klinepipeline.jsonl.BronzeLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends one stream's JSONL lines to
 * {@code <local_dir>/exchange=../symbol=../date=../hour=../<opened>-<writer>-<seq>-<random>.jsonl},
 * where the hour is the UTC hour of each line's received_at, {@code opened} the received_at of the
 * file's first line (to the millisecond) and {@code seq} counts this writer's files, so that name
 * order is write order. Every line goes to the file with its
 * trailing newline in one unbuffered write, so a reader of an open file sees only whole lines
 * (plus, at worst, the start of the line being written, which has no newline yet).
 *
 * <p>A file is finished, closed and handed to the {@link FinishedFileListener} when the hour of
 * received_at changes, before it would grow past {@code maxBytes}, once it is {@code maxAge} old,
 * and on {@link #close()}. {@link #rollIfDue()} checks the age and hour against the clock, so a
 * quiet stream's file is finished too.
 *
 * <p>Not thread-safe: one stream's recorder thread owns it.
 */
public final class HourlyJsonlWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HourlyJsonlWriter.class);

    private final StreamId stream;
    private final Path localDir;
    private final RollPolicy policy;
    private final String writerId;
    private final Clock clock;
    private final FinishedFileListener listener;
    private OpenFile current;
    private long filesOpened;

    public HourlyJsonlWriter(StreamId stream, Path localDir, RollPolicy policy, String writerId, Clock clock,
            FinishedFileListener listener) {
        this.stream = stream;
        this.localDir = localDir;
        this.policy = policy;
        this.writerId = writerId;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Writes one line (without its newline) received at {@code receivedAt}. When the write fails,
     * the file is cut back to its last whole line and finished, and the exception is rethrown: the
     * caller may retry the same line, which then goes to a new file.
     */
    public void append(String line, Instant receivedAt) throws IOException {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a JSONL line must not contain a line break");
        }
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (current != null) {
            rollBeforeAppend(bytes.length, receivedAt);
        }
        if (current == null) {
            current = open(receivedAt);
        }
        current.write(bytes);
    }

    /**
     * Finishes the open file, by the clock, when its hour is over or {@code maxAge} after it was
     * opened. A file opened after its hour had already ended (a backlog being written) is finished
     * by age only, or when a line of a later hour arrives.
     */
    public void rollIfDue() {
        if (current == null) {
            return;
        }
        // By when the file was opened on the clock, not by its first line's received_at: a recorder
        // catching up on a backlog (after the disk was full or slow) writes lines received long
        // ago, and would otherwise finish a file after every single line.
        Instant now = clock.instant();
        boolean openedInItsHour = !current.openedOnClock.truncatedTo(ChronoUnit.HOURS).isAfter(current.hour);
        if (openedInItsHour && now.truncatedTo(ChronoUnit.HOURS).isAfter(current.hour)) {
            finish("its hour is over");
        } else if (Duration.between(current.openedOnClock, now).compareTo(policy.maxAge()) >= 0) {
            finish("it was opened " + policy.maxAge().toSeconds() + " s ago");
        }
    }

    /** The file being written, if any. */
    public Optional<Path> currentFile() {
        return Optional.ofNullable(current).map(f -> f.path);
    }

    @Override
    public void close() {
        if (current != null) {
            finish("the writer is closing");
        }
    }

    private void rollBeforeAppend(int lineBytes, Instant receivedAt) {
        if (!receivedAt.truncatedTo(ChronoUnit.HOURS).equals(current.hour)) {
            finish("received_at moved to another hour");
        } else if (current.bytes + lineBytes > policy.maxBytes()) {
            finish("the next line would pass " + policy.maxBytes() + " bytes");
        } else if (ageReached(receivedAt)) {
            finish("it is " + policy.maxAge().toSeconds() + " s old");
        }
    }

    private boolean ageReached(Instant now) {
        return Duration.between(current.openedAt, now).compareTo(policy.maxAge()) >= 0;
    }

    private OpenFile open(Instant receivedAt) throws IOException {
        Path dir = BronzeLayout.hourDir(localDir, stream.exchange(), stream.symbol(), receivedAt);
        Files.createDirectories(dir);
        // The sequence keeps names in write order when two files open in the same millisecond.
        String sequencedId = writerId + "-" + String.format(Locale.ROOT, "%06d", ++filesOpened);
        Path path = dir.resolve(BronzeLayout.newFileName(receivedAt, sequencedId));
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        log.debug("[{}] opened {}", stream, path);
        return new OpenFile(path, channel, receivedAt.truncatedTo(ChronoUnit.HOURS), receivedAt, clock.instant());
    }

    private void finish(String reason) {
        OpenFile file = current;
        current = null;
        IOException failure = null;
        try {
            file.channel.force(false);
        } catch (IOException e) {
            failure = e;
        }
        try {
            file.channel.close(); // even when force failed: never leak the descriptor
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            log.error("[{}] closing {} failed; handing it on anyway, it holds whole lines only", stream, file.path, failure);
        }
        log.info("[{}] finished {} ({} bytes): {}", stream, localDir.relativize(file.path), file.bytes, reason);
        listener.fileFinished(file.path);
    }

    /** The open file; {@code bytes} counts only whole lines written. */
    private final class OpenFile {
        final Path path;
        final FileChannel channel;
        final Instant hour;
        final Instant openedAt;
        final Instant openedOnClock;
        long bytes;

        OpenFile(Path path, FileChannel channel, Instant hour, Instant openedAt, Instant openedOnClock) {
            this.path = path;
            this.channel = channel;
            this.hour = hour;
            this.openedAt = openedAt;
            this.openedOnClock = openedOnClock;
        }

        void write(byte[] line) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                bytes += line.length;
            } catch (IOException e) {
                abandonAfterFailedWrite(e);
                throw e;
            }
        }

        /** Cuts a torn line off so the file ends on a newline again, then finishes the file. */
        private void abandonAfterFailedWrite(IOException cause) {
            current = null;
            try {
                channel.truncate(bytes);
                channel.close();
            } catch (IOException e) {
                cause.addSuppressed(e);
                log.error("[{}] write to {} failed and the file could not be cut back to its last whole line; "
                        + "it stays in place and is repaired when the engine next starts", stream, path, e);
                closeQuietly();
                return;
            }
            log.error("[{}] write to {} failed after {} bytes; file finished at its last whole line", stream, path, bytes, cause);
            if (bytes > 0) {
                listener.fileFinished(path);
            } else {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    log.warn("[{}] could not delete empty file {}", stream, path, e);
                }
            }
        }

        private void closeQuietly() {
            try {
                channel.close();
            } catch (IOException e) {
                log.warn("[{}] closing {} failed", stream, path, e);
            }
        }
    }
}
