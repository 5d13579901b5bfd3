package io.klinepipeline.engine.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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
        Result result = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + sizeMiB + "m", "tmpfs", dir.toString()));
        if (result.exitCode != 0) {
            return new Mounted(Optional.empty(), "cannot mount a tmpfs on " + dir + " (needs root or CAP_SYS_ADMIN): "
                    + result.output.strip());
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
        Result result = run(List.of("umount", dir.toString()));
        if (result.exitCode != 0) {
            Result lazy = run(List.of("umount", "-l", dir.toString()));
            if (lazy.exitCode != 0) {
                throw new IOException("cannot unmount the tmpfs on " + dir + ": " + result.output + lazy.output);
            }
        }
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, String.join(" ", command) + " did not finish in 30 s");
        }
        return new Result(process.exitValue(), output);
    }
}
