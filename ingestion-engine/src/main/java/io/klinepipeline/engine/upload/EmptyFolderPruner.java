package io.klinepipeline.engine.upload;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the {@code hour=} and {@code date=} folders that uploads have emptied, so a long-running
 * engine does not leave one empty folder per stream and hour behind. Only folders of hours that
 * ended more than an hour ago go: a writer may still create a file in the current or the
 * previous hour's folder, and must not find it gone.
 */
final class EmptyFolderPruner {
    private static final Logger log = LoggerFactory.getLogger(EmptyFolderPruner.class);
    private static final Duration SAFETY = Duration.ofHours(1);

    private final Path localDir;
    private final Clock clock;

    EmptyFolderPruner(Path localDir, Clock clock) {
        this.localDir = localDir.toAbsolutePath().normalize();
        this.clock = clock;
    }

    /** Called after {@code deletedFile} was removed. */
    void pruneAfterDeleting(Path deletedFile) {
        Path hourDir = deletedFile.toAbsolutePath().normalize().getParent();
        Path dateDir = hourDir.getParent();
        Optional<Instant> hourEnd = endOf(dateDir, hourDir);
        if (hourEnd.isEmpty() || !dateDir.startsWith(localDir) || hourEnd.get().plus(SAFETY).isAfter(clock.instant())) {
            return;
        }
        if (deleteIfEmpty(hourDir)) {
            Instant dayEnd = LocalDate.parse(dateDir.getFileName().toString().substring(5)).plusDays(1)
                    .atStartOfDay(ZoneOffset.UTC).toInstant();
            if (!dayEnd.plus(SAFETY).isAfter(clock.instant())) {
                deleteIfEmpty(dateDir);
            }
        }
    }

    private static Optional<Instant> endOf(Path dateDir, Path hourDir) {
        String date = dateDir.getFileName().toString();
        String hour = hourDir.getFileName().toString();
        if (!date.startsWith("date=") || !hour.startsWith("hour=")) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(date.substring(5)).atStartOfDay(ZoneOffset.UTC).toInstant()
                    .plus(Duration.ofHours(Integer.parseInt(hour.substring(5)) + 1L)));
        } catch (DateTimeParseException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean deleteIfEmpty(Path dir) {
        try {
            Files.delete(dir);
            return true;
        } catch (DirectoryNotEmptyException | NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            log.warn("[upload] could not remove empty folder {}: {}", dir, e.toString());
            return false;
        }
    }
}
