package io.klinepipeline.workers.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterFileTest {
    @TempDir
    Path dir;

    @Test
    void anErrorQuotingALoneSurrogateIsWrittenAndTheLineKeptExactly() throws Exception {
        // What ExtToBronzeLineFuzzTest found (KLINE_FUZZ_SEED=5930142024717817222): a parse error that
        // quotes a lone surrogate from a \ud800 escape failed the whole run in the UTF-8 encoder.
        Path file = dir.resolve("letters/window.jsonl");
        String line = "{\"payload\":\"\\ud800\"} ü";
        try (DeadLetterFile letters = new DeadLetterFile(file)) {
            letters.add("a.jsonl", 7, "bad payload: \ud800 is unpaired", line);
            letters.add("a.jsonl", 8, "second", "plain");
            assertThat(letters.lines()).isEqualTo(2);
        }
        List<String> written = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(written).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(written.get(0));
        assertThat(first.get("line").asLong()).isEqualTo(7);
        assertThat(first.get("text").asText()).isEqualTo(line);
        assertThat(first.get("error").asText()).isEqualTo("bad payload: ? is unpaired");
        assertThat(new ObjectMapper().readTree(written.get(1)).get("text").asText()).isEqualTo("plain");
    }
}
