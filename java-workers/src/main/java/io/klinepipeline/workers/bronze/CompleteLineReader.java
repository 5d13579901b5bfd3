package io.klinepipeline.workers.bronze;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

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
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
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
        line.reset();
        boolean truncated = false;
        while (true) {
            if (position == limit) {
                int n = in.read(buffer);
                if (n < 0) {
                    partialTail = line.size() > 0 || truncated;
                    return null;
                }
                position = 0;
                limit = n;
            }
            int newline = indexOfNewline();
            int end = newline < 0 ? limit : newline;
            int room = MAX_LINE_BYTES - line.size();
            if (end - position > room) {
                truncated = true;
            }
            line.write(buffer, position, Math.min(end - position, room));
            position = newline < 0 ? limit : newline + 1;
            if (newline >= 0) {
                lineNumber++;
                return new Line(lineNumber, text(), truncated);
            }
        }
    }

    /** Whether the stream ended in bytes after the last '\n' (known once next() returned null). */
    public boolean endedInPartialLine() {
        return partialTail;
    }

    private int indexOfNewline() {
        for (int i = position; i < limit; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private String text() {
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
