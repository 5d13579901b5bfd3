package io.klinepipeline.engine.testing;

import io.klinepipeline.jsonl.BronzeLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Reads what the engine wrote below a local directory, as readers must: by hour folder, then name. */
public final class BronzeFiles {

    private BronzeFiles() {}

    /** Data files in read order. */
    public static List<Path> dataFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> BronzeLayout.isDataFileName(p.getFileName().toString()))
                    .sorted(Comparator.comparing((Path p) -> p.getParent().toString())
                            .thenComparing(p -> p.getFileName().toString(), BronzeLayout.readOrder()))
                    .toList();
        }
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
