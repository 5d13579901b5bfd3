package io.klinepipeline.exchange;

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

/**
 * The real captures in shared/real-data/&lt;exchange&gt; (see its SOURCES.md), read in place by the
 * path in the system property {@code kline.realData}; tests using them skip, saying so, without them.
 */
public final class RealCaptureFiles {
    /** As the bronze reader parses payloads: floats as BigDecimal. */
    public static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private RealCaptureFiles() {}

    public static Path file(String exchange, String name) {
        String root = System.getProperty("kline.realData");
        Path file = root == null ? null : Path.of(root, exchange, name);
        assumeTrue(file != null && Files.isRegularFile(file),
                "real capture " + exchange + "/" + name + " is absent (shared/real-data not beside the project); skipping");
        return file;
    }

    public static String text(String exchange, String name) throws IOException {
        return Files.readString(file(exchange, name));
    }

    /** The records of a capture in the recorders' JSONL envelope whose {@code t} is {@code recv}, in order. */
    public static List<JsonNode> receivedRecords(String exchange, String name) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file(exchange, name))) {
            for (String line; (line = reader.readLine()) != null; ) {
                JsonNode record = JSON.readTree(line);
                if ("recv".equals(record.path("t").asText())) {
                    records.add(record);
                }
            }
        }
        return records;
    }
}
