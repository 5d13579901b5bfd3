package io.klinepipeline.engine.upload;

import io.klinepipeline.engine.metrics.UploadCounters;
import io.klinepipeline.engine.storage.FinishedFileListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads finished files on its own thread, oldest first, and deletes each local file only once
 * its upload is confirmed. A failed attempt is retried after a pause that starts at
 * {@code firstRetryDelay} and doubles up to {@code maxRetryDelay}, per file, until an upload
 * succeeds again: then every waiting file is tried at once.
 *
 * <p>The queue's durable state is the local directory itself: a data file that is still there
 * has not been confirmed uploaded. In memory it only holds what to try next; after a restart,
 * {@link LeftoverFiles} finds the same files again.
 */
public final class UploadQueue implements FinishedFileListener {
    private static final Logger log = LoggerFactory.getLogger(UploadQueue.class);
    private static final long IDLE_POLL_MILLIS = 200;

    private final S3Uploader uploader;
    private final EmptyFolderPruner pruner;
    private final Duration firstRetryDelay;
    private final Duration maxRetryDelay;
    private final UploadCounters counters;
    private final Clock clock;
    /** When uploads began failing, or null while S3 answers; only the upload thread touches it. */
    private Instant failingSince;
    private final DelayQueue<Task> tasks = new DelayQueue<>();
    private static final Duration AFTER_UNEXPECTED_ERROR = Duration.ofSeconds(1);
    /** How long {@link #stop} waits for an interrupted upload to give up (the SDK call has its own timeouts). */
    private static final Duration INTERRUPT_WAIT = Duration.ofSeconds(5);

    private final Thread thread = new Thread(this::run, "s3-upload");
    /** The file being uploaded now, out of {@link #tasks} while its attempt runs; null between attempts. */
    private volatile Path inFlight;
    private volatile boolean draining;
    private volatile boolean stopNow;

    /**
     * @param localDir the folder the files are below; emptied hour folders of past hours are removed
     */
    public UploadQueue(S3Uploader uploader, Path localDir, Clock clock, Duration firstRetryDelay, Duration maxRetryDelay,
            UploadCounters counters) {
        this.uploader = uploader;
        this.pruner = new EmptyFolderPruner(localDir, clock);
        this.firstRetryDelay = firstRetryDelay;
        this.maxRetryDelay = maxRetryDelay;
        this.counters = counters;
        this.clock = clock;
        thread.setUncaughtExceptionHandler((t, e) -> log.error("[upload] thread {} died: nothing more is uploaded "
                + "until the engine restarts (files stay in the local directory)", t.getName(), e));
    }

    public void start() {
        thread.start();
    }

    /** Queues a finished file for upload now. Thread-safe. */
    @Override
    public void fileFinished(Path file) {
        counters.queued();
        tasks.add(new Task(file, 0, System.nanoTime()));
    }

    /** Files waiting, including those waiting out a retry pause. */
    public int pending() {
        return tasks.size();
    }

    /**
     * Files waiting and their bytes, the one being uploaded included; safe from any thread. Reads
     * each file's size from the file system, so it is for /health and /metrics, not for a hot path.
     */
    public UploadBacklog backlog() {
        // A set: a failed attempt queues its file again just before inFlight is cleared.
        Set<Path> waiting = new HashSet<>();
        Path current = inFlight;
        if (current != null) {
            waiting.add(current);
        }
        tasks.forEach(task -> waiting.add(task.file));
        long bytes = 0;
        for (Path file : waiting) {
            try {
                bytes += Files.size(file);
            } catch (IOException e) {
                // Uploaded and deleted since it was listed, or vanished: its bytes are no longer waiting.
            }
        }
        return new UploadBacklog(waiting.size(), bytes);
    }

    /**
     * Uploads what is due, for at most {@code grace}, then stops. Whatever is left stays in the
     * local directory and is uploaded on the next start.
     */
    public void stop(Duration grace) throws InterruptedException {
        draining = true;
        thread.join(Math.max(1, grace.toMillis()));
        if (thread.isAlive()) {
            stopNow = true;
            thread.interrupt();
            thread.join(INTERRUPT_WAIT.toMillis());
            if (thread.isAlive()) {
                log.warn("[upload] an upload is still running {} s after the grace; leaving it, the file is "
                        + "confirmed on the next start", INTERRUPT_WAIT.toSeconds());
            }
        }
        if (!tasks.isEmpty()) {
            log.info("[upload] stopping with {} files not uploaded; they stay in the local directory for the next start",
                    tasks.size());
        }
    }

    private void run() {
        try {
            while (!stopNow) {
                Task task = draining ? tasks.poll() : tasks.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (task != null) {
                    attemptSafely(task);
                } else if (draining) {
                    return; // nothing due; files pausing between retries wait for the next start
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A bug in one file's path must not stop uploads: log it, retry that file later, carry on. */
    private void attemptSafely(Task task) throws InterruptedException {
        inFlight = task.file;
        try {
            attempt(task);
        } catch (RuntimeException e) {
            log.error("[upload] unexpected error uploading {}; retrying it later", task.file, e);
            Duration pause = retryDelay(task.attempts);
            tasks.add(new Task(task.file, task.attempts + 1, System.nanoTime() + pause.toNanos()));
            Thread.sleep(AFTER_UNEXPECTED_ERROR.toMillis());
        } finally {
            inFlight = null;
        }
    }

    private void attempt(Task task) {
        String key = uploader.keyFor(task.file);
        UploadOutcome outcome;
        try {
            outcome = uploader.upload(task.file);
        } catch (NoSuchFileException e) {
            log.error("[upload] {} vanished before it was uploaded to s3://{}/{}", task.file, uploader.bucket(), key);
            return;
        } catch (IOException | RuntimeException e) {
            if (stopNow) {
                tasks.add(task);
                return;
            }
            Instant now = clock.instant();
            if (failingSince == null) {
                failingSince = now;
                log.warn("[upload] uploads to s3://{} failing since {}: finished files wait in the local directory "
                        + "until S3 answers again ({} queued)", uploader.bucket(), failingSince, tasks.size() + 1);
            }
            counters.failedAttempt(failingSince, now, e.toString());
            Duration pause = retryDelay(task.attempts);
            log.warn("[upload] s3://{}/{} failed (attempt {}), retrying in {} ms: {}", uploader.bucket(), key,
                    task.attempts + 1, pause.toMillis(), e.toString());
            tasks.add(new Task(task.file, task.attempts + 1, System.nanoTime() + pause.toNanos()));
            return;
        }
        if (failingSince != null) {
            log.info("[upload] s3://{} answers again after {} s of failed uploads ({} files queued): retrying them all now",
                    uploader.bucket(), Duration.between(failingSince, clock.instant()).toSeconds(), tasks.size());
            failingSince = null;
            retryWaitingNow();
        }
        counters.answered();
        switch (outcome) {
            // Counted before the delete: whoever sees the local file gone also sees it counted.
            case UPLOADED -> {
                log.info("[upload] s3://{}/{} uploaded", uploader.bucket(), key);
                counters.uploaded();
                deleteLocal(task.file, key);
            }
            case ALREADY_PRESENT -> {
                log.info("[upload] s3://{}/{} was already uploaded (same length)", uploader.bucket(), key);
                counters.alreadyPresent();
                deleteLocal(task.file, key);
            }
            case CONFLICT -> counters.conflict();
        }
    }

    private void deleteLocal(Path file, String key) {
        try {
            Files.deleteIfExists(file);
            pruner.pruneAfterDeleting(file);
        } catch (IOException e) {
            log.error("[upload] s3://{}/{} is confirmed but {} could not be deleted; the next start confirms it again",
                    uploader.bucket(), key, file, e);
        }
    }

    /**
     * S3 answers again: every file pausing between retries is due now. Its pause grew with the
     * outage (up to {@code maxRetryDelay}) and would otherwise keep it waiting for minutes after S3
     * is back; the next file finished (first tried at once) tells the queue so.
     */
    private void retryWaitingNow() {
        long now = System.nanoTime();
        for (Task waiting : tasks.toArray(new Task[0])) {
            if (tasks.remove(waiting)) {
                tasks.add(new Task(waiting.file, 0, now));
            }
        }
    }

    private Duration retryDelay(int attempts) {
        Duration delay = firstRetryDelay;
        for (int i = 0; i < attempts && delay.compareTo(maxRetryDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : delay;
    }

    /** One file, the attempts made so far, and when to try next (System.nanoTime). */
    private static final class Task implements Delayed {
        final Path file;
        final int attempts;
        final long dueNanos;

        Task(Path file, int attempts, long dueNanos) {
            this.file = file;
            this.attempts = attempts;
            this.dueNanos = dueNanos;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task that = (Task) other;
            int byDue = Long.compare(dueNanos, that.dueNanos);
            return byDue != 0 ? byDue : file.getFileName().toString().compareTo(that.file.getFileName().toString());
        }
    }
}
