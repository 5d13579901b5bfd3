package io.klinepipeline.pipes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends one message per line to the file Dagster tails ({@code {"path": ...}}). Each message is
 * one append of the complete line through an unbuffered channel, under a lock, so the reader never
 * sees half a line and sees every line as soon as {@link #write} returns.
 */
public final class PipesFileMessageWriter implements PipesMessageWriter {

    private final Path path;
    private final FileChannel channel;

    public PipesFileMessageWriter(Path path) throws IOException {
        this.path = path;
        try {
            this.channel = FileChannel.open(path,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IOException("Cannot open Dagster Pipes messages file " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void write(String messageJson) throws IOException {
        ByteBuffer line = ByteBuffer.wrap((messageJson + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            // One write call appends the whole line (O_APPEND); the loop only guards against a short write.
            while (line.hasRemaining()) {
                channel.write(line);
            }
        } catch (IOException e) {
            throw new IOException("Cannot append to Dagster Pipes messages file " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "PipesFileMessageWriter[" + path + "]";
    }
}
