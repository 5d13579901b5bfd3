package io.klinepipeline.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipesContextDataTest {

    private static PipesContextData context(String json) throws Exception {
        return PipesContextData.fromJson(PipesJson.MAPPER.readTree(json));
    }

    private static final String RANGE_RUN = """
            {"asset_keys": ["silver/klines"], "partition_key": null, "partition_key_range": null,
             "partition_time_window": null, "run_id": "r", "job_name": "j", "retry_number": 0,
             "extras": {"exchange": "okx", "limit": "many", "since": "2026-11-24 10:00:00.500000+00:00",
                        "window": {"start": "2026-11-20T00:00:00+00:00", "end": "2026-11-24T00:00:00+00:00"}}}
            """;

    @Test
    void prefersTheWindowPassedInExtrasForAPartitionRangeRun() throws Exception {
        PipesTimeWindow window = context(RANGE_RUN).resolveTimeWindow("window").orElseThrow();

        assertThat(window.start()).isEqualTo(Instant.parse("2026-11-20T00:00:00Z"));
        assertThat(window.end()).isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
    }

    @Test
    void fallsBackToThePartitionTimeWindow() throws Exception {
        PipesContextData single = context("""
                {"asset_keys": ["a"], "partition_time_window":
                   {"start": "2026-11-24T10:00:00+01:00", "end": "2026-11-24T11:00:00.123456+01:00"},
                 "run_id": "r", "retry_number": 0, "extras": {}}
                """);

        PipesTimeWindow window = single.resolveTimeWindow("window").orElseThrow();

        assertThat(window.start()).isEqualTo(Instant.parse("2026-11-24T09:00:00Z"));
        assertThat(window.end()).isEqualTo(Instant.parse("2026-11-24T10:00:00.123456Z"));
        assertThat(context("{\"run_id\": \"r\", \"extras\": {}}").resolveTimeWindow("window")).isEmpty();
    }

    @Test
    void prefersAWindowPassedAsTwoTimestampExtras() throws Exception {
        PipesContextData data = context("""
                {"partition_time_window": {"start": "2026-11-24T10:00:00+00:00", "end": "2026-11-24T11:00:00+00:00"},
                 "run_id": "r", "extras": {"window_start": "2026-11-20T00:00:00+00:00",
                                           "window_end": "2026-11-24T00:00:00+00:00", "only_start": "2026-11-20T00:00:00+00:00"}}
                """);

        assertThat(data.resolveTimeWindow("window_start", "window_end")).contains(new PipesTimeWindow(
                Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-24T00:00:00Z")));
        assertThat(data.resolveTimeWindow("absent_start", "absent_end")).contains(data.partitionTimeWindow());
        assertThatThrownBy(() -> data.resolveTimeWindow("only_start", "absent_end"))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining("absent_end");
    }

    @Test
    void absentExtrasAreNullOrEmptyUnlessRequired() throws Exception {
        PipesContextData data = context("{\"run_id\": \"r\", \"extras\": {\"symbol\": null}}");

        assertThat(data.extraString("symbol")).isNull();
        assertThat(data.extraString("exchange")).isNull();
        assertThat(data.findExtraString("exchange")).isEmpty();
        assertThat(data.extraInstant("since")).isNull();
        assertThat(data.extra("window", PipesPartitionKeyRange.class)).isNull();
        assertThat(data.hasExtra("symbol")).isFalse();
        assertThatThrownBy(() -> data.requireExtraInt("limit")).isInstanceOf(DagsterPipesException.class);
    }

    @Test
    void readsTypedExtras() throws Exception {
        PipesContextData data = context(RANGE_RUN);

        assertThat(data.extraString("exchange")).isEqualTo("okx");
        assertThat(data.requireExtraString("exchange")).isEqualTo("okx");
        assertThat(data.findExtraString("exchange")).contains("okx");
        assertThat(data.extraInstant("since")).isEqualTo(Instant.parse("2026-11-24T10:00:00.5Z"));
        assertThat(data.extra("window", PipesPartitionKeyRange.class))
                .isEqualTo(new PipesPartitionKeyRange("2026-11-20T00:00:00+00:00", "2026-11-24T00:00:00+00:00"));
        assertThat(data.hasExtra("exchange")).isTrue();
        assertThat(data.extrasAsMap()).containsEntry("exchange", "okx");
    }

    @Test
    void aMissingExtraNamesTheKeyAndTheExtrasPresent() throws Exception {
        assertThatThrownBy(() -> context(RANGE_RUN).requireExtraString("symbol"))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining("\"symbol\"")
                .hasMessageContaining("exchange");
    }

    @Test
    void anExtraOfTheWrongTypeNamesTheKeyAndTheValue() throws Exception {
        assertThatThrownBy(() -> context(RANGE_RUN).requireExtraLong("limit"))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining("\"limit\"")
                .hasMessageContaining("integer")
                .hasMessageContaining("many");
    }

    @Test
    void aPresentExtraOfTheWrongTypeIsAnErrorEvenForNullableGetters() throws Exception {
        assertThatThrownBy(() -> context("{\"run_id\": \"r\", \"extras\": {\"symbol\": 5}}").extraString("symbol"))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining("\"symbol\"");
    }

    @Test
    void extrasCannotBeChangedByTheCaller() throws Exception {
        PipesContextData data = context(RANGE_RUN);
        JsonNode copy = data.extras();

        ((com.fasterxml.jackson.databind.node.ObjectNode) copy).put("exchange", "changed");

        assertThat(data.extraString("exchange")).isEqualTo("okx");
    }

    @Test
    void givesTheSingleAssetKeyAndRefusesWhenThereAreSeveral() throws Exception {
        assertThat(context(RANGE_RUN).assetKey()).isEqualTo("silver/klines");

        PipesContextData two = new PipesContextData(List.of("a", "b"), null, null, null, null, null, "r", null, 0, null);
        assertThatThrownBy(two::assetKey).isInstanceOf(DagsterPipesException.class).hasMessageContaining("several");
    }

    @Test
    void rejectsATimestampWithoutOffset() {
        assertThatThrownBy(() -> PipesTimeWindow.parse("2026-11-24T10:00:00", "2026-11-24T11:00:00+00:00"))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining("2026-11-24T10:00:00");
    }
}
