package io.klinepipeline.workers.bronze;

import io.klinepipeline.s3.S3ClientFactory;
import io.klinepipeline.config.S3Config;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/** An in-process S3 (S3Proxy over jclouds' in-memory "transient" store) on a free loopback port. */
final class S3ProxyServer implements AutoCloseable {
    private static final String ACCESS_KEY = "test-access";
    private static final String SECRET_KEY = "test-secret";

    private final BlobStoreContext store;
    private final S3Proxy proxy;
    private final URI endpoint;
    /** The client of {@link #withBucket}, closed with the server; null otherwise. */
    private S3Client bucketClient;

    /** A started store holding the empty {@code bucket}: the set-up every S3 test class of the workers shares. */
    static S3ProxyServer withBucket(String bucket) throws Exception {
        S3ProxyServer server = new S3ProxyServer();
        server.bucketClient = server.client();
        server.bucketClient.createBucket(b -> b.bucket(bucket));
        return server;
    }

    S3ProxyServer() throws Exception {
        store = ContextBuilder.newBuilder("transient").credentials("identity", "credential").buildView(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(store.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("S3Proxy did not start within 30 s (state " + proxy.getState() + ")");
            }
            Thread.sleep(10);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    String accessKey() {
        return ACCESS_KEY;
    }

    String secretKey() {
        return SECRET_KEY;
    }

    /** storage.s3 as a user would configure it for this store. */
    S3Config config(String bucket, String prefix) {
        return new S3Config(true, bucket, prefix, endpoint, "us-east-1", true);
    }

    /** The client {@link #withBucket} made, which {@link #close()} closes. */
    S3Client bucketClient() {
        return bucketClient;
    }

    /** A client built the way the job builds its own (S3ClientFactory), with this store's credentials. */
    S3Client client() {
        return S3ClientFactory.create(config("unused", ""), credentials());
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    @Override
    public void close() {
        if (bucketClient != null) {
            bucketClient.close();
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop S3Proxy", e);
        } finally {
            store.close();
        }
    }
}
