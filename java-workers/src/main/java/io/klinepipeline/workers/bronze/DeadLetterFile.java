package io.klinepipeline.workers.bronze;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.workers.report.Listed;
import io.klinepipeline.workers.window.TimeWindow;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines one run could not use, kept for inspection rather than dropped: one JSON object per
 * line, {@code {"source":..,"line":..,"error":..,"text":..}}. The file is created on the first
 * line, so a clean run leaves nothing behind.
 */
final class DeadLetterFile implements Closeable {
    private static final DateTimeFormatter WINDOW_START =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RUN_AT =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private final Path path;
    private final ObjectMapper json = new ObjectMapper();
    private BufferedWriter writer;
    private long lines;
    private final List<String> firstEntries = new ArrayList<>();

    DeadLetterFile(Path path) {
        this.path = path;
    }

    /**
     * {@code <dead_letter_dir>/ext-to-bronze/exchange=<ex>/symbol=<segment>/<window start>-<run time>.jsonl}:
     * the window says what was being loaded, the run time keeps reruns apart.
     */
    static Path pathFor(Path deadLetterDir, Exchange exchange, String symbol, TimeWindow window, Instant runAt) {
        return deadLetterDir.resolve("ext-to-bronze")
                .resolve("exchange=" + exchange.name())
                .resolve("symbol=" + exchange.symbols().pathSegment(symbol))
                .resolve(WINDOW_START.format(window.start()) + "-" + RUN_AT.format(runAt) + ".jsonl");
    }

    /** Appends one unusable line with where it came from and why it was refused. */
    void add(String source, long lineNumber, String error, String text) throws IOException {
        if (writer == null) {
            Files.createDirectories(path.getParent());
            // A refused line's parse error can quote a lone surrogate the parser decoded from a
            // \ud800 escape; UTF-8 cannot encode it, and a strict encoder would fail the whole run
            // over one bad line (the fuzzer found this). It is written as '?' instead: the line's
            // own text came from decoding UTF-8, so it never holds one and is kept exactly.
            CharsetEncoder lenient = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            writer = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(path,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE), lenient));
        }
        ObjectNode entry = json.createObjectNode()
                .put("source", source)
                .put("line", lineNumber)
                .put("error", error)
                .put("text", text);
        writer.write(json.writeValueAsString(entry));
        writer.write('\n');
        lines++;
        if (firstEntries.size() < Listed.LIMIT) {
            firstEntries.add(source + " line " + lineNumber + ": " + error);
        }
    }

    long lines() {
        return lines;
    }

    /** Where the first {@link Listed#LIMIT} refused lines came from and why, for the check's metadata. */
    List<String> firstEntries() {
        return List.copyOf(firstEntries);
    }

    /** The file, or null when nothing was written. */
    Path writtenPath() {
        return writer == null ? null : path;
    }

    /**
     * Flushes the file and forces it to disk, before the load that refused its lines commits: the
     * ledger then skips a rerun of the window, so no later run would write these lines again.
     */
    void force() throws IOException {
        if (writer == null) {
            return;
        }
        writer.flush();
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.WRITE)) {
            file.force(true);
        }
        try (FileChannel folder = FileChannel.open(path.getParent(), StandardOpenOption.READ)) {
            folder.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        if (writer != null) {
            writer.close();
        }
    }
}
