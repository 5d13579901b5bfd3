package io.klinepipeline.engine.testing;

import io.klinepipeline.jsonl.BronzeLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads what the engine wrote below a local directory, as readers must: by hour folder, then name. */
public final class BronzeFiles {

    private BronzeFiles() {}

    /**
     * Data files in read order. A file or folder that goes while the tree is listed (the uploader
     * deletes a file once it is in S3, the pruner an emptied hour folder) is not listed: it is gone,
     * as a listing a moment later would say. Files.walk failed the whole listing instead, and a test
     * polling the directory during uploads failed on a loaded machine.
     */
    public static List<Path> dataFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && BronzeLayout.isDataFileName(file.getFileName().toString())) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        files.sort(Comparator.comparing((Path p) -> p.getParent().toString())
                .thenComparing(p -> p.getFileName().toString(), BronzeLayout.readOrder()));
        return files;
    }

    /** Every line of every data file, in read order. */
    public static List<Line> lines(Path root) throws IOException {
        List<Line> out = new ArrayList<>();
        for (Path file : dataFiles(root)) {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            if (!content.isEmpty() && !content.endsWith("\n")) {
                throw new AssertionError(file + " does not end with a newline");
            }
            for (String line : content.split("\n", -1)) {
                if (!line.isEmpty()) {
                    out.add(new Line(root.relativize(file), line));
                }
            }
        }
        return out;
    }

    /**
     * The payload exactly as written: the envelope puts it last, so it is the text between
     * {@code "payload":} and the closing brace.
     */
    public static String rawPayload(String line) {
        int start = line.indexOf(",\"payload\":");
        if (start < 0 || !line.endsWith("}")) {
            throw new AssertionError("not an envelope line: " + line);
        }
        return line.substring(start + ",\"payload\":".length(), line.length() - 1);
    }

    /** One line and the file (relative to the root) it is in. */
    public record Line(Path file, String text) {
        public String payload() {
            return rawPayload(text);
        }
    }
}
