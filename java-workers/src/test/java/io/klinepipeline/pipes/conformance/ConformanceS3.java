package io.klinepipeline.pipes.conformance;

import java.net.URI;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 client for the suite's local S3 server (moto, started by the suite's
 * {@code aws_endpoint_url} fixture), configured from the variables that fixture exports:
 * {@code AWS_ENDPOINT_URL}, {@code AWS_REGION} and the access keys, which the SDK's default
 * credential chain reads. Path-style addressing, because {@code <bucket>.127.0.0.1} does not resolve.
 */
final class ConformanceS3 {

    private ConformanceS3() {
    }

    static S3Client fromEnvironment() {
        String endpoint = System.getenv("AWS_ENDPOINT_URL");
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalStateException("Dagster named an S3 bucket but AWS_ENDPOINT_URL is unset:"
                    + " the conformance suite's local S3 server exports it");
        }
        String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.of(region))
                .forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }
}
