package io.klinepipeline.pipes;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds every message and writes them, one per line, when closed: {@code {"buffered_stdio": ...}},
 * for launchers that read the stream only once the process is done.
 */
public final class PipesBufferedStreamMessageWriter implements PipesMessageWriter {

    private final OutputStream out;
    private final String name;
    private final List<String> buffer = new ArrayList<>();

    public PipesBufferedStreamMessageWriter(OutputStream out, String name) {
        this.out = out;
        this.name = name;
    }

    @Override
    public synchronized void write(String messageJson) {
        buffer.add(messageJson);
    }

    @Override
    public synchronized void close() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (String message : buffer) {
            lines.append(message).append('\n');
        }
        buffer.clear();
        out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public String toString() {
        return "PipesBufferedStreamMessageWriter[" + name + "]";
    }
}
