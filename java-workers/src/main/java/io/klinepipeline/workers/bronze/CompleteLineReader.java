package io.klinepipeline.workers.bronze;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the newline-terminated lines of a JSONL stream, one at a time with a fixed buffer, so a
 * file of any size is read in constant memory. A last line without its '\n' is a write still in
 * progress (the engine appends to local files while they are open): it is not returned, only
 * noted by {@link #endedInPartialLine()}.
 */
public final class CompleteLineReader implements Closeable {
    /** Far above any exchange frame; a longer "line" is damage, kept only as its head. */
    static final int MAX_LINE_BYTES = 1 << 20;

    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    /** The current line's bytes, without its '\n' (and a '\r' before it); grows up to the limit. */
    private byte[] line = new byte[1024];
    private int lineLength;
    private boolean lineTruncated;
    private int position;
    private int limit;
    private long lineNumber;
    private boolean partialTail;

    public CompleteLineReader(InputStream in) {
        this.in = in;
    }

    /** One complete line: its 1-based number, its text without the line break, and whether it was cut. */
    public record Line(long number, String text, boolean truncated) {}

    /** The next complete line, or null at the end of the stream. */
    public Line next() throws IOException {
        return nextLine() ? new Line(lineNumber, lineText(), lineTruncated) : null;
    }

    /**
     * Moves to the next complete line, false at the end of the stream. The line is then read with
     * {@link #lineBytes()} and {@link #lineLength()} (no String made: a load's shortcut parses the
     * bytes) or {@link #lineText()}.
     */
    public boolean nextLine() throws IOException {
        lineLength = 0;
        lineTruncated = false;
        while (true) {
            if (position == limit) {
                int n = in.read(buffer);
                if (n < 0) {
                    partialTail = lineLength > 0 || lineTruncated;
                    return false;
                }
                position = 0;
                limit = n;
            }
            int newline = indexOfNewline();
            int end = newline < 0 ? limit : newline;
            int room = MAX_LINE_BYTES - lineLength;
            if (end - position > room) {
                lineTruncated = true;
            }
            append(Math.min(end - position, room));
            position = newline < 0 ? limit : newline + 1;
            if (newline >= 0) {
                lineNumber++;
                if (lineLength > 0 && line[lineLength - 1] == '\r') {
                    lineLength--;
                }
                return true;
            }
        }
    }

    /** The current line's bytes, valid up to {@link #lineLength()} until the next call of nextLine. */
    public byte[] lineBytes() {
        return line;
    }

    public int lineLength() {
        return lineLength;
    }

    public long lineNumber() {
        return lineNumber;
    }

    /** Whether the current line was longer than {@link #MAX_LINE_BYTES} and is only its head. */
    public boolean lineTruncated() {
        return lineTruncated;
    }

    /** The current line as text, bytes that are not UTF-8 replaced. */
    public String lineText() {
        return new String(line, 0, lineLength, StandardCharsets.UTF_8);
    }

    /** Whether the stream ended in bytes after the last '\n' (known once next() returned null). */
    public boolean endedInPartialLine() {
        return partialTail;
    }

    private void append(int count) {
        if (lineLength + count > line.length) {
            line = Arrays.copyOf(line, Math.max(lineLength + count, Math.min(line.length * 2, MAX_LINE_BYTES)));
        }
        System.arraycopy(buffer, position, line, lineLength, count);
        lineLength += count;
    }

    private int indexOfNewline() {
        for (int i = position; i < limit; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
