package io.klinepipeline.engine.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.engine.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmptyFolderPrunerTest {
    @TempDir
    Path localDir;

    private Path emptiedHour(String date, String hour) throws Exception {
        Path dir = localDir.resolve("exchange=binance/symbol=BTCUSDT/date=" + date + "/hour=" + hour);
        Files.createDirectories(dir);
        return dir.resolve("20261124T100000000Z-abc-000001-1a2b3c4d.jsonl");
    }

    @Test
    void removesEmptiedFoldersOfHoursThatEndedOverAnHourAgo() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T00:30:00Z"));
        EmptyFolderPruner pruner = new EmptyFolderPruner(localDir, clock);
        Path old = emptiedHour("2026-11-24", "10");
        Path previous = emptiedHour("2026-11-24", "23");
        Path current = emptiedHour("2026-11-25", "00");

        pruner.pruneAfterDeleting(old);
        pruner.pruneAfterDeleting(previous);
        pruner.pruneAfterDeleting(current);

        assertThat(old.getParent()).doesNotExist();
        assertThat(previous.getParent()).as("the previous hour may still get a late file").isDirectory();
        assertThat(current.getParent()).isDirectory();
        assertThat(localDir.resolve("exchange=binance/symbol=BTCUSDT")).isDirectory();
    }

    @Test
    void keepsAFolderThatStillHoldsFiles() throws Exception {
        EmptyFolderPruner pruner = new EmptyFolderPruner(localDir, new MutableClock(Instant.parse("2026-11-26T00:00:00Z")));
        Path deleted = emptiedHour("2026-11-24", "10");
        Files.writeString(deleted.resolveSibling("other.jsonl"), "{}\n");
        pruner.pruneAfterDeleting(deleted);
        assertThat(deleted.getParent()).isDirectory();
    }
}
