package io.klinepipeline.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompleteLinesTest {
    @TempDir
    Path dir;

    @Test
    void cutsATornLastLineAfterTheLastNewline() throws Exception {
        Path file = Files.writeString(dir.resolve("f.jsonl"), "{\"a\":1}\n{\"b\":2}\n{\"c\":", StandardCharsets.UTF_8);
        assertThat(CompleteLines.cutTornTail(file)).isEqualTo(5);
        assertThat(Files.readString(file)).isEqualTo("{\"a\":1}\n{\"b\":2}\n");
    }

    @Test
    void leavesACompleteFileAlone() throws Exception {
        Path file = Files.writeString(dir.resolve("f.jsonl"), "{\"a\":1}\n", StandardCharsets.UTF_8);
        assertThat(CompleteLines.cutTornTail(file)).isZero();
        assertThat(Files.readString(file)).isEqualTo("{\"a\":1}\n");
    }

    @Test
    void findsTheLastNewlineFarFromTheEnd() throws Exception {
        String whole = "{\"a\":1}\n";
        String torn = "x".repeat(20_000);
        Path file = Files.writeString(dir.resolve("f.jsonl"), whole + torn, StandardCharsets.UTF_8);
        assertThat(CompleteLines.cutTornTail(file)).isEqualTo(torn.length());
        assertThat(Files.readString(file)).isEqualTo(whole);
    }

    @Test
    void emptiesAFileWithoutAnyNewline() throws Exception {
        Path file = Files.writeString(dir.resolve("f.jsonl"), "{\"a\":", StandardCharsets.UTF_8);
        CompleteLines.cutTornTail(file);
        assertThat(Files.size(file)).isZero();
    }
}
