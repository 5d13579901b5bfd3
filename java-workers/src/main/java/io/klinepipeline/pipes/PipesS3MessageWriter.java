package io.klinepipeline.pipes;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Uploads buffered messages as numbered chunks for Dagster's PipesS3MessageReader
 * ({@code {"bucket": ..., "key_prefix": ...}}), as PipesS3MessageWriterChannel does: every interval
 * the buffered messages become one object {@code <key_prefix>/<n>.json} (or {@code <n>.json}
 * without prefix), n counting from 1, holding the messages joined by newlines; closing uploads the rest.
 */
public final class PipesS3MessageWriter implements PipesMessageWriter {

    private static final Logger LOG = LoggerFactory.getLogger(PipesS3MessageWriter.class);

    private final S3Client s3;
    private final String bucket;
    private final String keyPrefix;
    private final Deque<String> buffer = new ArrayDeque<>();
    private final Object uploadLock = new Object();
    private final ScheduledExecutorService uploader;
    private int nextChunk = 1;

    /** Starts the upload loop; {@code keyPrefix} may be null or empty. */
    public PipesS3MessageWriter(S3Client s3, String bucket, String keyPrefix, Duration interval) {
        this.s3 = s3;
        this.bucket = bucket;
        this.keyPrefix = keyPrefix;
        this.uploader = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "dagster-pipes-s3-upload " + bucket);
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        uploader.scheduleWithFixedDelay(this::uploadInBackground, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void write(String messageJson) {
        synchronized (buffer) {
            buffer.addLast(messageJson);
        }
    }

    /** Uploads the buffered messages now as the next chunk; does nothing when the buffer is empty. */
    public void flush() throws IOException {
        synchronized (uploadLock) {
            List<String> chunk;
            synchronized (buffer) {
                chunk = new ArrayList<>(buffer);
                buffer.clear();
            }
            if (chunk.isEmpty()) {
                return;
            }
            String key = keyFor(nextChunk);
            try {
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(String.join("\n", chunk)));
            } catch (RuntimeException e) {
                synchronized (buffer) {
                    for (int i = chunk.size() - 1; i >= 0; i--) {
                        buffer.addFirst(chunk.get(i));
                    }
                }
                throw new IOException("Cannot upload Dagster Pipes messages to s3://" + bucket + "/" + key
                        + ": " + e.getMessage(), e);
            }
            nextChunk++;
        }
    }

    @Override
    public void close() throws IOException {
        uploader.shutdown();
        try {
            if (!uploader.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("Dagster Pipes S3 upload to s3://{}/{} still running after 60 s; uploading the rest anyway",
                        bucket, keyPrefix);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }

    String keyFor(int chunkIndex) {
        return keyPrefix == null || keyPrefix.isEmpty()
                ? chunkIndex + ".json"
                : keyPrefix + "/" + chunkIndex + ".json";
    }

    private void uploadInBackground() {
        try {
            flush();
        } catch (IOException e) {
            // The messages stay buffered; the next tick or close() retries them.
            LOG.warn("Dagster Pipes message upload failed, will retry: {}", e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "PipesS3MessageWriter[s3://" + bucket + "/" + (keyPrefix == null ? "" : keyPrefix) + "]";
    }
}
