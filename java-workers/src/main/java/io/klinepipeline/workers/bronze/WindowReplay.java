package io.klinepipeline.workers.bronze;

import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.jsonl.RawEvent;
import io.klinepipeline.jsonl.RawEventCodec;
import io.klinepipeline.workers.window.TimeWindow;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays one stream's objects, in received order, through one payload parser, and hands every
 * candle of the window to the sink. One instance per run: it holds the run's parser state and counts.
 *
 * <p>Unusable lines go to the dead-letter file of the window they were received in, so that runs
 * over adjacent windows (which read into each other's first minutes for late closes) report each
 * line once. A line's time is its own {@code received_at}, else that of the last good line before
 * it in the same file; a line with neither counts for every window its hour folder overlaps. A
 * line whose {@code received_at} lies outside its file's hour folder (give or take
 * {@link #HOUR_FOLDER_TOLERANCE}) is refused as damaged and counts as a line without a time.
 */
final class WindowReplay {
    private static final Logger log = LoggerFactory.getLogger(WindowReplay.class);
    /**
     * How far outside its hour folder a line's time may lie and still be believed. The engine rolls
     * files at the hour, but a writer of another kind may file an hour's last close, received just
     * after the hour, with its minute (the generated inputs of the tests and of {@code make bench} do).
     */
    static final Duration HOUR_FOLDER_TOLERANCE = Duration.ofMinutes(5);

    /** Where in-window candles go, with the time they were received. */
    interface CandleSink {
        void accept(Candle candle, Instant receivedAt) throws IOException;
    }

    private final String exchange;
    private final String symbol;
    private final TimeWindow window;
    private final Instant readUntil;
    private final JsonlObjectSource source;
    private final RawEventCodec codec;
    private final PayloadParser parser;
    private final CandleSink sink;
    private final DeadLetterFile deadLetters;
    private final WindowCoverage coverage;
    private final String stream;
    /** Reads the usual lines of a Binance stream without the general way's String and tree; null for other exchanges. */
    private final BinanceLineShortcut shortcut;
    private long objects;
    private long lines;
    private long rows;
    private long partialLines;
    private Instant lastReceivedAt;
    private final List<ObjectIdentity> identities = new ArrayList<>();

    /**
     * @param readUntil a file is read up to its first line received after this instant
     * @param stream the stream's identity for log lines
     */
    WindowReplay(String exchange, String symbol, ReplaceScope scope, Instant readUntil, JsonlObjectSource source,
            RawEventCodec codec, PayloadParser parser, BinanceLineShortcut shortcut, CandleSink sink, DeadLetterFile deadLetters,
            String stream) {
        this.exchange = exchange;
        this.symbol = symbol;
        this.window = scope.window();
        this.readUntil = readUntil;
        this.source = source;
        this.codec = codec;
        this.parser = parser;
        this.sink = sink;
        this.deadLetters = deadLetters;
        this.coverage = new WindowCoverage(scope);
        this.stream = stream;
        this.shortcut = shortcut;
    }

    /** Reads one object of the hour folder {@code folderHour}. */
    void read(String object, Instant folderHour) throws IOException {
        objects++;
        String location = source.describe(object);
        boolean folderInWindow = folderHour.isBefore(window.end())
                && folderHour.plus(1, ChronoUnit.HOURS).isAfter(window.start());
        log.debug("{}: reading {}", stream, location);
        HashingInputStream hashing = new HashingInputStream(source.open(object));
        try (CompleteLineReader reader = new CompleteLineReader(hashing)) {
            readLines(reader, location, folderHour, folderInWindow);
            identities.add(hashing.finish(object));
        }
    }

    private void readLines(CompleteLineReader reader, String location, Instant folderHour, boolean folderInWindow)
            throws IOException {
        Instant earliest = folderHour.minus(HOUR_FOLDER_TOLERANCE);
        Instant latest = folderHour.plus(1, ChronoUnit.HOURS).plus(HOUR_FOLDER_TOLERANCE);
        Instant lastReceived = null;
        while (nextLine(reader, location)) {
            if (reader.lineTruncated()) {
                lines++;
                refuse(location, reader.lineNumber(), reader.lineText(), lastReceived, folderInWindow,
                        "line longer than " + CompleteLineReader.MAX_LINE_BYTES + " bytes; text cut to that length");
                continue;
            }
            if (shortcut != null && shortcut.read(reader.lineBytes(), reader.lineLength())) {
                Instant receivedAt = shortcut.receivedAt();
                if (inFolderHour(receivedAt, earliest, latest)) {
                    if (receivedAt.isAfter(readUntil)) {
                        stopped(location, reader.lineNumber(), receivedAt);
                        return;
                    }
                    lines++;
                    lastReceived = receivedAt;
                    lastReceivedAt = receivedAt;
                    take(shortcut.candle(), receivedAt);
                    continue;
                }
                // A time outside the folder's hour: the general way below refuses the line with its reason.
            }
            String text = reader.lineText();
            RawEvent event;
            try {
                event = codec.decode(text);
            } catch (MalformedPayloadException e) {
                lines++;
                refuse(location, reader.lineNumber(), text, lastReceived, folderInWindow, e.getMessage());
                continue;
            }
            if (!inFolderHour(event.receivedAt(), earliest, latest)) {
                lines++;
                refuse(location, reader.lineNumber(), text, lastReceived, folderInWindow, "received_at " + event.receivedAt()
                        + " is outside the file's hour folder " + folderHour + " (files roll at the hour), so the envelope is damaged");
                continue;
            }
            if (event.receivedAt().isAfter(readUntil)) {
                stopped(location, reader.lineNumber(), event.receivedAt());
                return;
            }
            lines++;
            lastReceived = event.receivedAt();
            lastReceivedAt = lastReceived;
            accept(location, reader.lineNumber(), text, event);
        }
        if (reader.endedInPartialLine()) {
            partialLines++;
            log.info("{}: ignored the unterminated last line of {} (a file still being written)", stream, location);
        }
    }

    /** Files hold events in received order: nothing after a line received past the read limit can be for the window. */
    private void stopped(String location, long lineNumber, Instant receivedAt) {
        log.debug("{}: stopped reading {} at line {}, received {}", stream, location, lineNumber, receivedAt);
    }

    private boolean nextLine(CompleteLineReader reader, String location) throws IOException {
        try {
            return reader.nextLine();
        } catch (IOException e) {
            throw new IOException("cannot read " + location + " after line " + lines + ": " + e.getMessage(), e);
        }
    }

    /**
     * Files roll at the UTC hour of their lines' {@code received_at}, so a time far outside the
     * file's hour folder is damage. Such a line is refused like one without a time: were its time
     * believed, a damaged line could end the read and leave the rest of its file neither loaded nor
     * dead-lettered, or give bronze an ingestion time from another century.
     */
    private static boolean inFolderHour(Instant receivedAt, Instant earliest, Instant latest) {
        return !receivedAt.isBefore(earliest) && receivedAt.isBefore(latest);
    }

    private void accept(String location, long lineNumber, String text, RawEvent event) throws IOException {
        if (!exchange.equals(event.exchange()) || !symbol.equals(event.symbol())) {
            refuse(location, lineNumber, text, event.receivedAt(), true, "envelope is for " + event.exchange() + "/" + event.symbol()
                    + ", but the file is in the folder of " + exchange + "/" + symbol);
            return;
        }
        List<Candle> candles;
        try {
            candles = parser.parse(event);
        } catch (MalformedPayloadException e) {
            refuse(location, lineNumber, text, event.receivedAt(), true, e.getMessage());
            return;
        }
        for (Candle candle : candles) {
            take(candle, event.receivedAt());
        }
    }

    private void take(Candle candle, Instant receivedAt) throws IOException {
        if (coverage.contains(candle.intervalStart())) {
            sink.accept(candle, receivedAt);
            coverage.add(candle);
            rows++;
        }
    }

    /**
     * @param receivedAt the line's time, or null when unknown
     * @param inWindowIfUnknown whether to keep an unknown-time line
     */
    private void refuse(String location, long lineNumber, String text, Instant receivedAt, boolean inWindowIfUnknown,
            String error) throws IOException {
        boolean ours = receivedAt == null
                ? inWindowIfUnknown
                : !receivedAt.isBefore(window.start()) && receivedAt.isBefore(window.end());
        if (ours) {
            deadLetters.add(location, lineNumber, error, text);
        } else {
            log.debug("{}: {} line {} is refused ({}) but belongs to another window's dead letters",
                    stream, location, lineNumber, error);
        }
    }

    /**
     * Hands on the candles the parser still held when the input ended (a minute being built from
     * trades); call once, after the last object.
     */
    void finish() throws IOException {
        for (Candle candle : parser.finish()) {
            if (coverage.contains(candle.intervalStart())) {
                sink.accept(candle, lastReceivedAt == null ? window.end() : lastReceivedAt);
                coverage.add(candle);
                rows++;
            }
        }
    }

    long objects() {
        return objects;
    }

    long lines() {
        return lines;
    }

    long rows() {
        return rows;
    }

    long partialLines() {
        return partialLines;
    }

    /** Every object read, as it was when read to its end (for {@link LoadLedger}). */
    List<ObjectIdentity> identities() {
        return List.copyOf(identities);
    }

    WindowCoverage coverage() {
        return coverage;
    }
}
