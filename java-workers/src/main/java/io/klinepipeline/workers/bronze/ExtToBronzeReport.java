package io.klinepipeline.workers.bronze;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What one ext-to-bronze run did.
 *
 * @param objects JSONL objects opened
 * @param lines complete lines read (up to the grace limit after the window)
 * @param rowsLoaded bronze rows inserted: every update of every minute in the window
 * @param rowsReplaced earlier websocket rows of the window that the load replaced
 * @param rowsUnchanged of those, the rows of hours whose rows were the same as the load's, which
 *     were left in place rather than deleted and inserted again
 * @param deadLettered lines refused and written to {@code deadLetterFile}
 * @param firstMinute first minute with a row, or null when nothing loaded
 * @param lastMinute last minute with a row, or null when nothing loaded
 * @param finalMinutes minutes with a final row (the exchange's closing update)
 * @param deadLetterFile the run's dead-letter file, or null when nothing was refused
 * @param windowMinutes minutes in the window
 * @param minutesWithRows minutes with at least one row
 * @param partialLinesIgnored objects ending in an unterminated line (a local file still being written)
 * @param hoursWithoutSource hours of the window with no source objects, left untouched
 * @param firstDeadLetters the first {@link io.klinepipeline.workers.report.Listed#LIMIT} refused
 *     lines: "object line N: why"
 * @param skippedFiles files in the window's hour folders that are not named by the layout and so
 *     were not read (where each lives: a path or an s3:// URL), every one of them
 */
public record ExtToBronzeReport(
        long objects,
        long lines,
        long rowsLoaded,
        long rowsReplaced,
        long rowsUnchanged,
        long deadLettered,
        Instant firstMinute,
        Instant lastMinute,
        long finalMinutes,
        Path deadLetterFile,
        long windowMinutes,
        long minutesWithRows,
        long partialLinesIgnored,
        long hoursWithoutSource,
        List<String> firstDeadLetters,
        List<String> skippedFiles) {

    public ExtToBronzeReport {
        firstDeadLetters = List.copyOf(firstDeadLetters);
        skippedFiles = List.copyOf(skippedFiles);
    }

    /**
     * Dead-lettered lines over the lines read for the window (0 when none were read): the share of
     * the captured input bronze could not use.
     */
    public double deadLetterShare() {
        return lines == 0 ? 0 : (double) deadLettered / lines;
    }

    /** Minutes of the window that silver cannot take from this load yet: no closing update seen. */
    public long minutesWithoutFinal() {
        return windowMinutes - finalMinutes;
    }

    /** One line for a shell user or a log. */
    public String summary() {
        return objects + " objects, " + lines + " lines -> " + rowsLoaded + " rows (replaced " + rowsReplaced
                + (rowsUnchanged == 0 ? "" : ", of which " + rowsUnchanged + " unchanged and kept") + "); "
                + (firstMinute == null ? "no minutes" : "minutes " + firstMinute + " .. " + lastMinute)
                + ", " + finalMinutes + "/" + windowMinutes + " final; "
                + deadLettered + " dead-lettered" + (deadLetterFile == null ? "" : " to " + deadLetterFile)
                + (partialLinesIgnored == 0 ? "" : "; " + partialLinesIgnored + " unterminated last lines ignored")
                + (hoursWithoutSource == 0 ? "" : "; " + hoursWithoutSource + " hour(s) without source objects left untouched")
                + (skippedFiles.isEmpty() ? "" : "; " + skippedFiles.size() + " file(s) not named by the layout skipped");
    }
}
