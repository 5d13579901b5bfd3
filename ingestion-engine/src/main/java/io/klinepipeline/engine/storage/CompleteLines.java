package io.klinepipeline.engine.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes a JSONL file left behind by a crash end on a newline again. A file the engine was writing
 * when it died is complete up to its last newline; anything after it is a torn line (the start of
 * a batch whose write the kill or the power loss cut short) that no reader could use.
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

    /**
     * Moves the bytes after the file's last newline to {@code tornCopy} (written and forced, with
     * its folders, before the data file is cut, so a crash in between loses nothing and a second
     * recovery writes the same copy again), then cuts them off. Returns the bytes moved; when there
     * are none, {@code tornCopy} is not created.
     */
    public static long moveTornTail(Path file, Path tornCopy) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long keep = lengthOfWholeLines(channel, size);
            if (keep == size) {
                return 0;
            }
            if (size - keep > Integer.MAX_VALUE) {
                throw new IOException(file + " has " + (size - keep) + " bytes after its last newline: too many to move aside");
            }
            ByteBuffer tail = ByteBuffer.allocate((int) (size - keep));
            readFully(channel, tail, keep);
            tail.flip();
            for (Path dir : DurableDirectories.create(tornCopy.getParent())) {
                DurableDirectories.sync(dir);
            }
            try (FileChannel copy = FileChannel.open(tornCopy, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (tail.hasRemaining()) {
                    copy.write(tail);
                }
                copy.force(false);
            }
            DurableDirectories.sync(tornCopy.getParent());
            channel.truncate(keep);
            channel.force(false);
            return size - keep;
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long from) throws IOException {
        long position = from;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new IOException("file shrank while reading it");
            }
            position += read;
        }
    }

    private static long lengthOfWholeLines(FileChannel channel, long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        long end = size;
        while (end > 0) {
            long start = Math.max(0, end - CHUNK);
            buffer.clear().limit((int) (end - start));
            readFully(channel, buffer, start);
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
