package io.klinepipeline.engine.testing;

import io.klinepipeline.config.S3Config;
import io.klinepipeline.s3.S3ClientFactory;
import java.net.URI;
import java.util.Properties;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/** An in-process S3 (S3Proxy over jclouds' in-memory "transient" blob store) on 127.0.0.1 and a free port. */
public final class LocalS3 implements AutoCloseable {
    public static final String ACCESS_KEY = "local-access";
    public static final String SECRET_KEY = "local-secret";

    private final BlobStoreContext blobs;
    private final S3Proxy proxy;

    public LocalS3() throws Exception {
        blobs = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .overrides(new Properties())
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(blobs.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /** storage.s3 as pipeline.yaml would give it, pointed at this server. */
    public S3Config config(String bucket, String prefix) {
        return new S3Config(true, bucket, prefix, endpoint(), "us-east-1", true);
    }

    /** The storage.s3 mapping for a test pipeline.yaml. */
    public String yaml(String bucket, String prefix) {
        return "{enabled: true, bucket: " + bucket + ", prefix: \"" + prefix + "\", endpoint: \"" + endpoint()
                + "\", region: us-east-1, path_style: true}";
    }

    public S3Client client() {
        return S3ClientFactory.create(config("unused", ""), credentials());
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        blobs.close();
    }
}
