package io.klinepipeline.workers.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.engine.Engine;
import io.klinepipeline.engine.EngineOptions;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.simulator.server.ExchangeSimulator;
import io.klinepipeline.simulator.server.SimulatorOptions;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import io.klinepipeline.workers.window.TimeWindow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The README's recipe for sharding the engine: each shard a pipeline.yaml of its own with some of
 * the streams, its own storage.local_dir and engine.status_address, the same S3 bucket and prefix;
 * the workers read S3 with a configuration that lists every stream. Two engines in this JVM against
 * the exchange simulator, then ext-to-bronze from the shared bucket.
 */
class EngineShardsTest {
    private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
    private static final TimeWindow WINDOW = new TimeWindow(START, START.plus(Duration.ofMinutes(4)));
    private static final String BUCKET = "kline-shards";

    @TempDir
    Path dir;

    @Test
    void twoShardsShareOneBucketAndExtToBronzeLoadsEveryStreamFromIt() throws Exception {
        ExchangeRegistry registry = ExchangeRegistry.standard();
        // S3Proxy first: it takes seconds to start, which the simulated clock must not spend.
        try (S3ProxyServer s3 = S3ProxyServer.withBucket(BUCKET)) {
            SimulatedClock clock = SimulatedClock.startingAt(START.minusSeconds(20), 60);
            try (ExchangeSimulator simulator = ExchangeSimulator.start(SimulatorOptions.forTests(clock))) {
                shardsCapture(registry, s3, clock, simulator);
            }
        }
    }

    private void shardsCapture(ExchangeRegistry registry, S3ProxyServer s3, SimulatedClock clock, ExchangeSimulator simulator)
            throws Exception {
        {
            PipelineConfig shardA = config(simulator, s3, Map.of("binance", List.of("BTCUSDT")), "shard-a");
            PipelineConfig shardB = config(simulator, s3, Map.of("okx", List.of("BTC-USDT")), "shard-b");
            PipelineConfig shardAAgain = config(simulator, s3, Map.of("okx", List.of("ETH-USDT")), "shard-a");
            Engine a = engine(shardA, registry, clock, s3);
            Engine b = engine(shardB, registry, clock, s3);
            try {
                a.start();
                b.start();
                // A third shard given a local_dir already in use is refused, saying which.
                assertThatThrownBy(() -> engine(shardAAgain, registry, clock, s3).start())
                        .hasMessageContaining("another engine is already writing to " + shardA.storage().localDir());
                Thread.sleep(Math.max(0, clock.realDelayUntil(WINDOW.end().plusSeconds(70)).toMillis()));
            } finally {
                a.close();
                b.close();
            }

            // Each shard wrote its own streams under its own writer id; nothing of one is in the other's names.
            Map<String, Set<String>> writersByStream = new TreeMap<>();
            S3Client client = s3.bucketClient();
            for (S3Object object : client.listObjectsV2Paginator(r -> r.bucket(BUCKET)).contents()) {
                String key = object.key();
                String stream = key.substring(0, key.indexOf("/date="));
                String name = key.substring(key.lastIndexOf('/') + 1);
                writersByStream.computeIfAbsent(stream, s -> new TreeSet<>()).add(name.split("-")[1]);
            }
            assertThat(writersByStream).containsOnlyKeys("bronze/exchange=binance/symbol=BTCUSDT",
                    "bronze/exchange=okx/symbol=BTC-USDT");
            assertThat(writersByStream.values()).allSatisfy(writers -> assertThat(writers).hasSize(1));
            assertThat(writersByStream.get("bronze/exchange=binance/symbol=BTCUSDT"))
                    .doesNotContainAnyElementsOf(writersByStream.get("bronze/exchange=okx/symbol=BTC-USDT"));

            // The workers' configuration lists both shards' streams and reads the bucket.
            PipelineConfig all = config(simulator, s3, Map.of("binance", List.of("BTCUSDT"), "okx", List.of("BTC-USDT")),
                    "workers");
            Database database = TestDatabases.migrated();
            for (String[] stream : List.of(new String[] {"binance", "BTCUSDT"}, new String[] {"okx", "BTC-USDT"})) {
                try (S3Client reader = s3.client()) {
                    ExtToBronzeReport report = new ExtToBronzeJob(all, registry, database,
                            new S3JsonlSource(reader, BUCKET, "bronze/"), clock).run(stream[0], stream[1], WINDOW);
                    assertThat(report.finalMinutes()).as(String.join("/", stream) + " final minutes").isEqualTo(4);
                    assertThat(report.deadLettered()).isZero();
                }
            }
        }
    }

    private static Engine engine(PipelineConfig config, ExchangeRegistry registry, SimulatedClock clock, S3ProxyServer s3) {
        return new Engine(config, registry, clock,
                () -> StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())),
                new EngineOptions(Duration.ofSeconds(60), Duration.ofSeconds(20)).withConnectionLimitSpeedup(60));
    }

    private PipelineConfig config(ExchangeSimulator simulator, S3ProxyServer s3, Map<String, List<String>> pairs, String shard) {
        var endpoint = s3.config(BUCKET, "bronze/").endpoint();
        return PipelineConfig.parse(simulator.exchangesYaml(new LinkedHashMap<>(pairs)) + """
                storage:
                  local_dir: %s/bronze
                  dead_letter_dir: %s/dead-letter
                  s3: {enabled: true, bucket: %s, prefix: "bronze/", endpoint: "%s", region: us-east-1, path_style: true}
                partitions: {start: "2026-11-01T00:00:00Z"}
                engine: {reconnect_initial_delay_ms: 20, reconnect_max_delay_ms: 200, connect_spacing_ms: 1,
                         upload_retry_delay_ms: 50, status_address: "127.0.0.1:0"}
                """.formatted(shard, shard, BUCKET, endpoint), dir, ExchangeRegistry.standard());
    }
}
