package io.klinepipeline.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipesSessionTest {

    private static final Set<String> ENVELOPE_KEYS = Set.of("__dagster_pipes_version", "method", "params");
    private static final Set<String> EXCEPTION_KEYS = Set.of("name", "message", "stack", "cause", "context");

    @TempDir
    Path dir;

    private Path messagesFile() {
        return dir.resolve("messages");
    }

    /** The environment PipesSubprocessClient gives a worker: context and messages files, both by path. */
    private Map<String, String> env(String contextJson) throws IOException {
        Path context = dir.resolve("context.json");
        Files.writeString(context, contextJson, StandardCharsets.UTF_8);
        return Map.of(
                Pipes.CONTEXT_ENV_VAR, PipesParamCodec.encode(Map.of("path", context.toString())),
                Pipes.MESSAGES_ENV_VAR, PipesParamCodec.encode(Map.of(
                        "path", messagesFile().toString(), "include_stdio_in_messages", false)));
    }

    private Map<String, String> singleAssetEnv() throws IOException {
        return env("""
                {"asset_keys": ["bronze/klines"], "code_version_by_asset_key": {"bronze/klines": null},
                 "provenance_by_asset_key": {"bronze/klines": null}, "partition_key": null,
                 "partition_key_range": null, "partition_time_window": null, "run_id": "r1",
                 "job_name": "__ASSET_JOB", "retry_number": 0, "extras": {"exchange": "binance"}}
                """);
    }

    private List<JsonNode> messages() throws IOException {
        String content = Files.readString(messagesFile(), StandardCharsets.UTF_8);
        assertThat(content).endsWith("\n");
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : content.split("\n")) {
            try {
                parsed.add(PipesJson.MAPPER.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException("Not a JSON line: " + line, e);
            }
        }
        return parsed;
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> keys = new TreeSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static List<String> methods(List<JsonNode> messages) {
        return messages.stream().map(m -> m.get("method").asText()).toList();
    }

    @Test
    void writesOpenedFirstAndClosedLastWithExactlyTheRequiredKeys() throws Exception {
        try (PipesSession pipes = Pipes.open(singleAssetEnv())) {
            assertThat(pipes.isActive()).isTrue();
            assertThat(pipes.context().requireExtraString("exchange")).isEqualTo("binance");
            pipes.log(PipesLogLevel.INFO, "fetched 1440 candles");
            Map<String, MetadataValue> metadata = new LinkedHashMap<>();
            metadata.put("rows", MetadataValue.ofInt(1440));
            metadata.put("preview", MetadataValue.ofMd("| open |\n|---|"));
            pipes.reportAssetMaterialization(null, metadata, null);
            pipes.reportAssetCheck("bronze/klines", "no_gaps", false, PipesCheckSeverity.WARN, null);
            pipes.reportCustomMessage(Map.of("gaps", List.of("10:01")));
        }

        List<JsonNode> messages = messages();
        assertThat(methods(messages)).containsExactly("opened", "log", "report_asset_materialization",
                "report_asset_check", "report_custom_message", "closed");
        for (JsonNode message : messages) {
            assertThat(keys(message)).isEqualTo(ENVELOPE_KEYS);
            assertThat(message.get("__dagster_pipes_version").asText()).isEqualTo("0.1");
        }
        assertThat(keys(messages.get(0).get("params"))).containsExactly("extras");
        assertThat(messages.get(0).get("params").get("extras").isObject()).isTrue();
        assertThat(keys(messages.get(1).get("params"))).containsExactly("level", "message");
        assertThat(messages.get(1).get("params").get("level").asText()).isEqualTo("INFO");

        JsonNode materialization = messages.get(2).get("params");
        assertThat(keys(materialization)).containsExactly("asset_key", "data_version", "metadata");
        assertThat(materialization.get("asset_key").asText()).isEqualTo("bronze/klines");
        assertThat(materialization.get("data_version").isNull()).isTrue();
        assertThat(keys(materialization.get("metadata"))).containsExactly("preview", "rows");
        assertThat(keys(materialization.get("metadata").get("rows"))).containsExactly("raw_value", "type");

        JsonNode check = messages.get(3).get("params");
        assertThat(keys(check)).containsExactly("asset_key", "check_name", "metadata", "passed", "severity");
        assertThat(check.get("passed").asBoolean()).isFalse();
        assertThat(check.get("severity").asText()).isEqualTo("WARN");
        assertThat(check.get("metadata").isNull()).isTrue();

        assertThat(keys(messages.get(4).get("params"))).containsExactly("payload");
        assertThat(keys(messages.get(5).get("params"))).isEmpty();
    }

    @Test
    void failureClosesWithTheExceptionAndItsCauseChain() throws Exception {
        IllegalStateException failure = new IllegalStateException("silver merge failed",
                new IOException("connection reset", new RuntimeException()));

        try (PipesSession pipes = Pipes.open(singleAssetEnv())) {
            pipes.fail(failure);
        }

        List<JsonNode> messages = messages();
        assertThat(methods(messages)).containsExactly("opened", "closed");
        JsonNode params = messages.get(1).get("params");
        assertThat(keys(params)).containsExactly("exception");
        JsonNode exception = params.get("exception");
        assertThat(keys(exception)).isEqualTo(EXCEPTION_KEYS);
        assertThat(exception.get("name").asText()).isEqualTo("IllegalStateException");
        assertThat(exception.get("message").asText()).contains("silver merge failed");
        assertThat(exception.get("stack").isArray()).isTrue();
        assertThat(exception.get("stack").get(0).asText()).contains("failureClosesWithTheExceptionAndItsCauseChain");
        assertThat(exception.get("context").isNull()).isTrue();

        JsonNode cause = exception.get("cause");
        assertThat(keys(cause)).isEqualTo(EXCEPTION_KEYS);
        assertThat(cause.get("name").asText()).isEqualTo("IOException");
        assertThat(cause.get("message").asText()).contains("connection reset");
        JsonNode rootCause = cause.get("cause");
        assertThat(keys(rootCause)).isEqualTo(EXCEPTION_KEYS);
        assertThat(rootCause.get("name").asText()).isEqualTo("RuntimeException");
        assertThat(rootCause.get("cause").isNull()).isTrue();
    }

    @Test
    void sendsNothingAfterClosedAndClosesOnlyOnce() throws Exception {
        PipesSession pipes = Pipes.open(singleAssetEnv());
        pipes.close();
        pipes.close();
        pipes.close(new RuntimeException("late"));

        assertThat(pipes.isClosed()).isTrue();
        assertThatThrownBy(() -> pipes.log(PipesLogLevel.INFO, "late"))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining("closed");
        assertThat(methods(messages())).containsExactly("opened", "closed");
    }

    @Test
    void refusesASecondMaterializationOfTheSameAsset() throws Exception {
        try (PipesSession pipes = Pipes.open(singleAssetEnv())) {
            pipes.reportAssetMaterialization("bronze/klines", null, "v1");

            assertThatThrownBy(() -> pipes.reportAssetMaterialization(null, null, null))
                    .isInstanceOf(DagsterPipesException.class)
                    .hasMessageContaining("already");
        }
        JsonNode materialization = messages().get(1).get("params");
        assertThat(materialization.get("data_version").asText()).isEqualTo("v1");
        assertThat(materialization.get("metadata").isNull()).isTrue();
    }

    @Test
    void refusesAnAssetKeyTheStepDoesNotTarget() throws Exception {
        try (PipesSession pipes = Pipes.open(singleAssetEnv())) {
            assertThatThrownBy(() -> pipes.reportAssetMaterialization("silver/klines", null, null))
                    .isInstanceOf(DagsterPipesException.class)
                    .hasMessageContaining("bronze/klines");
        }
    }

    @Test
    void needsAnExplicitAssetKeyWhenTheStepTargetsSeveralAssets() throws Exception {
        Map<String, String> env = env("""
                {"asset_keys": ["a", "b"], "run_id": "r", "retry_number": 0, "extras": {}}
                """);
        try (PipesSession pipes = Pipes.open(env)) {
            assertThatThrownBy(() -> pipes.reportAssetCheck(null, "c", true, PipesCheckSeverity.ERROR, null))
                    .isInstanceOf(DagsterPipesException.class)
                    .hasMessageContaining("several");
            pipes.reportAssetCheck("b", "c", true, PipesCheckSeverity.ERROR, Map.of("n", MetadataValue.ofInt(0)));
        }
        assertThat(messages().get(1).get("params").get("asset_key").asText()).isEqualTo("b");
    }

    @Test
    void isANoOpSessionWhenNotLaunchedByDagster() {
        PipesSession pipes = Pipes.open(Map.of("HOME", "/root"));

        assertThat(pipes.isActive()).isFalse();
        assertThat(pipes.findContext()).isEmpty();
        assertThatThrownBy(pipes::context).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(Pipes.CONTEXT_ENV_VAR);
        pipes.log(PipesLogLevel.INFO, "plain CLI run");
        pipes.reportAssetMaterialization(null, Map.of("rows", MetadataValue.ofInt(1)), null);
        pipes.reportAssetCheck(null, "c", true, PipesCheckSeverity.ERROR, null);
        pipes.reportCustomMessage("x");
        pipes.fail(new RuntimeException("boom"));
        assertThat(pipes.isClosed()).isTrue();
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void refusesToStartWithOnlyOneOfTheTwoVariables() {
        Map<String, String> onlyMessages = Map.of(Pipes.MESSAGES_ENV_VAR, PythonVectors.MESSAGES_STDERR);

        assertThatThrownBy(() -> Pipes.open(onlyMessages))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining(Pipes.CONTEXT_ENV_VAR + " is not");
    }

    @Test
    void opensWithTheInlineContextEncodedByPython() throws Exception {
        Map<String, String> env = Map.of(
                Pipes.CONTEXT_ENV_VAR, PythonVectors.CONTEXT_DATA,
                Pipes.MESSAGES_ENV_VAR, PipesParamCodec.encode(Map.of("path", messagesFile().toString())));

        try (PipesSession pipes = Pipes.open(env)) {
            assertThat(pipes.context().runId()).isEqualTo("6f1c2d3e-0000-4000-8000-000000000001");
            pipes.reportAssetMaterialization(AssetKeys.fromParts("bronze", "odd/part"), null, null);
        }
        assertThat(messages().get(1).get("params").get("asset_key").asText()).isEqualTo("bronze/odd\\/part");
    }

    @Test
    void reportsAContextThatCannotBeLoadedInClosedBeforeThrowing() throws Exception {
        Path missing = dir.resolve("missing-context.json");
        Map<String, String> env = Map.of(
                Pipes.CONTEXT_ENV_VAR, PipesParamCodec.encode(Map.of("path", missing.toString())),
                Pipes.MESSAGES_ENV_VAR, PipesParamCodec.encode(Map.of("path", messagesFile().toString())));

        assertThatThrownBy(() -> Pipes.open(env))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining(missing.toString());

        List<JsonNode> messages = messages();
        assertThat(methods(messages)).containsExactly("opened", "closed");
        assertThat(messages.get(1).get("params").get("exception").get("message").asText())
                .contains(missing.toString());
    }

    @Test
    void namesTheVariableThatCannotBeDecoded() {
        Map<String, String> env = Map.of(
                Pipes.CONTEXT_ENV_VAR, PythonVectors.CONTEXT_DATA,
                Pipes.MESSAGES_ENV_VAR, "%%%");

        assertThatThrownBy(() -> Pipes.open(env))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining(Pipes.MESSAGES_ENV_VAR);
    }

    @Test
    void rejectsMessagesParamsItCannotServeNamingTheExpectedKeys() {
        Map<String, String> env = Map.of(
                Pipes.CONTEXT_ENV_VAR, PythonVectors.CONTEXT_DATA,
                Pipes.MESSAGES_ENV_VAR, PythonVectors.MESSAGES_S3);

        assertThatThrownBy(() -> Pipes.open(env))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining("\"path\"")
                .hasMessageContaining("\"stdio\"")
                .hasMessageContaining("S3 client");
    }
}
