package io.klinepipeline.engine.upload;

import io.klinepipeline.engine.storage.CompleteLines;
import io.klinepipeline.jsonl.BronzeLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the data files a previous run left in the local directory: files it finished but had not
 * confirmed uploaded, and the files it was writing when it stopped or crashed. Run before any
 * writer of this run opens a file (and under {@code LocalDirLock}), every data file found is
 * therefore finished. A crashed file is complete up to its last newline; a torn last line is cut
 * off and an empty file deleted.
 */
public final class LeftoverFiles {
    private static final Logger log = LoggerFactory.getLogger(LeftoverFiles.class);

    private LeftoverFiles() {}

    /** The finished files below {@code localDir}, repaired, oldest name first within each folder. */
    public static List<Path> recover(Path localDir) throws IOException {
        if (!Files.isDirectory(localDir)) {
            return List.of();
        }
        List<Path> found;
        try (Stream<Path> files = Files.walk(localDir)) {
            found = files.filter(Files::isRegularFile)
                    .filter(p -> BronzeLayout.isDataFileName(p.getFileName().toString()))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        }
        List<Path> ready = new ArrayList<>(found.size());
        for (Path file : found) {
            Path relative = localDir.relativize(file);
            long cut = CompleteLines.cutTornTail(file);
            if (cut > 0) {
                log.warn("[recovery] {} ended in a torn line: cut {} bytes after its last newline", relative, cut);
            }
            if (Files.size(file) == 0) {
                log.warn("[recovery] {} is empty: deleted", relative);
                Files.delete(file);
                continue;
            }
            ready.add(file);
        }
        if (!ready.isEmpty()) {
            log.info("[recovery] {} files from a previous run are waiting in {}", ready.size(), localDir);
        }
        return ready;
    }
}
