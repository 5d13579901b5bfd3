package io.klinepipeline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.engine.metrics.UploadCounters;
import io.klinepipeline.engine.testing.BinanceKlineFrames;
import io.klinepipeline.engine.testing.BronzeFiles;
import io.klinepipeline.engine.testing.FakeBinanceServer;
import io.klinepipeline.engine.testing.LocalS3;
import io.klinepipeline.engine.testing.TestPipelines;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.jsonl.BronzeLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

class EngineUploadTest {
    @TempDir
    Path dir;

    @Test
    void uploadsWhatAPreviousRunLeftAndEveryFileItFinishesThenEmptiesTheLocalDirectory() throws Exception {
        String leftoverKey = "exchange=binance/symbol=BTCUSDT/date=2026-11-24/hour=10/20261124T100000000Z-old1run-000007-0badf00d.jsonl";
        Path leftover = dir.resolve("bronze").resolve(leftoverKey);
        Files.createDirectories(leftover.getParent());
        Files.writeString(leftover, "{\"left\":1}\n{\"torn\":", StandardCharsets.UTF_8);
        BinanceKlineFrames klines = new BinanceKlineFrames("BTCUSDT", 1_795_000_020_000L - 1_795_000_020_000L % 60_000);

        try (LocalS3 s3 = new LocalS3(); S3Client client = s3.client(); FakeBinanceServer server = new FakeBinanceServer()) {
            client.createBucket(b -> b.bucket("kline-bronze"));
            Engine engine = new Engine(
                    TestPipelines.binance(server.wsBase(), dir, "BTCUSDT", "roll_max_age_seconds: 1, upload_retry_delay_ms: 50",
                            s3.yaml("kline-bronze", "bronze")),
                    ExchangeRegistry.standard(), Clock.systemUTC(), s3::credentials,
                    new EngineOptions(Duration.ofSeconds(60), Duration.ofSeconds(10)));
            try {
                engine.start();
                UploadCounters uploads = engine.uploadCounters().orElseThrow();
                EngineCaptureTest.awaitTrue(() -> uploads.uploadedCount() == 1);
                assertThat(leftover).doesNotExist();

                FakeBinanceServer.Connection connection = server.awaitConnection(Duration.ofSeconds(10));
                for (int i = 0; i < 5; i++) {
                    connection.send(klines.frame(i));
                }
                // roll_max_age_seconds: 1 finishes the file while the engine runs; it is uploaded and deleted.
                EngineCaptureTest.awaitTrue(() -> uploads.uploadedCount() == 2);
                for (int i = 5; i < 8; i++) {
                    connection.send(klines.frame(i));
                }
                EngineCaptureTest.awaitTrue(() -> engine.streamCounters().get(0).lines() == 8);
            } finally {
                engine.close();
            }

            assertThat(BronzeFiles.dataFiles(dir.resolve("bronze"))).as("every local file was uploaded, then deleted").isEmpty();
            List<S3Object> objects = new ArrayList<>(client.listObjectsV2Paginator(b -> b.bucket("kline-bronze")).contents()
                    .stream().toList());
            objects.sort(Comparator.comparing(S3Object::key));
            assertThat(objects).allSatisfy(o -> {
                assertThat(o.key()).startsWith("bronze/exchange=binance/symbol=BTCUSDT/date=");
                assertThat(BronzeLayout.isDataFileName(o.key().substring(o.key().lastIndexOf('/') + 1))).isTrue();
            });
            assertThat(objects.get(0).key()).isEqualTo("bronze/" + leftoverKey);
            assertThat(client.getObjectAsBytes(b -> b.bucket("kline-bronze").key("bronze/" + leftoverKey)).asUtf8String())
                    .isEqualTo("{\"left\":1}\n");

            List<String> payloads = new ArrayList<>();
            for (S3Object object : objects.subList(1, objects.size())) {
                String content = client.getObjectAsBytes(b -> b.bucket("kline-bronze").key(object.key())).asUtf8String();
                assertThat(content).endsWith("\n");
                for (String line : content.split("\n")) {
                    payloads.add(BronzeFiles.rawPayload(line));
                }
            }
            assertThat(payloads).containsExactlyElementsOf(server.sent());
        }
    }
}
