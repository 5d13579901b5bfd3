package io.klinepipeline.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirLockTest {
    /** Exit codes of {@link ProbeFromAnotherProcess}. */
    private static final int TAKEN = 0;
    private static final int HELD = 3;

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

    /**
     * The operating system's lock belongs to the process, and closing any channel to the file drops
     * it: a second engine in the same JVM that opened the file to try the lock, failed, and closed
     * it again left the directory open to an engine in another process.
     */
    @Test
    void aSecondEngineInTheSameProcessThatFailsToLockLeavesTheFirstEnginesLockHeld() throws Exception {
        Path otherSpelling = Files.createSymbolicLink(dir.resolveSibling(dir.getFileName() + "-link"), dir);
        try (LocalDirLock first = LocalDirLock.acquire(dir)) {
            assertThatThrownBy(() -> LocalDirLock.acquire(dir)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another engine");
            assertThatThrownBy(() -> LocalDirLock.acquire(otherSpelling)).as("the same directory through a symbolic link")
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("another engine");
            assertThat(tryFromAnotherProcess(dir)).as("an engine in another process, while the first engine runs").isEqualTo(HELD);
        } finally {
            Files.delete(otherSpelling);
        }
        assertThat(tryFromAnotherProcess(dir)).as("an engine in another process, once the first stopped").isEqualTo(TAKEN);
        LocalDirLock.acquire(dir).close();
    }

    private static int tryFromAnotherProcess(Path localDir) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ProbeFromAnotherProcess.class.getName(), localDir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the probe exited").isTrue();
        return process.exitValue();
    }

    /** Takes the lock and lets it go: exits {@value #TAKEN} if it could, {@value #HELD} if another engine holds it. */
    static final class ProbeFromAnotherProcess {
        public static void main(String[] args) throws IOException {
            try (LocalDirLock lock = LocalDirLock.acquire(Path.of(args[0]))) {
                System.exit(TAKEN);
            } catch (IllegalStateException e) {
                System.exit(HELD);
            }
        }
    }
}
