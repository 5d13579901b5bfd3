package io.klinepipeline.engine.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes a JSONL file left behind by a crash end on a newline again. A file the engine was writing
 * when it died is complete up to its last newline; anything after it is a torn line that no
 * reader could use.
 */
public final class CompleteLines {
    private static final int CHUNK = 8192;

    private CompleteLines() {}

    /** Cuts the file after its last newline (to empty when it has none); returns the bytes removed. */
    public static long cutTornTail(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long keep = lengthOfWholeLines(channel, size);
            if (keep < size) {
                channel.truncate(keep);
                channel.force(false);
            }
            return size - keep;
        }
    }

    private static long lengthOfWholeLines(FileChannel channel, long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        long end = size;
        while (end > 0) {
            long start = Math.max(0, end - CHUNK);
            buffer.clear().limit((int) (end - start));
            long position = start;
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, position);
                if (read < 0) {
                    throw new IOException("file shrank while reading it");
                }
                position += read;
            }
            for (int i = (int) (end - start) - 1; i >= 0; i--) {
                if (buffer.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }
}
