package io.klinepipeline.pipes;

import java.io.Closeable;
import java.io.IOException;

/**
 * Carries Pipes messages to the orchestration process. Implementations are thread-safe, and
 * {@link #close()} delivers anything still buffered.
 */
public interface PipesMessageWriter extends Closeable {

    /** Writes one message: a complete JSON object on one line, given without line terminator. */
    void write(String messageJson) throws IOException;
}
