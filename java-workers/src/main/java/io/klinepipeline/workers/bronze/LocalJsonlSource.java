package io.klinepipeline.workers.bronze;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** JSONL objects below the engine's local directory ({@code storage.local_dir}). */
public final class LocalJsonlSource implements JsonlObjectSource {
    private final Path localDir;

    public LocalJsonlSource(Path localDir) {
        this.localDir = localDir;
    }

    @Override
    public List<String> fileNames(String folder) throws IOException {
        Path dir = localDir.resolve(folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new IOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String name) throws IOException {
        return Files.newInputStream(localDir.resolve(name));
    }

    /**
     * Written beside its final name under a hidden temporary one, forced to disk, then renamed, and
     * the folder forced too: after a crash the file is there whole or not at all.
     */
    @Override
    public void put(String name, byte[] content) throws IOException {
        Path target = localDir.resolve(name);
        Path folder = target.getParent();
        Files.createDirectories(folder);
        Path temporary = folder.resolve("." + target.getFileName() + ".importing");
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw new IOException("cannot write " + temporary + ": " + e.getMessage(), e);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    @Override
    public String describe(String name) {
        return localDir.resolve(name).toString();
    }

    @Override
    public String toString() {
        return "local directory " + localDir;
    }
}
