package io.klinepipeline.workers.bronze;

import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.jsonl.BronzeLayout;
import io.klinepipeline.jsonl.RawEvent;
import io.klinepipeline.jsonl.RawEventCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings a JSONL file that is not in the layout (a restored backup, a hand-copied file) into it,
 * so that ext-to-bronze reads it: every line is checked against the JSONL contract and the
 * stream, then the lines are split by the UTC hour of their {@code received_at} (a window reads
 * only its own hour folders) and each hour's lines become one file in that hour's folder.
 *
 * <p>A file with any bad line is refused whole, naming the file and the line, before anything is
 * written. The new names come from the content ({@link #fileName}), never from
 * a clock or a random number: importing the same file twice gives the same names, and the second
 * import finds them present and writes nothing, so bronze is never doubled by a retried import.
 */
public final class JsonlImport {
    /** The writer part of an imported file's name; the engine's writer ids are eight characters. */
    static final String WRITER = "import";

    private final Exchange exchange;
    private final String symbol;
    private final RawEventCodec codec = new RawEventCodec();

    public JsonlImport(Exchange exchange, String symbol) {
        this.exchange = exchange;
        this.symbol = symbol;
    }

    /** One file to write: its name below the source root, the hour of its folder, its content, how many lines it holds. */
    public record ImportedFile(String name, Instant hour, byte[] content, long lines) {}

    /** A file is refused: {@link #getMessage()} names the file and the line. */
    public static final class RefusedFileException extends Exception {
        private static final long serialVersionUID = 1L;

        RefusedFileException(String message) {
            super(message);
        }
    }

    /**
     * Reads and checks one file and returns what to write for it, one file per hour.
     *
     * @throws RefusedFileException when a line is not whole UTF-8 JSON of the contract or of another stream
     */
    public List<ImportedFile> plan(Path file) throws IOException, RefusedFileException {
        byte[] bytes = Files.readAllBytes(file);
        Map<Instant, ByteArrayOutputStream> hours = new LinkedHashMap<>();
        Map<Instant, Instant> openedAt = new LinkedHashMap<>();
        Map<Instant, Long> lineCounts = new LinkedHashMap<>();
        int lineNumber = 0;
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            lineNumber++;
            RawEvent event = check(file, lineNumber, bytes, start, end);
            Instant hour = event.receivedAt().truncatedTo(ChronoUnit.HOURS);
            ByteArrayOutputStream out = hours.computeIfAbsent(hour, h -> new ByteArrayOutputStream());
            openedAt.putIfAbsent(hour, event.receivedAt());
            lineCounts.merge(hour, 1L, Long::sum);
            // Every line ends in '\n', the last one too: a local reader takes an unterminated
            // last line for one still being written and would skip it.
            out.write(bytes, start, end - start);
            out.write('\n');
            start = end + 1;
        }
        if (hours.isEmpty()) {
            throw new RefusedFileException(file + " has no lines");
        }
        List<ImportedFile> files = new ArrayList<>();
        for (Map.Entry<Instant, ByteArrayOutputStream> hour : hours.entrySet()) {
            byte[] content = hour.getValue().toByteArray();
            String name = BronzeLayout.hourPrefix(exchange, symbol, hour.getKey())
                    + fileName(openedAt.get(hour.getKey()), content);
            files.add(new ImportedFile(name, hour.getKey(), content, lineCounts.get(hour.getKey())));
        }
        return files;
    }

    private RawEvent check(Path file, int lineNumber, byte[] bytes, int start, int end) throws RefusedFileException {
        String where = file + " line " + lineNumber + ": ";
        if (end > start && bytes[end - 1] == '\r') {
            throw new RefusedFileException(where + "ends in a carriage return; the JSONL contract has '\\n' line ends only");
        }
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
        } catch (CharacterCodingException e) {
            throw new RefusedFileException(where + "is not valid UTF-8");
        }
        if (line.isBlank()) {
            throw new RefusedFileException(where + "is empty");
        }
        RawEvent event;
        try {
            event = codec.decode(line);
        } catch (MalformedPayloadException e) {
            throw new RefusedFileException(where + e.getMessage());
        }
        if (!event.exchange().equals(exchange.name()) || !event.symbol().equals(symbol)) {
            throw new RefusedFileException(where + "is an event of " + event.exchange() + "/" + event.symbol()
                    + ", not of " + exchange.name() + "/" + symbol);
        }
        return event;
    }

    /**
     * {@code <opened-at>-import-<content id>.jsonl}: the layout's time prefix (the first 19
     * characters of any name it makes, as {@link BronzeLayout#openedAt} reads them), so the file
     * sorts among the engine's by time, and a content id where the engine puts its random parts.
     */
    static String fileName(Instant openedAt, byte[] content) {
        String name = BronzeLayout.newFileName(openedAt, WRITER).substring(0, 19) + "-" + WRITER + "-" + contentId(content)
                + BronzeLayout.SUFFIX;
        if (!BronzeLayout.isDataFileName(name) || !BronzeLayout.openedAt(name).equals(openedAt.truncatedTo(ChronoUnit.MILLIS))) {
            throw new IllegalStateException("'" + name + "' is not a data file name of the bronze layout");
        }
        return name;
    }

    /** Sixteen hex digits of the content's SHA-256: the same content, the same name. */
    private static String contentId(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
