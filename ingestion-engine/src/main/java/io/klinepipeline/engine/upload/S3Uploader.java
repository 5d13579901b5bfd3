package io.klinepipeline.engine.upload;

import io.klinepipeline.config.S3Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Uploads one finished JSONL file to {@code <prefix><path below local_dir>} without ever
 * overwriting an object: it asks first (HeadObject), puts only when the key is free (and with
 * {@code If-None-Match: *}, so a concurrent writer cannot be overwritten either), and confirms by
 * reading the stored length back.
 */
public final class S3Uploader {
    private static final Logger log = LoggerFactory.getLogger(S3Uploader.class);
    private static final int PRECONDITION_FAILED = 412;
    private static final int NOT_FOUND = 404;
    private static final int FORBIDDEN = 403;
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Path localDir;
    private final UploadTimeouts timeouts;
    private final AtomicBoolean forbiddenReported = new AtomicBoolean();

    public S3Uploader(S3Client s3, S3Config config, Path localDir) {
        this(s3, config, localDir, UploadTimeouts.defaults());
    }

    /**
     * @param timeouts set on every request, on top of the client's own (kline-core's S3ClientFactory
     *     sets bounds suited to the workers' reads)
     */
    public S3Uploader(S3Client s3, S3Config config, Path localDir, UploadTimeouts timeouts) {
        this.s3 = s3;
        this.timeouts = timeouts;
        this.bucket = config.bucket();
        this.prefix = config.prefix();
        this.localDir = localDir.toAbsolutePath().normalize();
    }

    /** The object key of a file below local_dir: the prefix, then its relative path with '/' separators. */
    public String keyFor(Path file) {
        Path relative = localDir.relativize(file.toAbsolutePath().normalize());
        if (relative.startsWith("..")) {
            throw new IllegalArgumentException(file + " is not below " + localDir);
        }
        StringBuilder key = new StringBuilder(prefix);
        for (int i = 0; i < relative.getNameCount(); i++) {
            key.append(i == 0 ? "" : "/").append(relative.getName(i));
        }
        return key.toString();
    }

    public String bucket() {
        return bucket;
    }

    /**
     * One attempt. Any exception (network, S3, disk) means the attempt is inconclusive and the
     * file must stay local and be retried.
     */
    public UploadOutcome upload(Path file) throws IOException {
        String key = keyFor(file);
        long length = Files.size(file);
        OptionalLong existing = storedLength(key);
        if (existing.isPresent()) {
            return judgeExisting(key, length, existing.getAsLong());
        }
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentLength(length).contentType("application/x-ndjson")
                    .ifNoneMatch("*")
                    .overrideConfiguration(o -> o.apiCallTimeout(timeouts.putCall()).apiCallAttemptTimeout(timeouts.putAttempt())),
                    RequestBody.fromFile(file));
        } catch (S3Exception e) {
            if (e.statusCode() != PRECONDITION_FAILED) {
                throw e;
            }
            OptionalLong now = storedLength(key);
            if (now.isEmpty()) {
                throw new IOException("s3://" + bucket + "/" + key + " refused as existing, but it is not there", e);
            }
            return judgeExisting(key, length, now.getAsLong());
        }
        OptionalLong stored = storedLength(key);
        if (stored.isEmpty() || stored.getAsLong() != length) {
            throw new IOException("s3://" + bucket + "/" + key + " has length " + (stored.isEmpty() ? "none" : stored.getAsLong())
                    + " after upload, expected " + length);
        }
        return UploadOutcome.UPLOADED;
    }

    private UploadOutcome judgeExisting(String key, long localLength, long storedLength) {
        if (storedLength == localLength) {
            return UploadOutcome.ALREADY_PRESENT;
        }
        log.error("[upload] s3://{}/{} already exists with {} bytes but the local file has {} bytes: NOT overwriting it; "
                + "the local file is kept for a person to resolve", bucket, key, storedLength, localLength);
        return UploadOutcome.CONFLICT;
    }

    private OptionalLong storedLength(String key) {
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key)
                    .overrideConfiguration(o -> o.apiCallTimeout(timeouts.headCall()).apiCallAttemptTimeout(timeouts.headAttempt())));
            return Optional.ofNullable(head.contentLength()).map(OptionalLong::of).orElse(OptionalLong.of(0));
        } catch (NoSuchKeyException e) {
            return OptionalLong.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND && !"NoSuchBucket".equals(errorCode(e))) {
                return OptionalLong.empty();
            }
            if (e.statusCode() == FORBIDDEN && forbiddenReported.compareAndSet(false, true)) {
                // S3 answers HeadObject of a missing key with 403 instead of 404 when s3:ListBucket is missing.
                log.error("[upload] S3 refuses HeadObject on s3://{}/{} (403): the engine's credentials need "
                        + "s3:GetObject and s3:ListBucket on the bucket (and s3:PutObject); uploads keep failing until "
                        + "they have them", bucket, key);
            }
            throw e;
        }
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }
}
