package io.klinepipeline.pipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PipesStreamMessageWriterTest {

    @Test
    void writesEachMessageAsOneLineAsSoonAsItIsSent() throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        PipesStreamMessageWriter writer = new PipesStreamMessageWriter(stream, "stderr");

        writer.write("{\"a\":1}");
        assertThat(stream.toString(StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n");
        writer.write("{\"b\":\"\u20ac\"}");
        writer.close();

        assertThat(stream.toString(StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n{\"b\":\"\u20ac\"}\n");
    }

    @Test
    void bufferedWriterHoldsMessagesUntilClosed() throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        PipesBufferedStreamMessageWriter writer = new PipesBufferedStreamMessageWriter(stream, "stdout");

        writer.write("{\"a\":1}");
        writer.write("{\"b\":2}");
        assertThat(stream.size()).isZero();
        writer.close();

        assertThat(stream.toString(StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n{\"b\":2}\n");
    }

    @Test
    void opensTheStdioWriterNamedByPythonParams() throws Exception {
        try (PipesMessageWriter writer = PipesMessageWriters.open(PipesParamCodec.decode(PythonVectors.MESSAGES_STDERR), null)) {
            assertThat(writer).isInstanceOf(PipesStreamMessageWriter.class);
            assertThat(writer.toString()).contains("stderr");
        }
    }
}
