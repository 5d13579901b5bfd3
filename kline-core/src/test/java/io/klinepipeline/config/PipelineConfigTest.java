package io.klinepipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.exchange.ExchangeRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigTest {
    private static final ExchangeRegistry REGISTRY = ExchangeRegistry.standard();
    private static final Path BASE = Path.of("/srv/kline");

    private static final String MINIMAL = """
            exchanges:
              binance:
                ws_url: wss://stream.binance.com:9443
                rest_url: https://api.binance.com
                pairs: [BTCUSDT]
                canonical: {BTCUSDT: BTC-USDT}
            partitions: {start: "2026-11-01T00:00:00Z"}
            """;

    private static PipelineConfig parse(String yaml) {
        return PipelineConfig.parse(yaml, BASE, REGISTRY);
    }

    @Test
    void appliesDefaultsForEverythingOptional() {
        PipelineConfig config = parse(MINIMAL);

        assertThat(config.storage().localDir()).isEqualTo(BASE.resolve("data/bronze"));
        assertThat(config.storage().deadLetterDir()).isEqualTo(BASE.resolve("data/dead-letter"));
        assertThat(config.storage().s3()).isEqualTo(new S3Config(false, "kline-pipeline-bronze", "", null, "us-east-1", false));
        assertThat(config.engine()).isEqualTo(new EngineConfig(Duration.ofHours(23), Duration.ofSeconds(1), Duration.ofMinutes(1),
                Duration.ofSeconds(90), Duration.ofMillis(250), 64L * 1024 * 1024, Duration.ofSeconds(60), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Optional.of(new StatusAddress("127.0.0.1", 9464))));
        assertThat(config.checks()).isEqualTo(new ChecksConfig(0.01, 0.02, Duration.ofMinutes(10), Duration.ofMinutes(3)));
    }

    @Test
    void mapsEveryKeyToItsField() {
        PipelineConfig config = parse("""
                exchanges:
                  binance:
                    ws_url: ws://127.0.0.1:9001/
                    rest_url: http://127.0.0.1:9002
                    pairs: [BTCUSDT, ETHUSDT]
                    canonical: {BTCUSDT: BTC-USDT, ETHUSDT: ETH-USDT}
                storage:
                  local_dir: /var/kline/bronze
                  dead_letter_dir: dl
                  s3: {bucket: bkt, prefix: raw, endpoint: "http://127.0.0.1:9000", region: eu-west-1, enabled: true, path_style: false}
                partitions: {start: "2026-11-24T10:00:00Z"}
                engine:
                  max_connection_age_seconds: 3600
                  reconnect_initial_delay_ms: 10
                  reconnect_max_delay_ms: 20
                  idle_timeout_seconds: 30
                  connect_spacing_ms: 5
                  roll_max_bytes: 1000
                  roll_max_age_seconds: 60
                  upload_retry_delay_ms: 7
                  flush_interval_ms: 250
                  status_address: "[::1]:0"
                checks: {max_dead_letter_share: 0.05, max_close_divergence: 0.1, max_silver_lag_seconds: 120,
                         max_stream_silence_seconds: 45}
                """);

        ExchangeConfig binance = config.exchange("binance");
        assertThat(binance.wsUrl()).isEqualTo(URI.create("ws://127.0.0.1:9001"));
        assertThat(binance.restUrl()).isEqualTo(URI.create("http://127.0.0.1:9002"));
        assertThat(binance.pairs()).containsExactly(
                new PairConfig("BTCUSDT", new CanonicalPair("BTC", "USDT")),
                new PairConfig("ETHUSDT", new CanonicalPair("ETH", "USDT")));
        assertThat(config.storage().localDir()).isEqualTo(Path.of("/var/kline/bronze"));
        assertThat(config.storage().deadLetterDir()).isEqualTo(BASE.resolve("dl"));
        assertThat(config.storage().s3()).isEqualTo(
                new S3Config(true, "bkt", "raw/", URI.create("http://127.0.0.1:9000"), "eu-west-1", false));
        assertThat(config.partitions().start()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
        assertThat(config.engine()).isEqualTo(new EngineConfig(Duration.ofHours(1), Duration.ofMillis(10), Duration.ofMillis(20),
                Duration.ofSeconds(30), Duration.ofMillis(5), 1000, Duration.ofMinutes(1), Duration.ofMillis(7),
                Duration.ofMillis(250), Optional.of(new StatusAddress("::1", 0))));
        assertThat(config.checks()).isEqualTo(new ChecksConfig(0.05, 0.1, Duration.ofMinutes(2), Duration.ofSeconds(45)));
        assertThat(config.listings(CanonicalPair.parse("ETH-USDT")))
                .containsExactly(new PipelineConfig.Listing("binance", binance.pairs().get(1)));
    }

    @Test
    void theShippedPipelineYamlIsValid() {
        Path shipped = Path.of(System.getProperty("user.dir")).getParent().resolve("pipeline.yaml");
        PipelineConfig config = PipelineConfig.load(shipped, REGISTRY);
        assertThat(config.exchange("binance").pairs()).extracting(PairConfig::symbol).containsExactly("BTCUSDT", "ETHUSDT");
        assertThat(config.storage().s3().enabled()).isFalse();
    }

    @Test
    void statusAddressIsOffOrAHostAndAPortFrom0To65535() {
        assertThat(parse(MINIMAL + "engine: {status_address: \"off\"}\n").engine().statusAddress()).isEmpty();
        assertThat(parse(MINIMAL + "engine: {status_address: \"0.0.0.0:9100\"}\n").engine().statusAddress())
                .contains(new StatusAddress("0.0.0.0", 9100));
        for (String bad : List.of("9464", "127.0.0.1:", ":9464", "127.0.0.1:65536", "127.0.0.1:-1", "localhost:http", "::1:9464")) {
            assertThatThrownBy(() -> parse(MINIMAL + "engine: {status_address: \"" + bad + "\"}\n")).as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("pipeline.yaml: engine.status_address: ");
        }
    }

    @Test
    void rejectsUnknownKeysNamingThem() {
        assertThatThrownBy(() -> parse(MINIMAL.replace("pairs:", "ws_urll: x\n    pairs:")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("exchanges.binance.ws_urll: unknown key");
        assertThatThrownBy(() -> parse(MINIMAL + "storage: {s3: {bukket: x}}\n"))
                .hasMessageContaining("storage.s3.bukket: unknown key");
        assertThatThrownBy(() -> parse(MINIMAL + "checks: {max_dead_letter: 0.1}\n"))
                .hasMessageContaining("checks.max_dead_letter: unknown key (known keys here: max_close_divergence, max_dead_letter_share, max_silver_lag_seconds, max_stream_silence_seconds)");
    }

    @Test
    void namesTheKeyOfEachInvalidValue() {
        assertThatThrownBy(() -> parse(MINIMAL.replace("wss://stream.binance.com:9443", "http://x")))
                .hasMessageContaining("exchanges.binance.ws_url: must be an absolute ws or wss URL");
        assertThatThrownBy(() -> parse(MINIMAL.replace("[BTCUSDT]", "[BTCUSDT, \"../etc\"]")))
                .hasMessageContaining("exchanges.binance.pairs[1]: invalid symbol '../etc'");
        assertThat(parse(MINIMAL.replace("canonical: {BTCUSDT: BTC-USDT}", "")).pair("binance", "BTCUSDT").canonical())
                .as("from Binance's cached symbol list").isEqualTo(CanonicalPair.parse("BTC-USDT"));
        assertThatThrownBy(() -> parse(MINIMAL.replace("canonical: {BTCUSDT: BTC-USDT}", "").replace("[BTCUSDT]", "[ZZZQQQ]")))
                .hasMessageContaining("exchanges.binance.canonical.ZZZQQQ: is required: ZZZQQQ is not in the cached symbol list");
        assertThatThrownBy(() -> parse(MINIMAL.replace("BTC-USDT", "BTCUSDT")))
                .hasMessageContaining("exchanges.binance.canonical.BTCUSDT: 'BTCUSDT' is not of the form BASE-QUOTE");
        assertThatThrownBy(() -> parse(MINIMAL.replace("2026-11-01T00:00:00Z", "2026-11-01T00:30:00Z")))
                .hasMessageContaining("partitions.start: must fall on a whole UTC hour");
        assertThatThrownBy(() -> parse(MINIMAL.replace("binance:", "kraken2:")))
                .hasMessageContaining("exchanges.kraken2: unknown exchange 'kraken2' (supported: binance, coinbase, kraken, bybit, okx)");
        assertThatThrownBy(() -> parse(MINIMAL + "engine: {roll_max_bytes: -1}\n"))
                .hasMessageContaining("engine.roll_max_bytes: must be a positive whole number");
        assertThatThrownBy(() -> parse(MINIMAL + "engine: {flush_interval_ms: 0}\n"))
                .hasMessageContaining("engine.flush_interval_ms: must be a positive whole number");
        assertThatThrownBy(() -> parse(MINIMAL + "checks: {max_dead_letter_share: 1.5}\n"))
                .hasMessageContaining("checks.max_dead_letter_share: must be a number from 0 to 1 (0.01 is 1 %), not '1.5'");
        assertThatThrownBy(() -> parse(MINIMAL + "checks: {max_close_divergence: \"2%\"}\n"))
                .hasMessageContaining("checks.max_close_divergence: must be a number from 0 to 1");
        assertThatThrownBy(() -> parse(MINIMAL + "checks: {max_silver_lag_seconds: 0}\n"))
                .hasMessageContaining("checks.max_silver_lag_seconds: must be a positive whole number");
        assertThatThrownBy(() -> parse(MINIMAL.replace("partitions: {start: \"2026-11-01T00:00:00Z\"}", "")))
                .hasMessageContaining("partitions.start: is required");
    }

    @Test
    void reportsAMissingFileClearly(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> PipelineConfig.load(dir.resolve("nope.yaml"), REGISTRY))
                .hasMessageContaining("nope.yaml does not exist");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "exchanges: [\n");
        assertThatThrownBy(() -> PipelineConfig.load(bad, REGISTRY)).hasMessageContaining("not valid YAML");
    }

    @Test
    void resolvesRelativePathsAgainstTheConfigFolder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, MINIMAL);
        assertThat(PipelineConfig.load(file, REGISTRY).storage().localDir()).isEqualTo(dir.toAbsolutePath().resolve("data/bronze"));
    }

    @Test
    void unknownPairOrExchangeIsAClearError() {
        PipelineConfig config = parse(MINIMAL);
        assertThatThrownBy(() -> config.pair("binance", "DOGEUSDT")).hasMessageContaining("'DOGEUSDT' is not configured for binance");
        assertThatThrownBy(() -> config.exchange("okx")).hasMessageContaining("'okx' is not configured");
        assertThat(config.listings(CanonicalPair.parse("ETH-USDT"))).isEqualTo(List.of());
    }
}
