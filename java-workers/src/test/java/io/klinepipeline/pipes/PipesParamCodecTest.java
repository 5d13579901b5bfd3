package io.klinepipeline.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipesParamCodecTest {

    @Test
    void decodesPathParamsEncodedByPython() {
        assertThat(PipesParamCodec.decode(PythonVectors.CONTEXT_PATH).get("path").asText())
                .isEqualTo("/tmp/dagster-pipes/context.json");

        JsonNode messages = PipesParamCodec.decode(PythonVectors.MESSAGES_PATH);
        assertThat(messages.get("path").asText()).isEqualTo("/tmp/dagster-pipes/messages");
        assertThat(messages.get("include_stdio_in_messages").isBoolean()).isTrue();
        assertThat(messages.get("include_stdio_in_messages").asBoolean()).isFalse();
    }

    @Test
    void decodesStdioAndS3ParamsEncodedByPython() {
        assertThat(PipesParamCodec.decode(PythonVectors.MESSAGES_STDERR).get("stdio").asText()).isEqualTo("stderr");

        JsonNode s3 = PipesParamCodec.decode(PythonVectors.MESSAGES_S3);
        assertThat(s3.get("bucket").asText()).isEqualTo("pipes-messages");
        assertThat(s3.get("key_prefix").asText()).isEqualTo("run-42/messages");
    }

    @Test
    void decodesInlineContextEncodedByPythonIncludingUnicodeEscapes() {
        JsonNode data = PipesParamCodec.decode(PythonVectors.CONTEXT_DATA).get("data");

        assertThat(data.get("run_id").asText()).isEqualTo("6f1c2d3e-0000-4000-8000-000000000001");
        assertThat(data.get("asset_keys").get(1).asText()).isEqualTo("bronze/odd\\/part");
        assertThat(data.get("extras").get("note").asText()).isEqualTo("caf\u00e9 \u20ac");
        assertThat(data.get("code_version_by_asset_key").get("bronze/odd\\/part").isNull()).isTrue();
    }

    @Test
    void roundTripsValuesThroughEncodeAndDecode() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("path", "/tmp/x/messages");
        value.put("nested", Map.of("list", List.of(1, 2.5, "caf\u00e9", true)));
        value.put("none", null);

        String encoded = PipesParamCodec.encode(value);

        assertThat(encoded).matches("[A-Za-z0-9+/]+=*");
        assertThat(PipesParamCodec.decode(encoded)).isEqualTo(PipesJson.MAPPER.valueToTree(value));
    }

    @Test
    void reEncodingAPythonVectorDecodesToTheSameValue() {
        JsonNode original = PipesParamCodec.decode(PythonVectors.CONTEXT_DATA);

        assertThat(PipesParamCodec.decode(PipesParamCodec.encode(original))).isEqualTo(original);
    }

    @Test
    void rejectsTextThatIsNotBase64() {
        assertThatThrownBy(() -> PipesParamCodec.decode("not base64 !!"))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining("base64");
    }

    @Test
    void rejectsBase64ThatIsNotZlib() {
        String plainJson = Base64.getEncoder().encodeToString("{\"path\": \"/x\"}".getBytes());

        assertThatThrownBy(() -> PipesParamCodec.decode(plainJson))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining("zlib");
    }

    @Test
    void rejectsATruncatedZlibStream() {
        byte[] full = Base64.getDecoder().decode(PythonVectors.CONTEXT_DATA);
        byte[] half = java.util.Arrays.copyOf(full, full.length / 2);

        assertThatThrownBy(() -> PipesParamCodec.decode(Base64.getEncoder().encodeToString(half)))
                .isInstanceOf(DagsterPipesException.class)
                .hasMessageContaining("truncated");
    }
}
