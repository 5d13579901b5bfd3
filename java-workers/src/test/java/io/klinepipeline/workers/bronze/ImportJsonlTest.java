package io.klinepipeline.workers.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.config.S3Config;
import io.klinepipeline.workers.bronze.BronzeFixtures.JsonlFile;
import io.klinepipeline.workers.cli.KlineWorker;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A file in an hour folder that is not named by the layout (a restored backup, a hand copy) is
 * named by ext-to-bronze as skipped, and {@code kline-worker import-jsonl} brings it into the
 * layout so that the next load reads it: whole or not at all, and never twice.
 */
class ImportJsonlTest {
    private static final String BUCKET = "kline-import-test";
    private static final String HOUR_10 = "exchange=binance/symbol=BTCUSDT/date=2026-11-24/hour=10/";
    private static final String HOUR_11 = "exchange=binance/symbol=BTCUSDT/date=2026-11-24/hour=11/";

    private static S3ProxyServer server;
    private static S3Client s3;

    @TempDir
    Path dir;

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
    void aFileNotNamedByTheLayoutIsNamedAsSkippedAndLoadsOnceImported() throws Exception {
        Path localDir = dir.resolve("bronze");
        Path restored = localDir.resolve(HOUR_10 + "restored-from-backup.jsonl");
        Files.createDirectories(restored.getParent());
        Files.writeString(restored, everyLine(), StandardCharsets.UTF_8);
        Database database = TestDatabases.migrated();
        ExtToBronzeJob job = new ExtToBronzeJob(BronzeFixtures.config(dir), BronzeFixtures.EXCHANGES, database,
                new LocalJsonlSource(localDir), Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC));

        ch.qos.logback.classic.Logger jobLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ExtToBronzeJob.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        jobLog.addAppender(logged);
        ExtToBronzeReport skipped;
        try {
            skipped = job.run("binance", "BTCUSDT", ThreeMinuteScenario.WINDOW);
        } finally {
            jobLog.detachAppender(logged);
        }

        assertThat(skipped.skippedFiles()).containsExactly(restored.toString());
        assertThat(logged.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .filteredOn(e -> e.getFormattedMessage().contains("skipping " + restored))
                .singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                        .contains("ext-to-bronze binance/BTCUSDT", "import-jsonl"));
        assertThat(skipped.summary()).contains("1 file(s) not named by the layout skipped");
        assertThat(skipped.hoursWithoutSource()).isEqualTo(1);
        assertThat(BronzeRows.all(database)).isEmpty();

        Path config = writeConfig("");
        Result imported = importJsonl(config, restored);

        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("imported 8 lines to", "imported 2 lines to",
                "--start 2026-11-24T10:00:00Z --end 2026-11-24T11:00:00Z", "--start 2026-11-24T11:00:00Z --end 2026-11-24T12:00:00Z");
        assertThat(dataFiles(localDir.resolve(HOUR_10))).hasSize(1).allMatch(name -> name.contains("-import-"));
        assertThat(dataFiles(localDir.resolve(HOUR_11))).hasSize(1);
        job.run("binance", "BTCUSDT", ThreeMinuteScenario.WINDOW);
        assertThat(BronzeRows.all(database)).containsExactlyElementsOf(ThreeMinuteScenario.expectedRows());

        // A retried import finds its files by their content-derived names and writes nothing.
        Result again = importJsonl(config, restored);
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("already imported").doesNotContain("imported 8 lines");
        assertThat(dataFiles(localDir.resolve(HOUR_10))).hasSize(1);
        job.run("binance", "BTCUSDT", ThreeMinuteScenario.WINDOW);
        assertThat(BronzeRows.all(database)).containsExactlyElementsOf(ThreeMinuteScenario.expectedRows());
    }

    @Test
    void aFileWithABadLineIsRefusedNamingFileAndLineAndNothingIsImported() throws Exception {
        Path config = writeConfig("");
        Path good = dir.resolve("good.jsonl");
        Files.writeString(good, everyLine(), StandardCharsets.UTF_8);
        List<String> lines = ThreeMinuteScenario.FILES.stream().flatMap(f -> f.lines().stream()).toList();
        Map<String, byte[]> badFiles = new HashMap<>();
        badFiles.put("line 3: line is not JSON", withLine(lines, 2, "{\"v\":1,\"exchange\":\"binance\",\"sym".getBytes(StandardCharsets.UTF_8)));
        badFiles.put("line 2: is not valid UTF-8", withLine(lines, 1, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}));
        badFiles.put("line 4: is an event of binance/ETHUSDT, not of binance/BTCUSDT",
                withLine(lines, 3, lines.get(3).replace("\"symbol\":\"BTCUSDT\"", "\"symbol\":\"ETHUSDT\"").getBytes(StandardCharsets.UTF_8)));
        badFiles.put("line 1: envelope field 'received_at' missing or not a string",
                withLine(lines, 0, lines.get(0).replace("\"received_at\"", "\"received\"").getBytes(StandardCharsets.UTF_8)));

        for (Map.Entry<String, byte[]> bad : badFiles.entrySet()) {
            Path badFile = dir.resolve("bad-" + UUID.randomUUID() + ".jsonl");
            Files.write(badFile, bad.getValue());

            Result refused = importJsonl(config, good, badFile);

            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err()).contains(badFile + " " + bad.getKey()).contains("nothing was imported");
            assertThat(dir.resolve("bronze")).doesNotExist();
        }
    }

    @Test
    void importsIntoS3UnderTheLayoutsKeysExactlyOnce() throws Exception {
        String prefix = "bronze-" + UUID.randomUUID() + "/";
        S3Config s3Config = server.config(BUCKET, prefix);
        Path config = writeConfig("  s3: {enabled: true, bucket: %s, prefix: %s, endpoint: \"%s\", region: us-east-1, path_style: true}\n"
                .formatted(BUCKET, prefix, s3Config.endpoint()));
        Path restored = dir.resolve("restored.jsonl");
        Files.writeString(restored, everyLine(), StandardCharsets.UTF_8);

        assertThat(withS3Credentials(() -> importJsonl(config, restored)).exitCode()).isZero();
        assertThat(withS3Credentials(() -> importJsonl(config, restored)).out()).contains("already imported");

        List<S3Object> objects = s3.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix)).contents();
        assertThat(objects).extracting(S3Object::key).hasSize(2)
                .anyMatch(key -> key.startsWith(prefix + HOUR_10)).anyMatch(key -> key.startsWith(prefix + HOUR_11));
        // The objects hold the file's lines, in order, byte for byte.
        StringBuilder uploaded = new StringBuilder();
        for (S3Object object : objects.stream().sorted((a, b) -> a.key().compareTo(b.key())).toList()) {
            uploaded.append(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(object.key())).asUtf8String());
        }
        assertThat(sha256(uploaded.toString())).isEqualTo(sha256(everyLine()));

        Database database = TestDatabases.migrated();
        new ExtToBronzeJob(BronzeFixtures.config(dir), BronzeFixtures.EXCHANGES, database, new S3JsonlSource(s3, BUCKET, prefix),
                Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC))
                .run("binance", "BTCUSDT", ThreeMinuteScenario.WINDOW);
        assertThat(BronzeRows.all(database)).containsExactlyElementsOf(ThreeMinuteScenario.expectedRows());
    }

    /** Every line of the three-minute scenario in one file, as a backup of the hour would hold them. */
    private static String everyLine() {
        StringBuilder all = new StringBuilder();
        for (JsonlFile file : ThreeMinuteScenario.FILES) {
            all.append(file.content());
        }
        return all.toString();
    }

    private static byte[] withLine(List<String> lines, int index, byte[] replacement) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            out.write(i == index ? replacement : lines.get(i).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        return out.toByteArray();
    }

    private Path writeConfig(String s3Line) throws IOException {
        Path config = dir.resolve("pipeline.yaml");
        Files.writeString(config, """
                exchanges:
                  binance:
                    ws_url: wss://stream.binance.com:9443
                    rest_url: https://api.binance.com
                    pairs: [BTCUSDT, ETHUSDT]
                    canonical: {BTCUSDT: BTC-USDT, ETHUSDT: ETH-USDT}
                storage:
                  local_dir: bronze
                  dead_letter_dir: dead-letter
                %spartitions: {start: "2026-11-01T00:00:00Z"}
                """.formatted(s3Line));
        return config;
    }

    private record Result(int exitCode, String out, String err) {}

    private static Result importJsonl(Path config, Path... files) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = KlineWorker.commandLine(Map.of());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> args = new ArrayList<>(List.of("--config", config.toString(), "import-jsonl", "--exchange", "binance",
                "--symbol", "BTCUSDT"));
        Stream.of(files).map(Path::toString).forEach(args::add);
        int code = cli.execute(args.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    private static Result withS3Credentials(java.util.function.Supplier<Result> call) {
        Map<String, String> saved = new HashMap<>();
        for (Map.Entry<String, String> p : Map.of("aws.accessKeyId", server.accessKey(), "aws.secretAccessKey", server.secretKey()).entrySet()) {
            saved.put(p.getKey(), System.getProperty(p.getKey()));
            System.setProperty(p.getKey(), p.getValue());
        }
        try {
            return call.get();
        } finally {
            saved.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    private static List<String> dataFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(io.klinepipeline.jsonl.BronzeLayout::isDataFileName).toList();
        }
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
