package io.klinepipeline.engine.metrics;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the upload queue has done since start, and whether S3 answers now: written by the upload
 * thread, read by the metrics line, /health and /metrics.
 */
public final class UploadCounters {
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong uploaded = new AtomicLong();
    private final AtomicLong alreadyPresent = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private volatile Instant failingSince;
    private volatile LastError lastError;

    /** The last failed attempt: when, and what it threw. Kept after S3 answers again, to say what the outage was. */
    public record LastError(Instant at, String error) {}

    public void queued() {
        queued.incrementAndGet();
    }

    public void uploaded() {
        uploaded.incrementAndGet();
    }

    public void alreadyPresent() {
        alreadyPresent.incrementAndGet();
    }

    /**
     * An attempt failed at {@code at}; uploads have been failing since {@code since} (the first failure
     * after the last success), which is what /health and /metrics report.
     */
    public void failedAttempt(Instant since, Instant at, String error) {
        failedAttempts.incrementAndGet();
        lastError = new LastError(at, error);
        failingSince = since;
    }

    /** An attempt got an answer from S3 (uploaded, already there, or a conflict): uploads no longer fail. */
    public void answered() {
        failingSince = null;
    }

    public void conflict() {
        conflicts.incrementAndGet();
    }

    public long queuedCount() {
        return queued.get();
    }

    public long uploadedCount() {
        return uploaded.get();
    }

    public long alreadyPresentCount() {
        return alreadyPresent.get();
    }

    public long failedAttemptCount() {
        return failedAttempts.get();
    }

    public long conflictCount() {
        return conflicts.get();
    }

    /** Since when uploads fail, while they do. */
    public Optional<Instant> failingSince() {
        return Optional.ofNullable(failingSince);
    }

    public Optional<LastError> lastError() {
        return Optional.ofNullable(lastError);
    }

    public String summary() {
        return "queued=" + queued.get() + " uploaded=" + uploaded.get() + " already_present=" + alreadyPresent.get()
                + " failed_attempts=" + failedAttempts.get() + " conflicts=" + conflicts.get()
                + " failing_since=" + failingSince().map(Instant::toString).orElse("-");
    }
}
