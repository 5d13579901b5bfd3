package io.klinepipeline.s3;

import io.klinepipeline.config.S3Config;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the S3 client that {@code storage.s3} describes, for the engine (uploads) and the workers (reads). */
public final class S3ClientFactory {

    private S3ClientFactory() {}

    /** Credentials from the AWS default chain (environment, profile, instance role), as pipeline.yaml promises. */
    public static S3Client create(S3Config config) {
        return create(config, DefaultCredentialsProvider.builder().build());
    }

    /** With explicit credentials, for S3-compatible stores in tests and demos. */
    public static S3Client create(S3Config config, AwsCredentialsProvider credentials) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)))
                // Bounded calls: a hung store must fail an attempt (and let the caller retry or shut
                // down) rather than hold a thread forever.
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofMinutes(2)).apiCallTimeout(Duration.ofMinutes(5)))
                // Most S3-compatible stores (MinIO, S3Proxy) only serve endpoint/bucket addresses.
                .forcePathStyle(config.pathStyle());
        if (config.endpoint() != null) {
            // S3-compatible stores often lack the SDK's newer default integrity features (CRC
            // trailers on uploads, x-amz-checksum-mode on downloads) and refuse such requests with
            // 400/501; there, send checksums only where an operation requires them. AWS itself
            // keeps the defaults.
            builder.endpointOverride(config.endpoint())
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }
}
