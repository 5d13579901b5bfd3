package io.klinepipeline.workers.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompleteLineReaderTest {

    @Test
    void returnsNumberedLinesWithoutTheirBreaks() throws IOException {
        CompleteLineReader reader = reader("a\r\n\nb ü\n");

        assertThat(all(reader)).containsExactly(
                new CompleteLineReader.Line(1, "a", false),
                new CompleteLineReader.Line(2, "", false),
                new CompleteLineReader.Line(3, "b ü", false));
        assertThat(reader.endedInPartialLine()).isFalse();
    }

    @Test
    void holdsBackAnUnterminatedTail() throws IOException {
        CompleteLineReader reader = reader("{\"v\":1}\n{\"v\":1,\"exch");

        assertThat(all(reader)).extracting(CompleteLineReader.Line::text).containsExactly("{\"v\":1}");
        assertThat(reader.endedInPartialLine()).isTrue();
    }

    @Test
    void cutsAnOverlongLineButKeepsReadingAfterIt() throws IOException {
        String huge = "x".repeat(CompleteLineReader.MAX_LINE_BYTES + 10);
        CompleteLineReader reader = reader(huge + "\nnext\n");

        List<CompleteLineReader.Line> lines = all(reader);

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).truncated()).isTrue();
        assertThat(lines.get(0).text()).hasSize(CompleteLineReader.MAX_LINE_BYTES);
        assertThat(lines.get(1)).isEqualTo(new CompleteLineReader.Line(2, "next", false));
    }

    @Test
    void readsLinesThatSpanItsBuffer() throws IOException {
        String line = "y".repeat(100_000);
        assertThat(all(reader(line + "\n" + line + "\n"))).extracting(CompleteLineReader.Line::text).containsExactly(line, line);
    }

    private static CompleteLineReader reader(String text) {
        return new CompleteLineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<CompleteLineReader.Line> all(CompleteLineReader reader) throws IOException {
        List<CompleteLineReader.Line> out = new ArrayList<>();
        for (CompleteLineReader.Line line = reader.next(); line != null; line = reader.next()) {
            out.add(line);
        }
        return out;
    }
}
