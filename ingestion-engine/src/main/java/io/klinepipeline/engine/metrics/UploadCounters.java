package io.klinepipeline.engine.metrics;

import java.util.concurrent.atomic.AtomicLong;

/** What the upload queue has done since start. */
public final class UploadCounters {
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong uploaded = new AtomicLong();
    private final AtomicLong alreadyPresent = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();

    public void queued() {
        queued.incrementAndGet();
    }

    public void uploaded() {
        uploaded.incrementAndGet();
    }

    public void alreadyPresent() {
        alreadyPresent.incrementAndGet();
    }

    public void failedAttempt() {
        failedAttempts.incrementAndGet();
    }

    public void conflict() {
        conflicts.incrementAndGet();
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

    public String summary() {
        return "queued=" + queued.get() + " uploaded=" + uploaded.get() + " already_present=" + alreadyPresent.get()
                + " failed_attempts=" + failedAttempts.get() + " conflicts=" + conflicts.get();
    }
}
