package io.klinepipeline.workers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.jsonl.BronzeLayout;
import io.klinepipeline.jsonl.RawEventCodec;
import io.klinepipeline.exchange.binance.BinanceExchange;
import io.klinepipeline.pipes.Pipes;
import io.klinepipeline.pipes.PipesParamCodec;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.DatabaseUrl;
import io.klinepipeline.workers.db.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a shell user and Dagster Pipes see it: options, extras, exit codes, messages. */
class KlineWorkerCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant HOUR = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path dir;

    private Database database;
    private Path config;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        database = TestDatabases.migrated();
        config = dir.resolve("pipeline.yaml");
        Files.writeString(config, """
                exchanges:
                  binance:
                    ws_url: ws://127.0.0.1:1
                    rest_url: http://127.0.0.1:1
                    pairs: [BTCUSDT]
                    canonical: {BTCUSDT: BTC-USDT}
                storage: {local_dir: bronze, dead_letter_dir: dead}
                partitions: {start: "2026-11-24T00:00:00Z"}
                """);
        writeTwoClosedMinutes();
    }

    private void writeTwoClosedMinutes() throws Exception {
        writeTwoClosedMinutes("BTCUSDT");
    }

    private void writeTwoClosedMinutes(String symbol) throws Exception {
        RawEventCodec codec = new RawEventCodec();
        Path hourDir = BronzeLayout.hourDir(dir.resolve("bronze"), new BinanceExchange(), symbol, HOUR);
        Files.createDirectories(hourDir);
        List<String> lines = new ArrayList<>();
        for (int minute = 0; minute < 2; minute++) {
            long open = HOUR.plusSeconds(60L * minute).toEpochMilli();
            String frame = "{\"e\":\"kline\",\"E\":" + (open + 60000) + ",\"s\":\"" + symbol + "\",\"k\":{\"t\":" + open + ",\"T\":"
                    + (open + 59999) + ",\"s\":\"" + symbol + "\",\"i\":\"1m\",\"f\":1,\"L\":2,\"o\":\"10\",\"c\":\"11\",\"h\":\"12\","
                    + "\"l\":\"9\",\"v\":\"2\",\"n\":2,\"x\":true,\"q\":\"21\",\"V\":\"1\",\"Q\":\"10\",\"B\":\"0\"}}";
            lines.add(codec.encode("binance", symbol, "kline_1m", Instant.ofEpochMilli(open + 60_100), "cli.1", minute + 1, frame));
        }
        Files.write(hourDir.resolve(BronzeLayout.newFileName(HOUR, "test")), lines);
    }

    private Map<String, String> env() {
        String jdbc = database.url().jdbcUrl();
        String withCredentials = jdbc + (jdbc.contains("?") ? "&" : "?") + "user=" + database.url().user()
                + "&password=" + database.url().password();
        Map<String, String> env = new HashMap<>();
        env.put(DatabaseUrl.ENV, withCredentials);
        return env;
    }

    private int run(Map<String, String> env, String... args) {
        CommandLine cli = KlineWorker.commandLine(env);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Map<String, String> pipesEnv(Path messages, Map<String, Object> extras) {
        return pipesEnv(messages, extras, List.of("bronze/binance_btcusdt_ws"));
    }

    private Map<String, String> pipesEnv(Path messages, Map<String, Object> extras, List<String> assetKeys) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("asset_keys", assetKeys);
        context.put("partition_key", "2026-11-24-10:00");
        context.put("partition_time_window", Map.of("start", "2026-11-24T10:00:00+00:00", "end", "2026-11-24T11:00:00+00:00"));
        context.put("run_id", "r1");
        context.put("job_name", "j");
        context.put("retry_number", 0);
        context.put("extras", extras);
        Map<String, String> env = env();
        env.put(Pipes.CONTEXT_ENV_VAR, PipesParamCodec.encode(Map.of("data", context)));
        env.put(Pipes.MESSAGES_ENV_VAR, PipesParamCodec.encode(Map.of("path", messages.toString())));
        return env;
    }

    private static List<JsonNode> messages(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private long bronzeRows() throws Exception {
        try (Connection c = database.connect();
                ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM bronze.bronze_ohclv_native")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void helpListsTheFiveSubcommands() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out.toString()).contains("ext-to-bronze", "bronze-rest", "silver", "migrate", "describe");
    }

    @Test
    void describePrintsTheValidatedConfigurationAsJsonWithoutADatabase() throws Exception {
        Files.writeString(config, Files.readString(config).replace("    canonical: {BTCUSDT: BTC-USDT}\n", "")
                .replace("pairs: [BTCUSDT]", "pairs: [BTCUSDT, ETHBTC]"));
        int code = run(Map.of("KLINE_DATABASE_URL", "postgresql://nobody:x@127.0.0.1:1/none"), "--config", config.toString(), "describe");

        assertThat(code).as(err.toString()).isZero();
        JsonNode described = JSON.readTree(out.toString());
        JsonNode binance = described.get("exchanges").get(0);
        assertThat(binance.get("name").asText()).isEqualTo("binance");
        assertThat(binance.get("source_precedence").asText()).isEqualTo("websocket_first");
        assertThat(binance.get("pairs").get(1).get("canonical").asText()).as("from Binance's cached symbol list").isEqualTo("ETH-BTC");
        assertThat(described.get("canonical_pairs").get(0).get("pair").asText()).isEqualTo("BTC-USDT");
        assertThat(described.get("canonical_pairs").get(0).get("listings").get(0).get("symbol").asText()).isEqualTo("BTCUSDT");
        assertThat(described.get("partitions_start").asText()).isEqualTo("2026-11-24T00:00:00Z");
        assertThat(described.get("engine").get("roll_max_age_seconds").asLong()).isEqualTo(60);
        assertThat(described.get("checks").get("max_dead_letter_share").asDouble()).as("the default").isEqualTo(0.01);
        assertThat(described.get("checks").get("max_close_divergence").asDouble()).isEqualTo(0.02);
        assertThat(described.get("checks").get("max_silver_lag_seconds").asLong()).isEqualTo(600);
        assertThat(described.get("checks").get("max_stream_silence_seconds").asLong()).isEqualTo(180);
        assertThat(described.get("engine").get("status_url").asText()).isEqualTo("http://127.0.0.1:9464");
        assertThat(described.get("worker_version").asText()).as("run from classes, not the jar").isEqualTo("development");
    }

    @Test
    void describeGivesTheEngineStatusUrlAsReachedFromThisMachineAndNoneWhenOffOrEphemeral() throws Exception {
        String base = Files.readString(config);
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("0.0.0.0:9100", "http://127.0.0.1:9100");
        expected.put("[::]:9100", "http://[::1]:9100");
        expected.put("[::1]:9100", "http://[::1]:9100");
        expected.put("off", null);
        expected.put("127.0.0.1:0", null);
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Files.writeString(config, base + "engine: {status_address: \"" + e.getKey() + "\"}\n");
            out.getBuffer().setLength(0);
            assertThat(run(Map.of(), "--config", config.toString(), "describe")).as(err.toString()).isZero();
            JsonNode url = JSON.readTree(out.toString()).get("engine").get("status_url");
            assertThat(url.isNull() ? null : url.asText()).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void describeOfAnInvalidFileExitsWithTheUsageCodeNamingTheKey() throws Exception {
        Files.writeString(config, Files.readString(config).replace("pairs: [BTCUSDT]", "pairs: [\"BTC USDT\"]"));
        assertThat(run(Map.of(), "--config", config.toString(), "describe")).isEqualTo(2);
        assertThat(err.toString()).contains("exchanges.binance.canonical.BTCUSDT: names a symbol that is not in pairs");
    }

    @Test
    void shellRunTakesWindowAndStreamFromOptions() throws Exception {
        int code = run(env(), "--config", config.toString(), "ext-to-bronze", "--exchange", "binance", "--symbol", "BTCUSDT",
                "--start", "2026-11-24T10:00:00Z", "--end", "2026-11-24T11:00:00Z");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("rows_loaded: 2");
        assertThat(bronzeRows()).isEqualTo(2);
    }

    @Test
    void shellRunWithoutWindowIsAUsageErrorOnOneLine() {
        int code = run(env(), "--config", config.toString(), "silver", "--symbol", "BTC-USDT");

        assertThat(code).isEqualTo(FailureExitCodes.USAGE);
        assertThat(err.toString().strip()).startsWith("silver: a window is required").doesNotContain("\n");
    }

    @Test
    void badConfigurationExitsWithUsageCodeNamingTheKey() throws Exception {
        Files.writeString(config, Files.readString(config).replace("ws_url", "ws_urll"));
        int code = run(env(), "--config", config.toString(), "silver", "--symbol", "BTC-USDT",
                "--start", "2026-11-24T10:00:00Z", "--end", "2026-11-24T11:00:00Z");

        assertThat(code).isEqualTo(FailureExitCodes.USAGE);
        assertThat(err.toString()).contains("exchanges.binance.ws_urll: unknown key");
    }

    @Test
    void unreachableDatabaseExitsWithDatabaseCode() {
        Map<String, String> env = Map.of(DatabaseUrl.ENV, "postgresql://nobody:x@127.0.0.1:1/none");
        int code = run(env, "--config", config.toString(), "silver", "--symbol", "BTC-USDT",
                "--start", "2026-11-24T10:00:00Z", "--end", "2026-11-24T11:00:00Z");

        assertThat(code).isEqualTo(FailureExitCodes.DATABASE);
    }

    @Test
    void underPipesTakesWindowAndStreamFromExtrasAndReportsMetadata() throws Exception {
        Path messages = dir.resolve("messages");
        Map<String, Object> extras = Map.of("exchange", "binance", "symbol", "BTCUSDT",
                "window_start", "2026-11-24T10:00:00+00:00", "window_end", "2026-11-24T10:01:00+00:00");

        int code = run(pipesEnv(messages, extras), "--config", config.toString(), "ext-to-bronze");

        assertThat(code).as(err.toString()).isZero();
        List<JsonNode> sent = messages(messages);
        assertThat(sent.get(0).get("method").asText()).isEqualTo("opened");
        assertThat(sent.get(sent.size() - 1).get("method").asText()).isEqualTo("closed");
        JsonNode materialization = sent.stream().filter(m -> m.get("method").asText().equals("report_asset_materialization"))
                .findFirst().orElseThrow().get("params");
        JsonNode rowsLoaded = materialization.get("metadata").get("rows_loaded");
        assertThat(rowsLoaded.get("type").asText()).isEqualTo("int");
        assertThat(rowsLoaded.get("raw_value").asLong()).as("only the first minute is in the extras' window").isEqualTo(1);
        assertThat(bronzeRows()).isEqualTo(1);
    }

    @Test
    void underPipesFallsBackToThePartitionWindow() throws Exception {
        Path messages = dir.resolve("messages");
        int code = run(pipesEnv(messages, Map.of("exchange", "binance", "symbol", "BTCUSDT")), "--config", config.toString(),
                "ext-to-bronze");

        assertThat(code).as(err.toString()).isZero();
        assertThat(bronzeRows()).isEqualTo(2);
    }

    @Test
    void reportsTheNoMissingMinutesCheckOnlyWhenTheAssetDeclaredIt() throws Exception {
        Map<String, Object> window = Map.of("window_start", "2026-11-24T10:00:00+00:00", "window_end", "2026-11-24T10:02:00+00:00");
        assertThat(run(env(), "--config", config.toString(), "ext-to-bronze", "--exchange", "binance", "--symbol", "BTCUSDT",
                "--start", "2026-11-24T10:00:00Z", "--end", "2026-11-24T10:02:00Z")).isZero();

        Path declared = dir.resolve("declared");
        Map<String, Object> extras = new HashMap<>(window);
        extras.put("symbol", "BTC-USDT");
        extras.put("checks", List.of("no_missing_minutes"));
        assertThat(run(pipesEnv(declared, extras), "--config", config.toString(), "silver")).as(err.toString()).isZero();
        JsonNode check = messages(declared).stream().filter(m -> m.get("method").asText().equals("report_asset_check"))
                .findFirst().orElseThrow().get("params");
        assertThat(check.get("check_name").asText()).isEqualTo("no_missing_minutes");
        assertThat(check.get("passed").asBoolean()).as("both minutes of the window are final").isTrue();
        assertThat(check.get("severity").asText()).isEqualTo("WARN");

        Path undeclared = dir.resolve("undeclared");
        extras.remove("checks");
        extras.put("window_end", "2026-11-24T10:03:00+00:00");
        assertThat(run(pipesEnv(undeclared, extras), "--config", config.toString(), "silver")).isZero();
        assertThat(messages(undeclared)).noneMatch(m -> m.get("method").asText().equals("report_asset_check"));
        assertThat(out.toString()).contains("check no_missing_minutes BTC-USDT: FAILED");
    }

    /** One of three lines unusable: 1/3 is over the default bound of 0.01 and under a configured 0.5. */
    @Test
    void theDeadLetterShareCheckComparesRefusedLinesWithTheConfiguredBoundAndNamesThem() throws Exception {
        Path hourDir = BronzeLayout.hourDir(dir.resolve("bronze"), new BinanceExchange(), "BTCUSDT", HOUR);
        Path file;
        try (var files = Files.list(hourDir)) {
            file = files.findFirst().orElseThrow();
        }
        String goodLine = Files.readAllLines(file).get(0);
        Files.writeString(file, goodLine.replace("\"seq\":1", "\"seq\":9").replace("\"o\":\"10\"", "\"o\":ten") + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        Map<String, Object> extras = Map.of("exchange", "binance", "symbol", "BTCUSDT", "checks", List.of("dead_letter_share"));

        Path over = dir.resolve("over");
        assertThat(run(pipesEnv(over, extras), "--config", config.toString(), "ext-to-bronze")).as(err.toString()).isZero();
        JsonNode failed = sent(messages(over), "report_asset_check").get(0);
        assertThat(failed.get("check_name").asText()).isEqualTo("dead_letter_share");
        assertThat(failed.get("passed").asBoolean()).isFalse();
        assertThat(failed.get("severity").asText()).isEqualTo("WARN");
        JsonNode metadata = failed.get("metadata");
        assertThat(metadata.get("dead_lettered").get("raw_value").asLong()).isEqualTo(1);
        assertThat(metadata.get("lines").get("raw_value").asLong()).isEqualTo(3);
        assertThat(metadata.get("dead_letter_share").get("raw_value").asDouble()).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(metadata.get("max_dead_letter_share").get("raw_value").asDouble()).isEqualTo(0.01);
        assertThat(metadata.get("first_dead_letters").get("raw_value")).hasSize(1);
        assertThat(metadata.get("first_dead_letters").get("raw_value").get(0).asText()).contains(file.getFileName().toString(), "line 3");
        assertThat(metadata.get("dead_letter_file").get("type").asText()).isEqualTo("path");

        Files.writeString(config, Files.readString(config) + "checks: {max_dead_letter_share: 0.5}\n");
        Path under = dir.resolve("under");
        assertThat(run(pipesEnv(under, extras), "--config", config.toString(), "ext-to-bronze")).as(err.toString()).isZero();
        assertThat(sent(messages(under), "report_asset_check").get(0).get("passed").asBoolean()).isTrue();
    }

    @Test
    void aFailureWhileReportingStillClosesWithTheException() throws Exception {
        Path messages = dir.resolve("messages");
        Map<String, String> env = pipesEnv(messages, Map.of("exchange", "binance", "symbol", "BTCUSDT"));
        // Two assets in the step: a materialization without an asset key is refused by the Pipes client.
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("asset_keys", List.of("bronze/a", "bronze/b"));
        context.put("partition_time_window", Map.of("start", "2026-11-24T10:00:00+00:00", "end", "2026-11-24T11:00:00+00:00"));
        context.put("extras", Map.of("exchange", "binance", "symbol", "BTCUSDT"));
        env.put(Pipes.CONTEXT_ENV_VAR, PipesParamCodec.encode(Map.of("data", context)));

        int code = run(env, "--config", config.toString(), "ext-to-bronze");

        assertThat(code).isNotZero();
        List<JsonNode> sent = messages(messages);
        JsonNode closed = sent.get(sent.size() - 1);
        assertThat(closed.get("method").asText()).isEqualTo("closed");
        assertThat(closed.get("params").get("exception")).as("closed carries the reporting failure").isNotNull();
    }

    @Test
    void migrateLaunchedFromAStepWithoutAssetsReportsNoMaterialization() throws Exception {
        Path messages = dir.resolve("messages");
        Map<String, String> env = pipesEnv(messages, Map.of());
        env.put(Pipes.CONTEXT_ENV_VAR, PipesParamCodec.encode(Map.of("data", Map.of("extras", Map.of()))));

        assertThat(run(env, "migrate")).as(err.toString()).isZero();

        List<JsonNode> sent = messages(messages);
        assertThat(sent).extracting(m -> m.get("method").asText()).containsExactly("opened", "closed");
        assertThat(sent.get(1).get("params").has("exception")).isFalse();
    }

    @Test
    void commandLineOptionsWinOverPipesExtras() throws Exception {
        Path messages = dir.resolve("messages");
        Map<String, Object> extras = Map.of("exchange", "binance", "symbol", "BTCUSDT",
                "window_start", "2026-11-24T10:00:00+00:00", "window_end", "2026-11-24T11:00:00+00:00");

        int code = run(pipesEnv(messages, extras), "--config", config.toString(), "ext-to-bronze",
                "--start", "2026-11-24T10:01:00Z", "--end", "2026-11-24T10:02:00Z");

        assertThat(code).as(err.toString()).isZero();
        assertThat(bronzeRows()).as("only the command line's minute, 10:01").isEqualTo(1);
    }

    @Test
    void underPipesAFailureClosesWithTheExceptionAndExitsNonZero() throws Exception {
        Path messages = dir.resolve("messages");
        int code = run(pipesEnv(messages, Map.of("exchange", "binance", "symbol", "DOGEUSDT")), "--config", config.toString(),
                "ext-to-bronze");

        assertThat(code).isEqualTo(FailureExitCodes.USAGE);
        List<JsonNode> sent = messages(messages);
        JsonNode closed = sent.get(sent.size() - 1);
        assertThat(closed.get("method").asText()).isEqualTo("closed");
        assertThat(closed.get("params").get("exception").get("message").asText()).contains("'DOGEUSDT' is not configured for binance");
        assertThat(sent).noneMatch(m -> m.get("method").asText().equals("report_asset_materialization"));
    }

    private void configureTwoPairs(String restUrl) throws Exception {
        Files.writeString(config, Files.readString(config).replace("pairs: [BTCUSDT]", "pairs: [BTCUSDT, ETHUSDT]")
                .replace("canonical: {BTCUSDT: BTC-USDT}", "canonical: {BTCUSDT: BTC-USDT, ETHUSDT: ETH-USDT}")
                .replace("rest_url: http://127.0.0.1:1", "rest_url: " + restUrl));
    }

    private static Map<String, Object> stream(String assetKey, String exchange, String symbol, List<String> checks) {
        Map<String, Object> stream = new LinkedHashMap<>();
        stream.put("asset_key", assetKey);
        if (exchange != null) {
            stream.put("exchange", exchange);
        }
        stream.put("symbol", symbol);
        stream.put("checks", checks);
        return stream;
    }

    private static List<JsonNode> sent(List<JsonNode> messages, String method) {
        return messages.stream().filter(m -> m.get("method").asText().equals(method)).map(m -> m.get("params")).toList();
    }

    @Test
    void oneShellLaunchLoadsEverySymbolOfTheExchange() throws Exception {
        configureTwoPairs("http://127.0.0.1:1");
        writeTwoClosedMinutes("ETHUSDT");

        int code = run(env(), "--config", config.toString(), "ext-to-bronze", "--exchange", "binance", "--all-symbols",
                "--start", "2026-11-24T10:00:00Z", "--end", "2026-11-24T11:00:00Z");

        assertThat(code).as(err.toString()).isZero();
        assertThat(bronzeRows()).isEqualTo(4);
        assertThat(out.toString()).contains("ext-to-bronze binance/BTCUSDT done", "ext-to-bronze binance/ETHUSDT done");
    }

    @Test
    void underPipesABatchReportsOneMaterializationPerAssetAndOnlyTheChecksEachDeclared() throws Exception {
        configureTwoPairs("http://127.0.0.1:1");
        writeTwoClosedMinutes("ETHUSDT");
        assertThat(run(env(), "--config", config.toString(), "ext-to-bronze", "--exchange", "binance", "--symbol", "BTCUSDT",
                "--symbol", "ETHUSDT", "--start", "2026-11-24T10:00:00Z", "--end", "2026-11-24T10:02:00Z")).as(err.toString()).isZero();
        Path messages = dir.resolve("messages");
        Map<String, Object> extras = Map.of(
                "window_start", "2026-11-24T10:00:00+00:00", "window_end", "2026-11-24T10:02:00+00:00",
                "streams", List.of(stream("silver/btc_usdt", null, "BTC-USDT", List.of("no_missing_minutes", "one_row_per_key",
                                "ohlc_consistent", "cross_venue_divergence")),
                        stream("silver/eth_usdt", null, "ETH-USDT", List.of())));

        int code = run(pipesEnv(messages, extras, List.of("silver/btc_usdt", "silver/eth_usdt")), "--config", config.toString(), "silver");

        assertThat(code).as(err.toString()).isZero();
        List<JsonNode> materializations = sent(messages(messages), "report_asset_materialization");
        assertThat(materializations).extracting(m -> m.get("asset_key").asText()).containsExactly("silver/btc_usdt", "silver/eth_usdt");
        assertThat(materializations).extracting(m -> m.get("metadata").get("inserted").get("raw_value").asLong()).containsExactly(2L, 2L);
        List<JsonNode> checks = sent(messages(messages), "report_asset_check");
        assertThat(checks).extracting(c -> c.get("asset_key").asText() + ":" + c.get("check_name").asText() + ":" + c.get("passed"))
                .containsExactly("silver/btc_usdt:no_missing_minutes:true", "silver/btc_usdt:one_row_per_key:true",
                        "silver/btc_usdt:ohlc_consistent:true", "silver/btc_usdt:cross_venue_divergence:true");
        JsonNode divergence = checks.get(3).get("metadata");
        assertThat(divergence.get("venues").get("raw_value").asLong()).isEqualTo(1);
        assertThat(divergence.get("compared_with").get("raw_value").asText()).startsWith("nothing: one venue lists the pair");
        JsonNode preview = materializations.get(0).get("metadata").get("latest_candles");
        assertThat(preview.get("type").asText()).isEqualTo("md");
        assertThat(preview.get("raw_value").asText()).contains(
                "| exchange | minute (UTC) | open | high | low | close | volume | source |",
                "| binance | 2026-11-24T10:00:00Z | 10 | 12 | 9 | 11 | 2 | websocket |",
                "| binance | 2026-11-24T10:01:00Z | 10 | 12 | 9 | 11 | 2 | websocket |");
    }

    @Test
    void aSymbolTheExchangeRefusesIsAFailedErrorCheckNotAFailedLaunchSoTheOthersAndSilverGoOn() throws Exception {
        // Binance's answer to a symbol it does not list: HTTP 400 with its error body, a permanent failure.
        com.sun.net.httpserver.HttpServer rest = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        rest.createContext("/", exchange -> {
            byte[] body = "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        rest.start();
        try {
            configureTwoPairs("http://127.0.0.1:" + rest.getAddress().getPort());
            // BTCUSDT has both minutes of the window, ETHUSDT none: only ETHUSDT needs the exchange.
            assertThat(run(env(), "--config", config.toString(), "ext-to-bronze", "--exchange", "binance", "--symbol", "BTCUSDT",
                    "--start", "2026-11-24T10:00:00Z", "--end", "2026-11-24T10:02:00Z")).as(err.toString()).isZero();
            Path messages = dir.resolve("messages");
            List<String> checks = List.of("no_missing_minutes");
            Map<String, Object> extras = Map.of(
                    "window_start", "2026-11-24T10:00:00+00:00", "window_end", "2026-11-24T10:02:00+00:00",
                    "streams", List.of(stream("bronze/binance_ethusdt_rest", "binance", "ETHUSDT", checks),
                            stream("bronze/binance_btcusdt_rest", "binance", "BTCUSDT", checks)));

            int code = run(pipesEnv(messages, extras, List.of("bronze/binance_btcusdt_rest", "bronze/binance_ethusdt_rest")),
                    "--config", config.toString(), "bronze-rest");

            assertThat(code).as(err.toString()).isZero();
            List<JsonNode> sent = messages(messages);
            assertThat(sent(sent, "report_asset_materialization")).extracting(m -> m.get("asset_key").asText())
                    .containsExactly("bronze/binance_ethusdt_rest", "bronze/binance_btcusdt_rest");
            List<JsonNode> reported = sent(sent, "report_asset_check");
            assertThat(reported).extracting(c -> c.get("asset_key").asText() + ":" + c.get("passed") + ":" + c.get("severity").asText())
                    .containsExactly("bronze/binance_ethusdt_rest:false:ERROR", "bronze/binance_btcusdt_rest:true:WARN");
            JsonNode eth = reported.get(0).get("metadata");
            assertThat(eth.get("stopped_by").get("raw_value").asText()).contains("HTTP 400").contains("Invalid symbol.");
            assertThat(eth.get("failed").get("raw_value").asLong()).isEqualTo(2);
            assertThat(sent.get(sent.size() - 1).get("params").has("exception")).as("closed without a failure").isFalse();
            assertThat(sent(sent, "log")).as("no line per target through Pipes: each would be a Dagster event to record")
                    .extracting(l -> l.get("message").asText()).isEmpty();
        } finally {
            rest.stop(0);
        }
    }

    @Test
    void aTargetTheDatabaseRefusesFailsTheLaunchNamingItAfterTheOthersAreLoadedAndReported() throws Exception {
        configureTwoPairs("http://127.0.0.1:1");
        writeTwoClosedMinutes("ETHUSDT");
        // A real refusal from PostgreSQL, raised inside ETHUSDT's COPY only (e.g. a full tablespace or a
        // constraint added by hand): the BTCUSDT window commits on its own and stays.
        try (Connection c = database.connect()) {
            c.createStatement().execute("""
                    CREATE FUNCTION bronze.refuse_eth() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      IF NEW.symbol = 'ETHUSDT' THEN RAISE EXCEPTION 'no room for %', NEW.symbol; END IF;
                      RETURN NEW;
                    END $$;
                    CREATE TRIGGER refuse_eth BEFORE INSERT ON bronze.bronze_ohclv_native
                      FOR EACH ROW EXECUTE FUNCTION bronze.refuse_eth();
                    """);
        }
        Path messages = dir.resolve("messages");
        Map<String, Object> extras = Map.of("streams", List.of(stream("bronze/binance_ethusdt_ws", "binance", "ETHUSDT", List.of()),
                stream("bronze/binance_btcusdt_ws", "binance", "BTCUSDT", List.of())));

        int code = run(pipesEnv(messages, extras, List.of("bronze/binance_btcusdt_ws", "bronze/binance_ethusdt_ws")),
                "--config", config.toString(), "ext-to-bronze");

        assertThat(code).isEqualTo(FailureExitCodes.DATABASE);
        assertThat(err.toString()).contains("ext-to-bronze failed for 1 of 2 targets: binance/ETHUSDT: ").contains("no room for ETHUSDT");
        assertThat(bronzeRows()).as("BTCUSDT's two minutes").isEqualTo(2);
        List<JsonNode> sent = messages(messages);
        assertThat(sent(sent, "report_asset_materialization")).extracting(m -> m.get("asset_key").asText())
                .containsExactly("bronze/binance_btcusdt_ws");
        assertThat(sent(sent, "log")).extracting(l -> l.get("message").asText())
                .anyMatch(m -> m.startsWith("ext-to-bronze binance/ETHUSDT failed: ") && m.contains("no room for ETHUSDT"));
        JsonNode closed = sent.get(sent.size() - 1);
        assertThat(closed.get("method").asText()).isEqualTo("closed");
        assertThat(closed.get("params").get("exception").get("message").asText()).contains("binance/ETHUSDT");
    }

    @Test
    void aBatchNamingAnUnconfiguredSymbolFailsBeforeLoadingAnything() throws Exception {
        Path messages = dir.resolve("messages");
        Map<String, Object> extras = Map.of("streams", List.of(stream("bronze/binance_btcusdt_ws", "binance", "BTCUSDT", List.of()),
                stream("bronze/binance_dogeusdt_ws", "binance", "DOGEUSDT", List.of())));

        int code = run(pipesEnv(messages, extras, List.of("bronze/binance_btcusdt_ws", "bronze/binance_dogeusdt_ws")),
                "--config", config.toString(), "ext-to-bronze");

        assertThat(code).isEqualTo(FailureExitCodes.USAGE);
        assertThat(err.toString()).contains("'DOGEUSDT' is not configured for binance");
        assertThat(bronzeRows()).isZero();
        assertThat(sent(messages(messages), "report_asset_materialization")).isEmpty();
    }

    @Test
    void symbolAndAllSymbolsExcludeEachOther() {
        int code = run(env(), "--config", config.toString(), "silver", "--symbol", "BTC-USDT", "--all-symbols",
                "--start", "2026-11-24T10:00:00Z", "--end", "2026-11-24T11:00:00Z");

        assertThat(code).isEqualTo(FailureExitCodes.USAGE);
        assertThat(err.toString()).contains("--symbol and --all-symbols exclude each other");
    }
}
