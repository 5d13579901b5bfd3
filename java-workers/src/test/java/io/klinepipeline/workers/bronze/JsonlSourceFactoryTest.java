package io.klinepipeline.workers.bronze;

import io.klinepipeline.s3.S3ClientFactory;
import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.config.S3Config;
import io.klinepipeline.config.StorageConfig;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

class JsonlSourceFactoryTest {

    @TempDir
    Path dir;

    @Test
    void readsTheLocalDirectoryWhenS3IsOff() {
        PipelineConfig config = BronzeFixtures.config(dir);

        try (JsonlObjectSource source = JsonlSourceFactory.forStorage(config.storage())) {
            assertThat(source).isInstanceOf(LocalJsonlSource.class);
            assertThat(source.describe("a/b.jsonl")).isEqualTo(dir.resolve("bronze/a/b.jsonl").toString());
        }
    }

    @Test
    void readsTheConfiguredBucketAndPrefixWhenS3IsOn() {
        S3Config s3 = new S3Config(true, "my-bucket", "raw/", URI.create("http://127.0.0.1:9000"), "eu-west-1", true);
        StorageConfig storage = new StorageConfig(dir.resolve("bronze"), dir.resolve("dead"), s3);

        try (JsonlObjectSource source = JsonlSourceFactory.forStorage(storage)) {
            assertThat(source).isInstanceOf(S3JsonlSource.class);
            assertThat(source.describe("exchange=binance/x.jsonl")).isEqualTo("s3://my-bucket/raw/exchange=binance/x.jsonl");
        }
    }

    @Test
    void buildsTheS3ClientFromRegionAndEndpoint() {
        S3Config s3 = new S3Config(true, "b", "", URI.create("http://127.0.0.1:9000"), "eu-west-1", true);

        try (S3Client client = S3ClientFactory.create(s3)) {
            assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
            assertThat(client.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:9000"));
        }
    }
}
