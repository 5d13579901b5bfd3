package io.klinepipeline.engine.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A tmpfs of a few MiB mounted on a test folder, so a test can fill a real file system and watch
 * the engine hit ENOSPC. Mounting needs root (or CAP_SYS_ADMIN) on Linux; {@link #mount} says why
 * when it cannot, for the test to skip with that reason.
 */
public final class SmallTmpfs implements AutoCloseable {
    private static final int CHUNK = 64 * 1024;

    private final Path dir;
    private final Path filler;

    private SmallTmpfs(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve("filler.bin");
    }

    /** Mounts a tmpfs of {@code sizeMiB} on {@code dir} (created if missing), or explains why it cannot. */
    public static Mounted mount(Path dir, int sizeMiB) throws IOException, InterruptedException {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return new Mounted(Optional.empty(), "needs Linux to mount a tmpfs (running on " + System.getProperty("os.name") + ")");
        }
        Files.createDirectories(dir);
        SystemCommand result = SystemCommand.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + sizeMiB + "m", "tmpfs",
                dir.toString()));
        if (!result.ok()) {
            return new Mounted(Optional.empty(), "cannot mount a tmpfs on " + dir + " (needs root or CAP_SYS_ADMIN): "
                    + result.output().strip());
        }
        return new Mounted(Optional.of(new SmallTmpfs(dir)), "");
    }

    /** The mounted tmpfs, or why there is none. */
    public record Mounted(Optional<SmallTmpfs> tmpfs, String whyNot) {}

    public Path dir() {
        return dir;
    }

    /** Writes a filler file until the file system is full; returns its size. */
    public long fill() throws IOException {
        long written = 0;
        byte[] chunk = new byte[CHUNK];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
        return written;
    }

    /** Deletes the filler: the space is back. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    /** Unmounts (lazily if something still holds a file open there). */
    @Override
    public void close() throws IOException, InterruptedException {
        unmount(dir);
    }

    /** Unmounts {@code dir}, lazily if something still holds a file open there. */
    static void unmount(Path dir) throws IOException, InterruptedException {
        SystemCommand result = SystemCommand.run(List.of("umount", dir.toString()));
        if (!result.ok()) {
            SystemCommand lazy = SystemCommand.run(List.of("umount", "-l", dir.toString()));
            if (!lazy.ok()) {
                throw new IOException("cannot unmount " + dir + ": " + result.output() + lazy.output());
            }
        }
    }
}
