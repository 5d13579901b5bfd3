package io.klinepipeline.pipes;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes one message per line to a stream, for {@code {"stdio": "stderr"|"stdout"}}: each line in
 * a single write followed by a flush. Closing flushes but leaves the stream open, since it is
 * usually the process's own stderr or stdout.
 */
public final class PipesStreamMessageWriter implements PipesMessageWriter {

    private final OutputStream out;
    private final String name;

    public PipesStreamMessageWriter(OutputStream out, String name) {
        this.out = out;
        this.name = name;
    }

    @Override
    public synchronized void write(String messageJson) throws IOException {
        out.write((messageJson + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.flush();
    }

    @Override
    public String toString() {
        return "PipesStreamMessageWriter[" + name + "]";
    }
}
