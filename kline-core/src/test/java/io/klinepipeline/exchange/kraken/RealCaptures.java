package io.klinepipeline.exchange.kraken;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real Kraken captures in shared/real-data/kraken (see its SOURCES.md), read in place; tests skip without them. */
final class RealCaptures {
    /** As the bronze reader parses payloads: floats as BigDecimal. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** One received frame: its text verbatim and the recorder's note, if any. */
    record Frame(String text, String note) {}

    private RealCaptures() {}

    static Path file(String name) {
        String root = System.getProperty("kline.realData");
        Path file = root == null ? null : Path.of(root, "kraken", name);
        assumeTrue(file != null && Files.isRegularFile(file),
                "real capture kraken/" + name + " is absent (shared/real-data not beside the project); skipping");
        return file;
    }

    static String text(String name) throws IOException {
        return Files.readString(file(name));
    }

    /** The {@code recv} frames of a capture in the JSONL envelope, in order. */
    static List<Frame> received(String name) throws IOException {
        List<Frame> frames = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file(name))) {
            for (String line; (line = reader.readLine()) != null; ) {
                JsonNode record = JSON.readTree(line);
                if ("recv".equals(record.path("t").asText())) {
                    frames.add(new Frame(record.get("data").asText(), record.path("note").asText("")));
                }
            }
        }
        return frames;
    }
}
