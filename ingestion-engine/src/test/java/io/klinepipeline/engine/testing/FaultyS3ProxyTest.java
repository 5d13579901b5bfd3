package io.klinepipeline.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.engine.testing.FaultyS3Proxy.Fault;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The proxy fails requests the way its faults promise, to a real S3 client, and heals. */
class FaultyS3ProxyTest {

    @Test
    void eachFaultReachesTheS3ClientAsS3WouldShowItAndEndsAfterItsDuration() throws Exception {
        try (LocalS3 s3 = new LocalS3(); FaultyS3Proxy proxy = new FaultyS3Proxy(s3.endpoint());
                S3Client client = withoutRetries(proxy)) {
            client.createBucket(b -> b.bucket("proxied"));
            put(client, "healthy", "1");
            assertThat(client.getObjectAsBytes(b -> b.bucket("proxied").key("healthy")).asUtf8String()).isEqualTo("1");

            proxy.inject(Fault.SLOW_DOWN);
            assertThatThrownBy(() -> put(client, "k", "x")).isInstanceOfSatisfying(S3Exception.class, e -> {
                assertThat(e.statusCode()).isEqualTo(503);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SlowDown");
            });
            proxy.inject(Fault.INTERNAL_ERROR);
            assertThatThrownBy(() -> put(client, "k", "x")).isInstanceOfSatisfying(S3Exception.class, e -> {
                assertThat(e.statusCode()).isEqualTo(500);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalError");
            });
            proxy.inject(Fault.RESET);
            assertThatThrownBy(() -> put(client, "k", "x")).isInstanceOf(SdkClientException.class)
                    .hasMessageContaining("reset");
            proxy.inject(Fault.STALL);
            assertThatThrownBy(() -> client.headObject(b -> b.bucket("proxied").key("healthy")
                    .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMillis(500)))))
                    .isInstanceOf(ApiCallTimeoutException.class);
            proxy.inject(Fault.LOSE_PUT_RESPONSE);
            assertThatThrownBy(() -> put(client, "lost", "y")).isInstanceOf(SdkClientException.class);
            assertThat(client.getObjectAsBytes(b -> b.bucket("proxied").key("lost")).asUtf8String())
                    .as("the PUT whose answer was lost is stored").isEqualTo("y");

            proxy.inject(Fault.SERVICE_UNAVAILABLE);
            assertThatThrownBy(() -> put(client, "k", "x")).isInstanceOfSatisfying(S3Exception.class, e -> {
                assertThat(e.statusCode()).isEqualTo(503);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
            });

            proxy.inject(Fault.SERVICE_UNAVAILABLE, Duration.ofMillis(300));
            assertThat(proxy.fault()).isEqualTo(Fault.SERVICE_UNAVAILABLE);
            Thread.sleep(400);
            assertThat(proxy.fault()).as("the fault ended after its duration").isEqualTo(Fault.NONE);
            assertThat(client.headObject(b -> b.bucket("proxied").key("healthy")).contentLength()).isEqualTo(1);
            assertThat(proxy.requests()).anyMatch(r -> r.fault() == Fault.STALL && !r.answered());
        }
    }

    /** A client that shows each answer as it came, without the SDK's retries and their back-off. */
    private static S3Client withoutRetries(FaultyS3Proxy proxy) {
        return S3Client.builder()
                .endpointOverride(proxy.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private static void put(S3Client client, String key, String content) {
        client.putObject(b -> b.bucket("proxied").key(key), RequestBody.fromString(content));
    }
}
