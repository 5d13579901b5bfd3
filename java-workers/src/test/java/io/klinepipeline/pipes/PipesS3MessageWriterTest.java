package io.klinepipeline.pipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Against a real S3 API (S3Proxy, in memory), with the key layout PipesS3MessageReader reads. */
class PipesS3MessageWriterTest {

    private static final String BUCKET = "pipes-messages";

    @RegisterExtension
    static final S3ProxyExtension S3_PROXY = S3ProxyExtension.builder()
            .withCredentials("access", "secret")
            .withBlobStoreProvider("transient")
            .build();

    private S3Client s3;

    @BeforeEach
    void createBucket() {
        s3 = S3Client.builder()
                .endpointOverride(S3_PROXY.getUri())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3_PROXY.getAccessKey(), S3_PROXY.getSecretKey())))
                .forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create())
                // S3Proxy does not verify the SDK's default aws-chunked trailing checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterEach
    void closeClient() {
        s3.close();
    }

    private String read(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String();
    }

    private List<String> keys() {
        return s3.listObjectsV2(b -> b.bucket(BUCKET)).contents().stream().map(S3Object::key).sorted().toList();
    }

    @Test
    void uploadsNumberedChunksOfNewlineJoinedMessagesUnderTheKeyPrefix() throws Exception {
        PipesS3MessageWriter writer = new PipesS3MessageWriter(s3, BUCKET, "run-42/messages", Duration.ofHours(1));
        writer.write("{\"m\":1}");
        writer.write("{\"m\":2}");
        writer.flush();
        writer.flush();
        writer.write("{\"m\":3}");
        writer.close();

        assertThat(keys()).containsExactly("run-42/messages/1.json", "run-42/messages/2.json");
        assertThat(read("run-42/messages/1.json")).isEqualTo("{\"m\":1}\n{\"m\":2}");
        assertThat(read("run-42/messages/2.json")).isEqualTo("{\"m\":3}");
    }

    @Test
    void uploadsOnItsOwnEveryInterval() throws Exception {
        try (PipesS3MessageWriter writer = new PipesS3MessageWriter(s3, BUCKET, null, Duration.ofMillis(100))) {
            writer.write("{\"m\":1}");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!keys().contains("1.json") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(keys()).containsExactly("1.json");
        }
    }

    @Test
    void aSessionOpenedWithAnS3ClientSendsItsMessagesToTheBucket() {
        Map<String, String> env = Map.of(
                Pipes.CONTEXT_ENV_VAR, PythonVectors.CONTEXT_DATA,
                Pipes.MESSAGES_ENV_VAR, PipesParamCodec.encode(Map.of("bucket", BUCKET, "key_prefix", "p")));

        try (PipesSession pipes = Pipes.open(env, () -> s3)) {
            pipes.log(PipesLogLevel.INFO, "hello");
        }

        List<String> methods = keys().stream()
                .flatMap(key -> read(key).lines())
                .map(line -> {
                    try {
                        return PipesJson.MAPPER.readTree(line).get("method").asText();
                    } catch (Exception e) {
                        throw new AssertionError("Not a JSON line: " + line, e);
                    }
                })
                .toList();
        assertThat(methods).containsExactly("opened", "log", "closed");
    }
}
