package io.klinepipeline.workers.bronze;

import io.klinepipeline.s3.S3ClientFactory;
import io.klinepipeline.config.S3Config;
import io.klinepipeline.config.StorageConfig;

/** Chooses where ext-to-bronze reads: S3 when {@code storage.s3.enabled}, else the local directory. */
public final class JsonlSourceFactory {

    private JsonlSourceFactory() {}

    /** The source for this storage configuration; close it when done (it may own an S3 client). */
    public static JsonlObjectSource forStorage(StorageConfig storage) {
        S3Config s3 = storage.s3();
        if (s3.enabled()) {
            return S3JsonlSource.owning(S3ClientFactory.create(s3), s3.bucket(), s3.prefix());
        }
        return new LocalJsonlSource(storage.localDir());
    }
}
