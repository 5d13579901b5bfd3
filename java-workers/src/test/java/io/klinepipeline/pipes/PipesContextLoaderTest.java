package io.klinepipeline.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipesContextLoaderTest {

    /** The shape PipesSubprocessClient writes (json.dump of PipesContextData), for a single-partition run. */
    private static final String CONTEXT_FILE = """
            {"asset_keys": ["bronze/klines"], "code_version_by_asset_key": {"bronze/klines": null},
             "provenance_by_asset_key": {"bronze/klines": null}, "partition_key": "2026-11-24-10:00",
             "partition_key_range": {"start": "2026-11-24-10:00", "end": "2026-11-24-10:00"},
             "partition_time_window": {"start": "2026-11-24T10:00:00+00:00", "end": "2026-11-24T11:00:00+00:00"},
             "run_id": "0b7e", "job_name": "__ASSET_JOB", "retry_number": 0,
             "extras": {"exchange": "binance", "symbol": "BTC-USDT"}}
            """;

    @TempDir
    Path dir;

    private final PipesContextLoader loader = new PipesContextLoader();

    private static JsonNode json(String text) throws Exception {
        return PipesJson.MAPPER.readTree(text);
    }

    @Test
    void loadsContextFromTheFileNamedByPath() throws Exception {
        Path file = dir.resolve("context.json");
        Files.writeString(file, CONTEXT_FILE, StandardCharsets.UTF_8);

        PipesContextData context = loader.load(PipesJson.MAPPER.createObjectNode().put("path", file.toString()));

        assertThat(context.assetKeys()).containsExactly("bronze/klines");
        assertThat(context.codeVersionByAssetKey()).containsEntry("bronze/klines", null);
        assertThat(context.provenanceByAssetKey()).containsEntry("bronze/klines", null);
        assertThat(context.partitionKey()).isEqualTo("2026-11-24-10:00");
        assertThat(context.partitionKeyRange()).isEqualTo(new PipesPartitionKeyRange("2026-11-24-10:00", "2026-11-24-10:00"));
        assertThat(context.partitionTimeWindow()).isEqualTo(new PipesTimeWindow(
                Instant.parse("2026-11-24T10:00:00Z"), Instant.parse("2026-11-24T11:00:00Z")));
        assertThat(context.runId()).isEqualTo("0b7e");
        assertThat(context.jobName()).isEqualTo("__ASSET_JOB");
        assertThat(context.retryNumber()).isZero();
        assertThat(context.extraString("exchange")).isEqualTo("binance");
    }

    @Test
    void loadsInlineDataEncodedByPython() {
        PipesContextData context = loader.load(PipesParamCodec.decode(PythonVectors.CONTEXT_DATA));

        assertThat(context.assetKeys()).containsExactly("silver/klines", "bronze/odd\\/part");
        assertThat(AssetKeys.toParts(context.assetKeys().get(1))).containsExactly("bronze", "odd/part");
        assertThat(context.codeVersionByAssetKey()).containsEntry("silver/klines", "v3").containsEntry("bronze/odd\\/part", null);
        assertThat(context.provenanceByAssetKey().get("silver/klines"))
                .isEqualTo(new PipesDataProvenance("v3", java.util.Map.of("bronze/klines", "abc"), false));
        assertThat(context.partitionTimeWindow().start()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
        assertThat(context.partitionTimeWindow().end()).isEqualTo(Instant.parse("2026-11-24T11:00:00Z"));
        assertThat(context.retryNumber()).isEqualTo(1);
        assertThat(context.requireExtraLong("limit")).isEqualTo(1000L);
        assertThat(context.requireExtraBoolean("dry_run")).isTrue();
        assertThat(context.extraString("note")).isEqualTo("caf\u00e9 \u20ac");
    }

    @Test
    void loadsAStepWithoutAssetsOrPartitions() throws Exception {
        PipesContextData context = loader.load(json("""
                {"data": {"asset_keys": null, "code_version_by_asset_key": null, "provenance_by_asset_key": null,
                 "partition_key": null, "partition_key_range": null, "partition_time_window": null,
                 "run_id": "r", "job_name": null, "retry_number": 0, "extras": {}}}
                """));

        assertThat(context.assetKeys()).isNull();
        assertThat(context.partitionTimeWindow()).isNull();
        assertThat(context.partitionKeyRange()).isNull();
        assertThat(context.extrasAsMap()).isEmpty();
    }

    @Test
    void rejectsParamsWithNeitherPathNorDataNamingTheExpectedKeys() throws Exception {
        assertThatThrownBy(() -> loader.load(json("{\"file\": \"/tmp/context.json\"}")))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining("DAGSTER_PIPES_CONTEXT")
                .hasMessageContaining("\"path\"")
                .hasMessageContaining("\"data\"")
                .hasMessageContaining("/tmp/context.json");
    }

    @Test
    void namesTheMissingContextFile() {
        Path missing = dir.resolve("gone.json");

        assertThatThrownBy(() -> loader.load(PipesJson.MAPPER.createObjectNode().put("path", missing.toString())))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void namesTheFieldAndFileOfAMalformedTimeWindow() throws Exception {
        Path file = dir.resolve("context.json");
        Files.writeString(file, CONTEXT_FILE.replace("2026-11-24T11:00:00+00:00", "tomorrow"));

        assertThatThrownBy(() -> loader.load(PipesJson.MAPPER.createObjectNode().put("path", file.toString())))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("partition_time_window")
                .hasMessageContaining("tomorrow");
    }
}
