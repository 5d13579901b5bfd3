package io.klinepipeline.workers.bronze;

import java.io.IOException;
import java.io.InputStream;
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

    @Override
    public String describe(String name) {
        return localDir.resolve(name).toString();
    }

    @Override
    public String toString() {
        return "local directory " + localDir;
    }
}
