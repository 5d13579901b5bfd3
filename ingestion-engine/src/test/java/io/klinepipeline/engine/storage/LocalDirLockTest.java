package io.klinepipeline.engine.storage;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondEngineCannotWriteToTheSameDirectory() throws Exception {
        try (LocalDirLock first = LocalDirLock.acquire(dir)) {
            assertThatThrownBy(() -> LocalDirLock.acquire(dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another engine");
        }
        LocalDirLock.acquire(dir).close();
    }
}
