package io.klinepipeline.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataValueTest {

    private static JsonNode json(String text) throws Exception {
        return PipesJson.MAPPER.readTree(text);
    }

    /** The value as it reads back from the wire, so int and long nodes compare equal. */
    private static JsonNode wire(MetadataValue value) throws Exception {
        return json(PipesJson.MAPPER.writeValueAsString(value.toJson()));
    }

    @Test
    void everyValueHasExactlyRawValueAndType() {
        List<MetadataValue> values = List.of(
                MetadataValue.ofInt(1), MetadataValue.ofFloat(1.5), MetadataValue.ofText("t"),
                MetadataValue.ofMd("| a |"), MetadataValue.ofJson(Map.of("k", 1)),
                MetadataValue.ofTimestamp(Instant.EPOCH), MetadataValue.ofBool(true),
                MetadataValue.ofUrl("https://x"), MetadataValue.ofPath("/x"), MetadataValue.ofNull(),
                MetadataValue.ofRaw("r"));

        for (MetadataValue value : values) {
            ObjectNode node = value.toJson();
            assertThat(node.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("raw_value", "type");
        }
    }

    @Test
    void writesEachTypedValueInDagstersShape() throws Exception {
        assertThat(wire(MetadataValue.ofInt(1440))).isEqualTo(json("{\"raw_value\": 1440, \"type\": \"int\"}"));
        assertThat(wire(MetadataValue.ofFloat(0.25))).isEqualTo(json("{\"raw_value\": 0.25, \"type\": \"float\"}"));
        assertThat(wire(MetadataValue.ofText("ok"))).isEqualTo(json("{\"raw_value\": \"ok\", \"type\": \"text\"}"));
        assertThat(wire(MetadataValue.ofMd("| a |\n|---|")))
                .isEqualTo(json("{\"raw_value\": \"| a |\\n|---|\", \"type\": \"md\"}"));
        assertThat(wire(MetadataValue.ofBool(false))).isEqualTo(json("{\"raw_value\": false, \"type\": \"bool\"}"));
        assertThat(wire(MetadataValue.ofUrl("https://example.com")))
                .isEqualTo(json("{\"raw_value\": \"https://example.com\", \"type\": \"url\"}"));
        assertThat(wire(MetadataValue.ofPath(Path.of("/data/bronze"))))
                .isEqualTo(json("{\"raw_value\": \"/data/bronze\", \"type\": \"path\"}"));
        assertThat(wire(MetadataValue.ofNull())).isEqualTo(json("{\"raw_value\": null, \"type\": \"null\"}"));
        assertThat(wire(MetadataValue.ofJson(List.of("10:01", "10:02"))))
                .isEqualTo(json("{\"raw_value\": [\"10:01\", \"10:02\"], \"type\": \"json\"}"));
    }

    @Test
    void timestampIsSecondsSinceEpochAsAFloat() {
        JsonNode raw = MetadataValue.ofTimestamp(Instant.parse("2026-11-24T10:00:00.250Z")).toJson().get("raw_value");

        assertThat(raw.isFloatingPointNumber()).isTrue();
        assertThat(raw.doubleValue()).isEqualTo(1795514400.25);
    }

    @Test
    void rawValuesAreSentForDagsterToInfer() throws Exception {
        assertThat(wire(MetadataValue.ofRaw(42))).isEqualTo(json("{\"raw_value\": 42, \"type\": \"__infer__\"}"));
        assertThat(wire(MetadataValue.ofRaw(Map.of("a", true))))
                .isEqualTo(json("{\"raw_value\": {\"a\": true}, \"type\": \"__infer__\"}"));
        assertThat(wire(MetadataValue.ofRaw(null))).isEqualTo(json("{\"raw_value\": null, \"type\": \"__infer__\"}"));
    }

    @Test
    void rejectsValuesDagsterWouldRefuse() {
        assertThatThrownBy(() -> MetadataValue.ofFloat(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetadataValue.ofJson("scalar")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetadataValue.ofText(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetadataValue.of("markdown", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("markdown");
    }

    @Test
    void aBuiltValueCannotBeChangedThroughItsRawValue() {
        MetadataValue value = MetadataValue.ofJson(Map.of("k", 1));

        ((ObjectNode) value.rawValue()).put("k", 2);

        assertThat(value.toJson().get("raw_value").get("k").asInt()).isEqualTo(1);
    }
}
