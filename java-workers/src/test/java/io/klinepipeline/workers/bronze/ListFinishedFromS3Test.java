package io.klinepipeline.workers.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.config.S3Config;
import io.klinepipeline.workers.cli.KlineWorker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** `kline-worker list-finished` (the freshness sensor's listing) against a real S3 API: S3Proxy. */
class ListFinishedFromS3Test {
    private static final String BUCKET = "kline-list-finished-test";
    private static final String HOUR_10 = "exchange=binance/symbol=BTCUSDT/date=2026-11-24/hour=10/";

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

    private JsonNode listAt(Path config, String now) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // The worker takes S3 credentials from AWS's default chain; its system properties are part of it.
        Map<String, String> saved = new HashMap<>();
        for (Map.Entry<String, String> p : Map.of("aws.accessKeyId", server.accessKey(), "aws.secretAccessKey", server.secretKey()).entrySet()) {
            saved.put(p.getKey(), System.getProperty(p.getKey()));
            System.setProperty(p.getKey(), p.getValue());
        }
        try {
            CommandLine cli = KlineWorker.commandLine(Map.of());
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute("--config", config.toString(), "list-finished", "--hours", "3", "--now", now);
            assertThat(code).as(err.toString()).isZero();
        } finally {
            saved.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
        return new ObjectMapper().readTree(out.toString());
    }

    private static String fingerprint(JsonNode listed, String hour) {
        for (JsonNode w : listed.get("windows")) {
            if (w.get("exchange").asText().equals("binance") && w.get("hour").asText().equals(hour)) {
                return w.get("fingerprint").asText() + "/" + w.get("objects").asInt();
            }
        }
        return null;
    }

    @Test
    void listsTheUploadedObjectsPerWindowAndALateUploadChangesOnlyItsHour() throws Exception {
        String prefix = "bronze/";
        S3Config s3Config = server.config(BUCKET, prefix);
        Path config = dir.resolve("pipeline.yaml");
        Files.writeString(config, """
                exchanges:
                  binance:
                    ws_url: ws://127.0.0.1:9
                    rest_url: http://127.0.0.1:9
                    pairs: [BTCUSDT]
                storage:
                  local_dir: bronze
                  s3: {enabled: true, bucket: %s, prefix: %s, endpoint: "%s", region: us-east-1, path_style: true}
                partitions: {start: "2026-11-01T00:00:00Z"}
                """.formatted(BUCKET, prefix, s3Config.endpoint()));
        s3.putObject(b -> b.bucket(BUCKET).key(prefix + HOUR_10 + "20261124T100000000Z-engine-1.jsonl"), RequestBody.fromString("{}\n"));
        s3.putObject(b -> b.bucket(BUCKET).key(prefix + HOUR_10 + "20261124T103000000Z-engine-2.jsonl"), RequestBody.fromString("{}\n"));

        JsonNode first = listAt(config, "2026-11-24T12:30:00Z");
        s3.putObject(b -> b.bucket(BUCKET).key(prefix + HOUR_10 + "20261124T102000000Z-engine-late.jsonl"), RequestBody.fromString("{}\n"));
        JsonNode afterLate = listAt(config, "2026-11-24T12:30:00Z");

        assertThat(first.get("source").asText()).contains(BUCKET);
        assertThat(fingerprint(first, "2026-11-24T10:00:00Z")).endsWith("/2");
        assertThat(fingerprint(afterLate, "2026-11-24T10:00:00Z")).endsWith("/3")
                .isNotEqualTo(fingerprint(first, "2026-11-24T10:00:00Z"));
        assertThat(fingerprint(first, "2026-11-24T09:00:00Z")).as("the late closes of 09:59 are in the 10:00 file").endsWith("/1");
        assertThat(fingerprint(afterLate, "2026-11-24T09:00:00Z")).as("the hour before reads only hh:00-05 files of hour 10")
                .isEqualTo(fingerprint(first, "2026-11-24T09:00:00Z"));
    }
}
