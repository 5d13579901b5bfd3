package io.klinepipeline.workers.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.workers.bronze.BronzeFixtures.JsonlFile;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class ExtToBronzeFromS3Test {
    private static final String BUCKET = "kline-bronze-test";

    private static S3ProxyServer server;
    private static S3Client s3;

    @TempDir
    Path dir;

    /** Each test writes below a prefix of its own in the shared bucket. */
    private String prefix;

    @BeforeEach
    void newPrefix() {
        prefix = "bronze-" + UUID.randomUUID() + "/";
    }

    @BeforeAll
    static void startS3() throws Exception {
        server = S3ProxyServer.withBucket(BUCKET);
        s3 = server.bucketClient();
    }

    @AfterAll
    static void stopS3() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void loadsTheSameRowsFromS3AsFromLocalFiles() throws Exception {
        upload(ThreeMinuteScenario.FILES);
        // A non-data name in the hour folder and an object deeper below it must both be left alone.
        String firstName = ThreeMinuteScenario.FILES.get(0).name();
        s3.putObject(b -> b.bucket(BUCKET).key(prefix + firstName + ".tmp"), RequestBody.fromString("not an event\n"));
        String deeper = firstName.substring(0, firstName.lastIndexOf('/') + 1) + "nested/20261124T105800000Z-engine-1.jsonl";
        s3.putObject(b -> b.bucket(BUCKET).key(prefix + deeper), RequestBody.fromString("not an event\n"));
        Database database = TestDatabases.migrated();
        PipelineConfig config = BronzeFixtures.config(dir);
        // A page size of one makes the listing go through S3's continuation tokens.
        JsonlObjectSource source = new S3JsonlSource(s3, BUCKET, prefix, 1, false);

        ExtToBronzeReport report = new ExtToBronzeJob(config, BronzeFixtures.EXCHANGES, database, source,
                Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC))
                .run("binance", "BTCUSDT", ThreeMinuteScenario.WINDOW);

        assertThat(report.objects()).isEqualTo(3);
        assertThat(report.lines()).isEqualTo(ThreeMinuteScenario.LINES);
        assertThat(report.rowsLoaded()).isEqualTo(7);
        assertThat(report.finalMinutes()).isEqualTo(3);
        assertThat(BronzeRows.all(database)).containsExactlyElementsOf(ThreeMinuteScenario.expectedRows());
    }

    @Test
    void listsAnHourFolderInReadOrderAcrossPages() throws Exception {
        String hourPrefix = "exchange=binance/symbol=ETHUSDT/date=2026-11-24/hour=09/";
        List<String> names = List.of("20261124T092000000Z-engine-2-abcd1234.jsonl", "20261124T090000000Z-engine-1-00000000.jsonl",
                "20261124T091000000Z-engine-1-ffffffff.jsonl");
        for (String name : names) {
            s3.putObject(b -> b.bucket(BUCKET).key(prefix + hourPrefix + name), RequestBody.fromString("x\n"));
        }
        try (S3JsonlSource source = new S3JsonlSource(s3, BUCKET, prefix.substring(0, prefix.length() - 1), 2, false)) {
            assertThat(source.dataObjects(hourPrefix)).containsExactly(
                    hourPrefix + names.get(1), hourPrefix + names.get(2), hourPrefix + names.get(0));
            assertThat(source.describe(hourPrefix + names.get(0))).isEqualTo("s3://" + BUCKET + "/" + prefix + hourPrefix + names.get(0));
            assertThat(source.dataObjects("exchange=binance/symbol=ETHUSDT/date=2026-11-24/hour=10/")).isEmpty();
        }
    }

    @Test
    void readsOnlyAsMuchOfAnObjectAsTheWindowNeeds() throws Exception {
        // A big object whose first line is past the grace limit: the job must stop there and
        // abort the download, not drain the whole body.
        JsonlFile late = JsonlFile.of(Instant.parse("2026-11-24T11:30:00Z"),
                BronzeFixtures.event(Instant.parse("2026-11-24T11:30:00Z"), ThreeMinuteScenario.AFTER_UPDATE.frame()));
        String body = late.content() + ("x".repeat(1023) + "\n").repeat(32 * 1024);
        s3.putObject(b -> b.bucket(BUCKET).key(prefix + late.name()), RequestBody.fromString(body, StandardCharsets.UTF_8));
        JsonlFile inWindowHour = ThreeMinuteScenario.FILES.get(0); // so the window's own hour has a source
        upload(List.of(inWindowHour));
        Database database = TestDatabases.migrated();

        ExtToBronzeReport report = new ExtToBronzeJob(BronzeFixtures.config(dir), BronzeFixtures.EXCHANGES, database,
                new S3JsonlSource(s3, BUCKET, prefix), Clock.systemUTC())
                .run("binance", "BTCUSDT", ThreeMinuteScenario.WINDOW);

        assertThat(report.objects()).isEqualTo(2);
        assertThat(report.lines()).as("only the in-hour file's lines; none of the late object's").isEqualTo(4);
        assertThat(report.rowsLoaded()).isEqualTo(2);
        assertThat(report.deadLettered()).isZero();
    }

    private void upload(List<JsonlFile> files) {
        for (JsonlFile file : files) {
            s3.putObject(b -> b.bucket(BUCKET).key(prefix + file.name()), RequestBody.fromString(file.content(), StandardCharsets.UTF_8));
        }
    }
}
