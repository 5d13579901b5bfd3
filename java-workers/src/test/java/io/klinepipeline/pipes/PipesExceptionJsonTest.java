package io.klinepipeline.pipes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class PipesExceptionJsonTest {

    @Test
    void sendsTheBareMessageAndOneStackEntryPerFrame() {
        JsonNode json = PipesExceptionJson.of(new IllegalArgumentException("bad symbol"));

        assertThat(json.get("message").asText()).isEqualTo("bad symbol");
        assertThat(json.get("name").asText()).isEqualTo("IllegalArgumentException");
        assertThat(json.get("stack")).isNotEmpty();
        json.get("stack").forEach(frame -> assertThat(frame.asText()).startsWith("  at ").endsWith("\n"));
    }

    @Test
    void anExceptionWithoutMessageStillHasAStringMessage() {
        JsonNode json = PipesExceptionJson.of(new NullPointerException());

        assertThat(json.get("message").asText()).isEqualTo("java.lang.NullPointerException");
        assertThat(json.get("name").asText()).isEqualTo("NullPointerException");
    }

    @Test
    void stopsAtACauseCycle() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);

        JsonNode json = PipesExceptionJson.of(first);

        assertThat(json.get("cause").get("message").asText()).contains("second");
        assertThat(json.get("cause").get("cause").isNull()).isTrue();
    }

    @Test
    void namesNestedClassesWithoutTheirPackage() {
        class WorkerFailure extends RuntimeException {
            private static final long serialVersionUID = 1L;
        }

        assertThat(PipesExceptionJson.of(new WorkerFailure()).get("name").asText())
                .isEqualTo("PipesExceptionJsonTest$1WorkerFailure");
    }
}
