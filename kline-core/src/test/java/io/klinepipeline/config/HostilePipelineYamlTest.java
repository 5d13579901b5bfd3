package io.klinepipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.chaos.ChaosRow;
import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.jsonl.BronzeLayout;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A table of hostile pipeline.yaml files: each is refused at load with a ConfigException whose
 * message names the key to fix. Symbols and paths are where config text could reach the file
 * system, S3 keys or SQL, so they get the most rows.
 */
@Tag("chaos")
class HostilePipelineYamlTest {
    private static final ExchangeRegistry REGISTRY = ExchangeRegistry.standard();

    private static final String VALID = """
            exchanges:
              binance:
                ws_url: wss://stream.binance.com:9443
                rest_url: https://api.binance.com
                pairs: [BTCUSDT]
              kraken:
                ws_url: wss://ws.kraken.com
                rest_url: https://api.kraken.com
                pairs: [BTC/USD]
              okx:
                ws_url: wss://ws.okx.com:8443
                rest_url: https://www.okx.com
                pairs: [BTC-USDT]
            storage:
              local_dir: data/bronze
              dead_letter_dir: data/dead-letter
              s3: {enabled: true, bucket: kline-bronze, prefix: raw, endpoint: "http://127.0.0.1:9000", region: us-east-1}
            partitions: {start: "2026-11-01T00:00:00Z"}
            engine: {idle_timeout_seconds: 90, reconnect_initial_delay_ms: 1000}
            checks: {max_dead_letter_share: 0.01}
            """;

    /** One hostile file: the valid one with {@code find} replaced, and the key its refusal must name. */
    record Hostile(String find, String replace, String key) {}

    static List<Hostile> hostileFiles() {
        List<Hostile> rows = new ArrayList<>();
        // Unknown keys, at every level.
        rows.add(new Hostile("partitions:", "exchangez: {}\npartitions:", "exchangez: unknown key"));
        rows.add(new Hostile("    pairs: [BTCUSDT]", "    pairs: [BTCUSDT]\n    pair: [ETHUSDT]", "exchanges.binance.pair: unknown key"));
        rows.add(new Hostile("region: us-east-1}", "region: us-east-1, secret_key: x}", "storage.s3.secret_key: unknown key"));
        rows.add(new Hostile("idle_timeout_seconds: 90", "idle_timeout_second: 90", "engine.idle_timeout_second: unknown key"));
        rows.add(new Hostile("checks: {max_dead_letter_share: 0.01}", "checks: {max_dead_letters: 0.01}", "checks.max_dead_letters: unknown key"));
        rows.add(new Hostile("  binance:", "  binanse:", "exchanges.binanse: unknown exchange"));
        // A key given twice: neither value may silently win.
        rows.add(new Hostile("    pairs: [BTCUSDT]", "    pairs: [BTCUSDT]\n    pairs: [ETHUSDT]", "Duplicate field 'pairs'"));
        // Wrong types.
        rows.add(new Hostile("  binance:\n", "  binance: [x]\n  binance_:\n", "exchanges.binance: must be a mapping"));
        rows.add(new Hostile("pairs: [BTCUSDT]", "pairs: BTCUSDT", "exchanges.binance.pairs: must be a list"));
        rows.add(new Hostile("pairs: [BTCUSDT]", "pairs: [{BTCUSDT: x}]", "exchanges.binance.pairs[0]: must be a string"));
        rows.add(new Hostile("pairs: [BTCUSDT]", "pairs: [42]", "exchanges.binance.pairs[0]: must be a string"));
        rows.add(new Hostile("ws_url: wss://stream.binance.com:9443", "ws_url: [wss://a]", "exchanges.binance.ws_url: must be a string"));
        rows.add(new Hostile("enabled: true", "enabled: \"sometimes\"", "storage.s3.enabled: must be true or false"));
        rows.add(new Hostile("idle_timeout_seconds: 90", "idle_timeout_seconds: \"90\"", "engine.idle_timeout_seconds: must be a positive whole number"));
        rows.add(new Hostile("idle_timeout_seconds: 90", "idle_timeout_seconds: 1.5", "engine.idle_timeout_seconds: must be a positive whole number"));
        rows.add(new Hostile("max_dead_letter_share: 0.01", "max_dead_letter_share: .nan", "not valid YAML: Malformed numeric value '.nan' (line"));
        rows.add(new Hostile("local_dir: data/bronze", "local_dir: [data]", "storage.local_dir: must be a string"));
        rows.add(new Hostile("partitions: {start: \"2026-11-01T00:00:00Z\"}", "partitions: {start: yesterday}", "partitions.start: must be an ISO-8601"));
        rows.add(new Hostile("partitions: {start: \"2026-11-01T00:00:00Z\"}", "partitions: \"2026\"", "partitions: must be a mapping"));
        // Negative, zero and absurd durations and sizes.
        rows.add(new Hostile("idle_timeout_seconds: 90", "idle_timeout_seconds: 0", "engine.idle_timeout_seconds: must be a positive whole number"));
        rows.add(new Hostile("idle_timeout_seconds: 90", "idle_timeout_seconds: -90", "engine.idle_timeout_seconds: must be a positive whole number"));
        rows.add(new Hostile("reconnect_initial_delay_ms: 1000", "reconnect_initial_delay_ms: -1", "engine.reconnect_initial_delay_ms: must be a positive whole number"));
        rows.add(new Hostile("reconnect_initial_delay_ms: 1000", "reconnect_initial_delay_ms: 9223372036854775807", "engine.reconnect_initial_delay_ms: must be at most"));
        rows.add(new Hostile("idle_timeout_seconds: 90", "idle_timeout_seconds: 99999999999999999999", "engine.idle_timeout_seconds: must be a positive whole number"));
        rows.add(new Hostile("engine: {", "engine: {roll_max_bytes: 0, ", "engine.roll_max_bytes: must be a positive whole number"));
        rows.add(new Hostile("engine: {", "engine: {max_connection_age_seconds: 10000000000, ", "engine.max_connection_age_seconds: must be at most"));
        rows.add(new Hostile("checks: {max_dead_letter_share: 0.01}", "checks: {max_silver_lag_seconds: 3153600001}",
                "checks.max_silver_lag_seconds: must be at most 3153600000 (100 years)"));
        rows.add(new Hostile("checks: {max_dead_letter_share: 0.01}", "checks: {max_silver_lag_seconds: -600}", "checks.max_silver_lag_seconds: must be a positive whole number"));
        rows.add(new Hostile("max_dead_letter_share: 0.01", "max_dead_letter_share: -0.01", "checks.max_dead_letter_share: must be a number from 0 to 1"));
        // Hostile symbols: anything that could climb out of a folder, split a key, or quote its way into SQL.
        for (String symbol : List.of("../BTCUSDT", "BTC/USDT", "BTC USDT", "BTCUSDT'", "BTC\\\"USDT", "BTC;DROP", "BTC\\tUSDT",
                "BTC\\nUSDT", "BTC\\u0000USDT", "btcusdt", "ВТСUSDT", "BTCUSDT\\u202e", "..", "", "A".repeat(33), "BTC%2FUSDT")) {
            rows.add(new Hostile("pairs: [BTCUSDT]", "pairs: [\"" + symbol + "\"]", "exchanges.binance.pairs[0]: invalid symbol"));
        }
        for (String symbol : List.of("../USD", "BTC/..", "BTC/USD/EUR", "BTC//USD", "BTC/ USD", "BTC/US'D", "BTC-USD", "/BTC/USD")) {
            rows.add(new Hostile("pairs: [BTC/USD]", "pairs: [\"" + symbol + "\"]", "exchanges.kraken.pairs[0]: invalid symbol"));
        }
        for (String symbol : List.of("BTC-USDT-SWAP", "BTC-..", "BTC-USDT/..", "BTC_USDT", "BTC-US DT")) {
            rows.add(new Hostile("pairs: [BTC-USDT]", "pairs: [\"" + symbol + "\"]", "exchanges.okx.pairs[0]: invalid symbol"));
        }
        rows.add(new Hostile("pairs: [BTCUSDT]", "pairs: [BTCUSDT, BTCUSDT]", "exchanges.binance.pairs[1]: lists BTCUSDT twice"));
        rows.add(new Hostile("    pairs: [BTCUSDT]", "    pairs: [BTCUSDT]\n    canonical: {BTCUSDT: \"BTC-US'DT\"}", "exchanges.binance.canonical.BTCUSDT"));
        rows.add(new Hostile("    pairs: [BTCUSDT]", "    pairs: [BTCUSDT]\n    canonical: {BTCUSDT: \"../BTC-USDT\"}", "exchanges.binance.canonical.BTCUSDT"));
        rows.add(new Hostile("    pairs: [BTCUSDT]", "    pairs: [BTCUSDT]\n    canonical: {\"../x\": BTC-USDT}", "exchanges.binance.canonical.../x: names a symbol that is not in pairs"));
        // URLs with the wrong scheme, or carrying what must not be in them.
        rows.add(new Hostile("ws_url: wss://stream.binance.com:9443", "ws_url: https://stream.binance.com", "exchanges.binance.ws_url: must be an absolute ws or wss URL"));
        rows.add(new Hostile("ws_url: wss://stream.binance.com:9443", "ws_url: \"file:///etc/passwd\"", "exchanges.binance.ws_url: must be an absolute ws or wss URL"));
        rows.add(new Hostile("ws_url: wss://stream.binance.com:9443", "ws_url: stream.binance.com", "exchanges.binance.ws_url: must be an absolute ws or wss URL"));
        rows.add(new Hostile("ws_url: wss://stream.binance.com:9443", "ws_url: \"wss://stream binance.com\"", "exchanges.binance.ws_url: is not a valid URL"));
        rows.add(new Hostile("ws_url: wss://stream.binance.com:9443", "ws_url: \"wss://user:hunter2@stream.binance.com\"", "exchanges.binance.ws_url: must not carry a user or password"));
        rows.add(new Hostile("ws_url: wss://stream.binance.com:9443", "ws_url: \"wss://stream.binance.com:99999\"", "exchanges.binance.ws_url"));
        rows.add(new Hostile("ws_url: wss://stream.binance.com:9443", "ws_url: \"wss://stream.binance.com/?x=1\"", "exchanges.binance.ws_url: must not have a query"));
        rows.add(new Hostile("rest_url: https://api.binance.com", "rest_url: wss://api.binance.com", "exchanges.binance.rest_url: must be an absolute http or https URL"));
        rows.add(new Hostile("rest_url: https://api.binance.com", "rest_url: \"javascript:alert(1)\"", "exchanges.binance.rest_url: must be an absolute http or https URL"));
        rows.add(new Hostile("rest_url: https://api.binance.com", "rest_url: \"https://api.binance.com#frag\"", "exchanges.binance.rest_url: must not have a query"));
        rows.add(new Hostile("endpoint: \"http://127.0.0.1:9000\"", "endpoint: \"s3://bucket\"", "storage.s3.endpoint: must be an absolute http or https URL"));
        rows.add(new Hostile("endpoint: \"http://127.0.0.1:9000\"", "endpoint: \"http://AKIA:secret@127.0.0.1:9000\"", "storage.s3.endpoint: must not carry a user or password"));
        // Paths and S3 names.
        rows.add(new Hostile("local_dir: data/bronze", "local_dir: \"\"", "storage.local_dir: must not be empty"));
        rows.add(new Hostile("local_dir: data/bronze", "local_dir: \"data\\u0000bronze\"", "storage.local_dir: must not contain control characters"));
        rows.add(new Hostile("dead_letter_dir: data/dead-letter", "dead_letter_dir: \"dl\\nx\"", "storage.dead_letter_dir: must not contain control characters"));
        rows.add(new Hostile("prefix: raw", "prefix: \"/raw\"", "storage.s3.prefix: must not start with '/'"));
        rows.add(new Hostile("prefix: raw", "prefix: \"raw/../other\"", "storage.s3.prefix: must be folders"));
        rows.add(new Hostile("prefix: raw", "prefix: \"..\"", "storage.s3.prefix: must be folders"));
        rows.add(new Hostile("prefix: raw", "prefix: \"raw//x\"", "storage.s3.prefix: must be folders"));
        rows.add(new Hostile("prefix: raw", "prefix: \"raw x\"", "storage.s3.prefix: must be folders"));
        rows.add(new Hostile("prefix: raw", "prefix: \"raw\\u0001\"", "storage.s3.prefix: must be folders"));
        rows.add(new Hostile("bucket: kline-bronze", "bucket: \"Kline_Bronze\"", "storage.s3.bucket: must be an S3 bucket name"));
        rows.add(new Hostile("bucket: kline-bronze", "bucket: \"../kline\"", "storage.s3.bucket: must be an S3 bucket name"));
        rows.add(new Hostile("region: us-east-1", "region: \"us-east-1/../x\"", "storage.s3.region: must be a region name"));
        return rows;
    }

    @Test
    void everyHostileFileIsRefusedAtLoadNamingTheKey() {
        PipelineConfig.parse(VALID, Path.of("/srv/kline"), REGISTRY); // the base of every row is valid
        List<Hostile> rows = hostileFiles();
        for (Hostile row : rows) {
            assertThat(VALID).as("row %s must change the valid file", row).contains(row.find());
            String yaml = VALID.replace(row.find(), row.replace());
            assertThatThrownBy(() -> PipelineConfig.parse(yaml, Path.of("/srv/kline"), REGISTRY))
                    .as("%s", row)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(row.key());
        }
        ChaosRow.of("config", "hostile pipeline.yaml").trials(rows.size()).unrecoveredErrors(0)
                .notes("each refused at start-up with a message naming the key").record();
    }

    @Test
    void aHostileSymbolNeverReachesAPathOrAnS3Key() {
        Exchange kraken = REGISTRY.get("kraken");
        Instant hour = Instant.parse("2026-11-24T10:00:00Z");
        assertThat(BronzeLayout.hourPrefix(kraken, "BTC/USD", hour))
                .isEqualTo("exchange=kraken/symbol=BTC%2FUSD/date=2026-11-24/hour=10/");
        for (String symbol : List.of("../../etc", "BTC/../USD", "BTC/USD/..", "..", "BTC\u0000/USD", "BTC/US D")) {
            assertThatThrownBy(() -> BronzeLayout.hourPrefix(kraken, symbol, hour)).as(symbol)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid symbol");
            assertThatThrownBy(() -> BronzeLayout.hourDir(Path.of("/srv/kline/data"), kraken, symbol, hour)).as(symbol)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
