package io.klinepipeline.engine.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.engine.metrics.UploadCounters;
import io.klinepipeline.engine.testing.LocalS3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class S3UploaderTest {
    private static final String HOUR = "exchange=binance/symbol=BTCUSDT/date=2026-11-24/hour=10/";
    private static LocalS3 s3;
    private static S3Client client;

    @TempDir
    Path localDir;

    private final String bucket = "bronze-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startS3() throws Exception {
        s3 = new LocalS3();
        client = s3.client();
    }

    @AfterAll
    static void stopS3() throws Exception {
        client.close();
        s3.close();
    }

    private Path dataFile(String name, String content) throws Exception {
        Path file = localDir.resolve(HOUR + name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private String object(String key) {
        return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    }

    private S3Uploader uploader(String prefix) {
        return new S3Uploader(client, s3.config(bucket, prefix), localDir);
    }

    @Test
    void theUploadThreadSurvivesAFileItCannotEvenNameAndUploadsTheNext(@TempDir Path elsewhere) throws Exception {
        client.createBucket(b -> b.bucket(bucket));
        Path outside = Files.writeString(elsewhere.resolve("stray.jsonl"), "{}\n"); // keyFor throws: not below local_dir
        Path file = dataFile("20261124T100000000Z-abc-000001-1a2b3c4d.jsonl", "{\"v\":1}\n");
        UploadCounters counters = new UploadCounters();
        UploadQueue queue = new UploadQueue(uploader(""), localDir, Clock.systemUTC(), Duration.ofMillis(50), Duration.ofMillis(200), counters);
        queue.fileFinished(outside);
        queue.fileFinished(file);
        queue.start();
        try {
            awaitTrue(() -> !Files.exists(file));
            assertThat(object(HOUR + file.getFileName())).isEqualTo("{\"v\":1}\n");
            assertThat(counters.uploadedCount()).isEqualTo(1);
            assertThat(Files.exists(outside)).as("the stray file is kept").isTrue();
        } finally {
            queue.stop(Duration.ZERO);
        }
    }

    @Test
    void uploadsBelowThePrefixAndDeletesTheLocalFileOnlyOnceTheUploadIsConfirmed() throws Exception {
        String content = "{\"v\":1,\"n\":1}\n{\"v\":1,\"n\":2}\n";
        Path file = dataFile("20261124T100000000Z-abc-000001-1a2b3c4d.jsonl", content);
        UploadCounters counters = new UploadCounters();
        UploadQueue queue = new UploadQueue(uploader("bronze/"), localDir, Clock.systemUTC(), Duration.ofMillis(50), Duration.ofMillis(200), counters);
        queue.start();
        try {
            queue.fileFinished(file);
            // The bucket does not exist yet: every attempt fails and the file must stay.
            awaitTrue(() -> counters.failedAttemptCount() >= 2);
            assertThat(file).exists();

            client.createBucket(b -> b.bucket(bucket));
            awaitTrue(() -> !Files.exists(file));
        } finally {
            queue.stop(Duration.ofSeconds(5));
        }
        assertThat(object("bronze/" + HOUR + "20261124T100000000Z-abc-000001-1a2b3c4d.jsonl")).isEqualTo(content);
        assertThat(counters.uploadedCount()).isEqualTo(1);
        assertThat(localDir.resolve(HOUR)).as("the emptied folder of a past hour is removed").doesNotExist();
        assertThat(localDir.resolve("exchange=binance/symbol=BTCUSDT")).isDirectory();
    }

    @Test
    void neverOverwritesAnObjectOfAnotherLengthAndKeepsTheLocalFile() throws Exception {
        client.createBucket(b -> b.bucket(bucket));
        Path file = dataFile("20261124T100000000Z-abc-000001-1a2b3c4d.jsonl", "{\"local\":true}\n");
        String key = HOUR + "20261124T100000000Z-abc-000001-1a2b3c4d.jsonl";
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("{\"already\":\"there, longer\"}\n"));

        assertThat(uploader("").upload(file)).isEqualTo(UploadOutcome.CONFLICT);
        assertThat(file).exists();
        assertThat(object(key)).isEqualTo("{\"already\":\"there, longer\"}\n");
    }

    @Test
    void treatsAnObjectOfTheSameLengthAsAnEarlierConfirmedUpload() throws Exception {
        client.createBucket(b -> b.bucket(bucket));
        String content = "{\"n\":1}\n";
        Path file = dataFile("20261124T100000000Z-abc-000001-1a2b3c4d.jsonl", content);
        String key = HOUR + "20261124T100000000Z-abc-000001-1a2b3c4d.jsonl";
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content));
        UploadCounters counters = new UploadCounters();
        UploadQueue queue = new UploadQueue(uploader(""), localDir, Clock.systemUTC(), Duration.ofMillis(50), Duration.ofMillis(200), counters);
        queue.start();
        queue.fileFinished(file);
        awaitTrue(() -> !Files.exists(file));
        queue.stop(Duration.ofSeconds(5));
        assertThat(counters.alreadyPresentCount()).isEqualTo(1);
        assertThat(counters.uploadedCount()).isZero();
    }

    @Test
    void aRestartUploadsWhatThePreviousRunLeftBehind() throws Exception {
        client.createBucket(b -> b.bucket(bucket));
        Path finished = dataFile("20261124T100000000Z-run1-000001-1a2b3c4d.jsonl", "{\"n\":1}\n{\"n\":2}\n");
        Path crashed = dataFile("20261124T100500000Z-run1-000002-5e6f7a8b.jsonl", "{\"n\":3}\n{\"n\":4");
        Path empty = dataFile("20261124T101000000Z-run1-000003-9c0d1e2f.jsonl", "");
        Path foreign = dataFile("notes.txt", "not a data file\n");

        List<Path> leftovers = LeftoverFiles.recover(localDir, localDir.resolve("dead-letter"));
        assertThat(leftovers).containsExactly(finished, crashed);
        assertThat(empty).doesNotExist();

        UploadQueue queue = new UploadQueue(uploader(""), localDir, Clock.systemUTC(), Duration.ofMillis(50), Duration.ofMillis(200), new UploadCounters());
        leftovers.forEach(queue::fileFinished);
        queue.start();
        awaitTrue(() -> !Files.exists(finished) && !Files.exists(crashed));
        queue.stop(Duration.ofSeconds(5));

        assertThat(object(HOUR + finished.getFileName())).isEqualTo("{\"n\":1}\n{\"n\":2}\n");
        assertThat(object(HOUR + crashed.getFileName())).isEqualTo("{\"n\":3}\n");
        assertThat(localDir.resolve("dead-letter/engine/torn/" + HOUR + crashed.getFileName() + ".torn"))
                .as("the torn line is moved aside, not uploaded").hasContent("{\"n\":4");
        assertThat(foreign).exists();
    }

    @Test
    void keysAreThePrefixFollowedByThePathBelowTheLocalDirectory() throws Exception {
        Path file = localDir.resolve(HOUR + "20261124T100000000Z-abc-000001-1a2b3c4d.jsonl");
        assertThat(uploader("raw/bronze/").keyFor(file)).isEqualTo("raw/bronze/" + HOUR + "20261124T100000000Z-abc-000001-1a2b3c4d.jsonl");
        assertThat(uploader("").keyFor(file)).isEqualTo(HOUR + "20261124T100000000Z-abc-000001-1a2b3c4d.jsonl");
    }

    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in time");
            }
            Thread.sleep(20);
        }
    }
}
