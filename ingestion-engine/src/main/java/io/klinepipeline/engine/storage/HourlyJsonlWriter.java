package io.klinepipeline.engine.storage;

import io.klinepipeline.config.EngineConfig;
import io.klinepipeline.engine.StreamId;
import io.klinepipeline.jsonl.BronzeLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends one stream's JSONL lines to
 * {@code <local_dir>/exchange=../symbol=../date=../hour=../<opened>-<writer>-<seq>-<random>.jsonl},
 * where the hour is the UTC hour of each line's received_at, {@code opened} the received_at of the
 * file's first line (to the millisecond) and {@code seq} counts this writer's files, so that name
 * order is write order.
 *
 * <p>Group commit: {@link #append} only adds a line to a batch in memory; {@link #flush()} writes
 * the batch with one write (a syscall per batch, not per frame), and {@link #syncIfDue()} forces the
 * file to stable storage once its oldest unforced line is half a flush interval old, so every line
 * is durable within {@code flushInterval} of its receipt while an fsync runs at most twice per
 * interval. The force runs on the {@code forceRunner} executor, not the caller's thread: an fsync takes
 * tens of milliseconds on a busy disk, and lines written meanwhile would wait for it (they were the
 * engine's receive-to-file p99). At most one force per writer is in flight; the next
 * {@link #syncIfDue()} after it ended rethrows its failure, and its lines count as unforced again. A batch always ends on a newline and a failed write is cut back to the last whole
 * batch, so a reader of an open file sees only whole lines (plus, at worst, the start of a batch
 * being written). A new file's folder entries are fsynced with its first force, so a file that
 * has durable bytes also has a durable name.
 *
 * <p>A file is finished (written, forced, closed and handed to the {@link FinishedFileListener})
 * when the hour of received_at changes, before it would grow past {@code maxBytes}, once it is
 * {@code maxAge} old, and on {@link #close()}. {@link #rollIfDue()} checks the age and hour against
 * the clock, so a quiet stream's file is finished too.
 *
 * <p>Not thread-safe: one stream's recorder thread owns it.
 */
public final class HourlyJsonlWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HourlyJsonlWriter.class);
    /** A batch this large is written at once: bounds the memory of a burst and the bytes a kill can take. */
    static final int MAX_BATCH_BYTES = 1 << 20;
    /** How often a writer with a force running looks for its outcome. */
    static final Duration FORCE_POLL = Duration.ofMillis(20);

    private final StreamId stream;
    private final Path localDir;
    private final RollPolicy policy;
    private final String writerId;
    private final Clock clock;
    private final FinishedFileListener listener;
    private final ForceSchedule forceSchedule;
    private final Batch batch = new Batch();
    private final Executor forceRunner;
    /** The force running on {@link #forceRunner}, if any; only this writer's thread reads or replaces it. */
    private CompletableFuture<Void> forcing;
    private OpenFile current;
    private long filesOpened;
    private volatile long forces; // read by tests from other threads

    /** With the default flush interval; forces run on the caller's thread. */
    public HourlyJsonlWriter(StreamId stream, Path localDir, RollPolicy policy, String writerId, Clock clock,
            FinishedFileListener listener) {
        this(stream, localDir, policy, EngineConfig.defaults().flushInterval(), writerId, clock, listener);
    }

    /** Forces run on the caller's thread. */
    public HourlyJsonlWriter(StreamId stream, Path localDir, RollPolicy policy, Duration flushInterval, String writerId,
            Clock clock, FinishedFileListener listener) {
        this(stream, localDir, policy, flushInterval, writerId, clock, listener, Runnable::run);
    }

    /**
     * @param flushInterval a line is forced to stable storage at most this long after it was received
     * @param forceRunner where the due forces of the open file run (a finished file is forced by the caller)
     */
    public HourlyJsonlWriter(StreamId stream, Path localDir, RollPolicy policy, Duration flushInterval, String writerId,
            Clock clock, FinishedFileListener listener, Executor forceRunner) {
        this.forceRunner = forceRunner;
        this.forceSchedule = new ForceSchedule(flushInterval, clock);
        this.stream = stream;
        this.localDir = localDir;
        this.policy = policy;
        this.writerId = writerId;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Adds one line (without its newline) received at {@code receivedAt} to the batch. Either it
     * throws and the line was not taken (the caller retries it), or the line is taken and will be
     * written by a later {@link #flush()}. It throws when a write it had to do first failed: the
     * batch of the file being finished, or a full batch; the failed file is cut back to its last
     * whole batch and finished, and the batch is kept for a new file.
     *
     * @return the bytes the line takes in the file, its line break included
     */
    public int append(String line, Instant receivedAt) throws IOException {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a JSONL line must not contain a line break");
        }
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        return appendLine(bytes, bytes.length, receivedAt);
    }

    /**
     * {@link #append(String, Instant)} for a line already in UTF-8: the first {@code length} bytes of
     * {@code line}, ending with its newline and holding no other line break. The bytes are copied
     * into the batch, so the caller may reuse its buffer.
     */
    public int appendLine(byte[] line, int length, Instant receivedAt) throws IOException {
        if (length < 1 || line[length - 1] != '\n') {
            throw new IllegalArgumentException("a JSONL line must end with its newline");
        }
        for (int i = 0; i < length - 1; i++) {
            if (line[i] == '\n' || line[i] == '\r') {
                throw new IllegalArgumentException("a JSONL line must not contain a line break");
            }
        }
        if (current == null && !batch.isEmpty()) {
            flush(); // a batch left behind by a failed write goes first, to a file of its own
        }
        if (current != null) {
            rollBeforeAppend(length, receivedAt);
        }
        if (batch.size() + length > MAX_BATCH_BYTES) {
            flush();
        }
        if (current == null) {
            current = open(receivedAt);
        }
        batch.add(line, length, receivedAt);
        forceSchedule.appended(receivedAt);
        return length;
    }

    /** Writes the batch to the open file with one write; on failure the batch is kept and the file finished. */
    public void flush() throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        if (current == null) {
            current = open(batch.firstReceivedAt);
        }
        current.write(batch);
        batch.clear();
    }

    /**
     * Writes the batch and starts a force of the open file once its oldest unforced line is half a
     * flush interval old (unless a force is still running). Throws the failure of a force that has
     * ended since the last call; its lines are then due again, so the next call starts a new force.
     */
    public void syncIfDue() throws IOException {
        collectForce();
        if (forcing == null && forceSchedule.due()) {
            flush();
            if (current == null) {
                forceSchedule.forced();
                return;
            }
            OpenFile file = current;
            forceSchedule.forceStarted();
            forcing = CompletableFuture.runAsync(() -> {
                try {
                    file.force();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, forceRunner);
            collectForce(); // done already when forces run on this thread
        }
    }

    /** How long until {@link #syncIfDue()} has work: a due force, or (soon) the outcome of a running one; empty when none. */
    public Optional<Duration> timeUntilSyncDue() {
        Optional<Duration> due = forceSchedule.timeUntilDue();
        if (forcing == null) {
            return due;
        }
        // A failed force must be retried within the flush interval: look again soon, not at the next tick.
        return Optional.of(due.filter(d -> d.compareTo(FORCE_POLL) < 0).orElse(FORCE_POLL));
    }

    /** Writes the batch and forces the open file to stable storage now, on this thread. */
    public void sync() throws IOException {
        awaitForce();
        flush();
        if (current != null) {
            current.force();
        }
        forceSchedule.forced();
    }

    /** The outcome of a force that ended: its lines are forced, or (it failed) unforced again and the failure thrown. */
    private void collectForce() throws IOException {
        if (forcing == null || !forcing.isDone()) {
            return;
        }
        CompletableFuture<Void> ended = forcing;
        forcing = null;
        try {
            ended.join();
            forceSchedule.forceSucceeded();
        } catch (CompletionException e) {
            forceSchedule.forceFailed();
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        }
    }

    /** Waits for a running force to end, whatever its outcome (the caller forces or abandons the file next). */
    private void awaitForce() {
        if (forcing == null) {
            return;
        }
        try {
            forcing.join();
            forceSchedule.forceSucceeded();
        } catch (CompletionException e) {
            forceSchedule.forceFailed();
            log.warn("[{}] a background force of {} failed; the file is forced again now", stream,
                    current == null ? "the file" : current.path, e.getCause());
        }
        forcing = null;
    }

    /**
     * Finishes the open file, by the clock, when its hour is over or {@code maxAge} after it was
     * opened. A file opened after its hour had already ended (a backlog being written) is finished
     * by age only, or when a line of a later hour arrives.
     */
    public void rollIfDue() throws IOException {
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

    /** How many times a file was forced to stable storage: one per due sync and one per finished file. */
    public long forces() {
        return forces;
    }

    /** Lines taken by {@link #append} and not yet written. */
    public int batchedLines() {
        return batch.lines;
    }

    /** Writes what is batched and finishes the open file; a batch that cannot be written is logged as lost. */
    @Override
    public void close() {
        try {
            if (current != null || !batch.isEmpty()) {
                finish("the writer is closing");
            }
        } catch (IOException e) {
            log.error("[{}] closing: {} lines received from {} could not be written and are lost", stream, batch.lines,
                    batch.firstReceivedAt, e);
            batch.clear();
        }
    }

    private void rollBeforeAppend(int lineBytes, Instant receivedAt) throws IOException {
        if (!receivedAt.truncatedTo(ChronoUnit.HOURS).equals(current.hour)) {
            finish("received_at moved to another hour");
        } else if (current.bytes + batch.size() + lineBytes > policy.maxBytes()) {
            finish("the next line would pass " + policy.maxBytes() + " bytes");
        } else if (ageReached(receivedAt)) {
            finish("it is " + policy.maxAge().toSeconds() + " s old");
        }
    }

    /** Checked for every line: a comparison of two instants, not a Duration made and compared per line. */
    private boolean ageReached(Instant now) {
        return !now.isBefore(current.oldAt);
    }

    private OpenFile open(Instant receivedAt) throws IOException {
        Path dir = BronzeLayout.hourDir(localDir, stream.exchange(), stream.symbol(), receivedAt);
        // The sequence keeps names in write order when two files open in the same millisecond.
        String sequencedId = writerId + "-" + String.format(Locale.ROOT, "%06d", ++filesOpened);
        AppendOnlyFile file = AppendOnlyFile.create(dir, BronzeLayout.newFileName(receivedAt, sequencedId));
        log.debug("[{}] opened {}", stream, file.path());
        return new OpenFile(file, receivedAt.truncatedTo(ChronoUnit.HOURS), receivedAt, clock.instant());
    }

    /**
     * Writes the batch, forces and closes the file, and hands it on. When the write fails the file
     * was already cut back and handed on by {@link OpenFile#abandonAfterFailedWrite}; the batch
     * stays for a new file and the exception goes to the caller.
     */
    private void finish(String reason) throws IOException {
        awaitForce(); // never close a file while another thread forces it
        flush();
        OpenFile file = current;
        if (file == null) {
            return;
        }
        current = null;
        IOException failure = null;
        try {
            file.force();
            forceSchedule.forced();
        } catch (IOException e) {
            failure = e;
        }
        try {
            file.file.close(); // even when force failed: never leak the descriptor
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            log.error("[{}] forcing or closing {} failed; handing it on anyway, it holds whole lines only", stream, file.path,
                    failure);
        }
        log.info("[{}] finished {} ({} bytes): {}", stream, localDir.relativize(file.path), file.bytes, reason);
        listener.fileFinished(file.path);
    }

    /** Lines appended and not yet written, all bound for the open file (or, after a failed write, a new one). */
    private static final class Batch {
        byte[] bytes = new byte[8192];
        int size;
        int lines;
        Instant firstReceivedAt;

        void add(byte[] line, int length, Instant receivedAt) {
            if (size + length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + length));
            }
            System.arraycopy(line, 0, bytes, size, length);
            size += length;
            if (lines++ == 0) {
                firstReceivedAt = receivedAt;
            }
        }

        int size() {
            return size;
        }

        boolean isEmpty() {
            return lines == 0;
        }

        void clear() {
            size = 0;
            lines = 0;
            firstReceivedAt = null;
            if (bytes.length > MAX_BATCH_BYTES) {
                bytes = new byte[8192]; // one huge line must not pin its buffer for the file's life
            }
        }
    }

    /** The open file; {@code bytes} counts only whole batches written. */
    private final class OpenFile {
        final AppendOnlyFile file;
        final Path path;
        final Instant hour;
        /** The first line's received_at plus the policy's maxAge: from then on a line finishes the file first. */
        final Instant oldAt;
        final Instant openedOnClock;
        long bytes;

        OpenFile(AppendOnlyFile file, Instant hour, Instant openedAt, Instant openedOnClock) {
            this.file = file;
            this.path = file.path();
            this.hour = hour;
            Instant old;
            try {
                old = openedAt.plus(policy.maxAge());
            } catch (ArithmeticException | DateTimeException e) {
                old = Instant.MAX; // an age no file reaches
            }
            this.oldAt = old;
            this.openedOnClock = openedOnClock;
        }

        void write(Batch batch) throws IOException {
            try {
                file.write(ByteBuffer.wrap(batch.bytes, 0, batch.size));
                bytes += batch.size;
            } catch (IOException e) {
                abandonAfterFailedWrite(e);
                throw e;
            }
        }

        void force() throws IOException {
            file.force();
            forces++;
        }

        /** Cuts a torn batch off so the file ends on a newline again, then finishes the file. */
        private void abandonAfterFailedWrite(IOException cause) {
            awaitForce();
            current = null;
            try {
                file.truncate(bytes);
                if (bytes > 0) {
                    force();
                }
                file.close();
            } catch (IOException e) {
                cause.addSuppressed(e);
                log.error("[{}] write to {} failed and the file could not be cut back to its last whole line; "
                        + "it stays in place and is repaired when the engine next starts", stream, path, e);
                closeQuietly();
                return;
            }
            log.error("[{}] write to {} failed after {} bytes; file finished at its last whole line, the {} lines of the "
                    + "failed batch stay queued for a new file", stream, path, bytes, batch.lines, cause);
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
                file.close();
            } catch (IOException e) {
                log.warn("[{}] closing {} failed", stream, path, e);
            }
        }
    }
}
