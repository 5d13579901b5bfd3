package io.klinepipeline.exchange.coinbase;

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

/** The real Coinbase captures in shared/real-data/coinbase (see its SOURCES.md), read in place; tests skip without them. */
final class RealCaptures {
    /** As the bronze reader parses payloads: floats as BigDecimal. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** One received frame: its text verbatim, the recorder's connection label and receive time (unix s, may be null). */
    record Frame(String text, String conn, Double ts) {}

    private RealCaptures() {}

    static Path file(String name) {
        String root = System.getProperty("kline.realData");
        Path file = root == null ? null : Path.of(root, "coinbase", name);
        assumeTrue(file != null && Files.isRegularFile(file),
                "real capture coinbase/" + name + " is absent (shared/real-data not beside the project); skipping");
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
                    JsonNode ts = record.get("ts");
                    frames.add(new Frame(record.get("data").asText(), record.path("conn").asText(""),
                            ts == null || ts.isNull() ? null : ts.doubleValue()));
                }
            }
        }
        return frames;
    }
}
