package io.klinepipeline.workers.bronze;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/** JSONL objects below a bucket's prefix, where the engine uploads its closed files. */
public final class S3JsonlSource implements JsonlObjectSource {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Integer pageSize;
    private final boolean ownsClient;

    /** Reads through a client the caller owns and closes. */
    public S3JsonlSource(S3Client s3, String bucket, String prefix) {
        this(s3, bucket, prefix, null, false);
    }

    S3JsonlSource(S3Client s3, String bucket, String prefix, Integer pageSize, boolean ownsClient) {
        this.s3 = s3;
        this.bucket = bucket;
        // The same normalisation as storage.s3.prefix: "" or a folder ending in '/'.
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        this.pageSize = pageSize;
        this.ownsClient = ownsClient;
    }

    /** Reads through a client that this source closes when it is closed. */
    static S3JsonlSource owning(S3Client s3, String bucket, String prefix) {
        return new S3JsonlSource(s3, bucket, prefix, null, true);
    }

    @Override
    public List<String> fileNames(String folder) throws IOException {
        String folderKey = prefix + folder;
        // The delimiter keeps the listing to the folder's own files, not deeper keys.
        ListObjectsV2Request request = ListObjectsV2Request.builder()
                .bucket(bucket).prefix(folderKey).delimiter("/").maxKeys(pageSize).build();
        List<String> names = new ArrayList<>();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(request).contents()) {
                names.add(object.key().substring(folderKey.length()));
            }
        } catch (SdkException e) {
            throw new IOException("cannot list s3://" + bucket + "/" + folderKey + ": " + e.getMessage(), e);
        }
        return names;
    }

    @Override
    public InputStream open(String name) throws IOException {
        try {
            return new AbortOnEarlyClose(s3.getObject(GetObjectRequest.builder().bucket(bucket).key(prefix + name).build()));
        } catch (SdkException e) {
            throw new IOException("cannot read " + describe(name) + ": " + e.getMessage(), e);
        }
    }

    /**
     * One PUT: S3 shows an object only once it is whole, and with Content-MD5 the store refuses
     * a body that arrived different from what was sent.
     */
    @Override
    public void put(String name, byte[] content) throws IOException {
        try {
            String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(content));
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key(prefix + name).contentMD5(md5).build(),
                    RequestBody.fromBytes(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        } catch (SdkException e) {
            throw new IOException("cannot write " + describe(name) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe(String name) {
        return "s3://" + bucket + "/" + prefix + name;
    }

    @Override
    public void close() {
        if (ownsClient) {
            s3.close();
        }
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix;
    }

    /**
     * The reader stops at the window's grace limit, often long before an object's end. Closing an
     * HTTP body normally drains it first; aborting drops the connection instead of downloading
     * the rest of a 64 MiB object.
     */
    private static final class AbortOnEarlyClose extends FilterInputStream {
        private final ResponseInputStream<GetObjectResponse> response;
        private boolean ended;

        AbortOnEarlyClose(ResponseInputStream<GetObjectResponse> response) {
            super(response);
            this.response = response;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                response.abort();
            }
            super.close();
        }
    }
}
