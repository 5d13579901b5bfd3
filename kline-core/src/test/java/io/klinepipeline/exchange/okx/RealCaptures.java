package io.klinepipeline.exchange.okx;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The real OKX/OKCoin captures in shared/real-data/okx (see its SOURCES.md), read in place; tests skip without them. */
final class RealCaptures {
    /** As the bronze reader parses payloads: floats as BigDecimal. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** One received frame: its text verbatim, the recorder's receive time (EPOCH when it gave none) and note. */
    record Frame(String text, Instant receivedAt, String note) {}

    private RealCaptures() {}

    static Path file(String name) {
        String root = System.getProperty("kline.realData");
        Path file = root == null ? null : Path.of(root, "okx", name);
        assumeTrue(file != null && Files.isRegularFile(file),
                "real capture okx/" + name + " is absent (shared/real-data not beside the project); skipping");
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
                    Instant at = ts == null || ts.isNull() ? Instant.EPOCH
                            : Instant.ofEpochMilli(Math.round(ts.doubleValue() * 1000));
                    frames.add(new Frame(record.get("data").asText(), at, record.path("note").asText("")));
                }
            }
        }
        return frames;
    }
}
