package io.klinepipeline.engine.upload;

import io.klinepipeline.config.S3Config;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the S3 client from pipeline.yaml's storage.s3 section. */
public final class S3ClientFactory {

    private S3ClientFactory() {}

    /**
     * @param credentials the AWS default chain in production; tests pass static credentials
     */
    public static S3Client create(S3Config config, AwsCredentialsProvider credentials) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().build())
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(config.pathStyle());
        if (config.endpoint() != null) {
            // S3-compatible stores (S3Proxy, older MinIO and Ceph) reject the SDK's default
            // aws-chunked uploads with trailing checksums; send checksums only where S3 requires them.
            builder.endpointOverride(config.endpoint())
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }
}
