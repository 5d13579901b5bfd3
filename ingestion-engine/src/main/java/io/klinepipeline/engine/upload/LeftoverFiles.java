package io.klinepipeline.engine.upload;

import io.klinepipeline.engine.storage.CompleteLines;
import io.klinepipeline.engine.storage.DurableDirectories;
import io.klinepipeline.jsonl.BronzeLayout;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * therefore finished: each is forced to disk, and a crashed file is complete up to its last
 * newline. A torn last line (a write cut short by the crash) is moved aside to
 * {@code <dead_letter_dir>/engine/torn/<its path below local_dir>.torn}, never left to poison a
 * load nor thrown away; a file left empty is deleted.
 */
public final class LeftoverFiles {
    private static final Logger log = LoggerFactory.getLogger(LeftoverFiles.class);

    private LeftoverFiles() {}

    /** The finished files below {@code localDir}, repaired, oldest name first within each folder. */
    public static List<Path> recover(Path localDir, Path deadLetterDir) throws IOException {
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
            Path tornCopy = tornCopyOf(deadLetterDir, relative);
            long moved = CompleteLines.moveTornTail(file, tornCopy);
            if (moved > 0) {
                log.warn("[recovery] {} ended in a torn line: moved its last {} bytes (after the last newline) to {}", relative,
                        moved, tornCopy);
            }
            if (Files.size(file) == 0) {
                log.warn("[recovery] {} is empty: deleted", relative);
                Files.delete(file);
                DurableDirectories.sync(file.getParent());
                continue;
            }
            // The crashed run's last lines may sit in the page cache only: finished means forced.
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.force(false);
            }
            ready.add(file);
        }
        if (!ready.isEmpty()) {
            log.info("[recovery] {} files from a previous run are waiting in {}", ready.size(), localDir);
        }
        return ready;
    }

    /** Where a data file's torn tail is kept: a name no reader of bronze takes for a data file. */
    static Path tornCopyOf(Path deadLetterDir, Path relativeDataFile) {
        return deadLetterDir.resolve("engine").resolve("torn").resolve(relativeDataFile.toString() + ".torn");
    }
}
