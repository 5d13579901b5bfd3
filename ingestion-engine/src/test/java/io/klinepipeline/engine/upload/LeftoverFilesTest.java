package io.klinepipeline.engine.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeftoverFilesTest {
    private static final String HOUR = "exchange=binance/symbol=BTCUSDT/date=2026-11-24/hour=10/";

    @TempDir
    Path dir;

    private Path dataFile(String name, String content) throws Exception {
        Path file = dir.resolve("bronze").resolve(HOUR + name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    @Test
    void movesATornLastLineAsideToTheDeadLetterFolderAndKeepsTheWholeLines() throws Exception {
        Path crashed = dataFile("20261124T100500000Z-run1-000002-5e6f7a8b.jsonl", "{\"n\":3}\n{\"n\":4}\n{\"n\":5,\"pr");
        Path whole = dataFile("20261124T100000000Z-run1-000001-1a2b3c4d.jsonl", "{\"n\":1}\n");
        Path tornOnly = dataFile("20261124T101000000Z-run1-000003-9c0d1e2f.jsonl", "{\"n\":");

        List<Path> ready = LeftoverFiles.recover(dir.resolve("bronze"), dir.resolve("dead-letter"));

        assertThat(ready).containsExactly(whole, crashed);
        assertThat(crashed).hasContent("{\"n\":3}\n{\"n\":4}\n");
        assertThat(whole).hasContent("{\"n\":1}\n");
        Path torn = dir.resolve("dead-letter/engine/torn/" + HOUR);
        assertThat(torn.resolve(crashed.getFileName() + ".torn")).hasContent("{\"n\":5,\"pr");
        assertThat(torn.resolve(tornOnly.getFileName() + ".torn")).hasContent("{\"n\":");
        assertThat(tornOnly).as("nothing whole was left in it").doesNotExist();
        assertThat(torn.resolve(whole.getFileName() + ".torn")).doesNotExist();
    }

    @Test
    void aSecondRecoveryFindsNothingMoreToRepair() throws Exception {
        Path crashed = dataFile("20261124T100500000Z-run1-000002-5e6f7a8b.jsonl", "{\"n\":3}\n{\"n\":4");
        LeftoverFiles.recover(dir.resolve("bronze"), dir.resolve("dead-letter"));
        List<Path> again = LeftoverFiles.recover(dir.resolve("bronze"), dir.resolve("dead-letter"));
        assertThat(again).containsExactly(crashed);
        assertThat(crashed).hasContent("{\"n\":3}\n");
        assertThat(dir.resolve("dead-letter/engine/torn/" + HOUR + crashed.getFileName() + ".torn")).hasContent("{\"n\":4");
    }
}
