package io.klinepipeline.exchange.kraken;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.RealCaptureFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The real Kraken captures in shared/real-data/kraken, read in place; tests skip without them. */
final class RealCaptures {
    static final ObjectMapper JSON = RealCaptureFiles.JSON;
    private static final String EXCHANGE = "kraken";

    /** One received frame: its text verbatim and the recorder's note, if any. */
    record Frame(String text, String note) {}

    private RealCaptures() {}

    static Path file(String name) {
        return RealCaptureFiles.file(EXCHANGE, name);
    }

    static String text(String name) throws IOException {
        return RealCaptureFiles.text(EXCHANGE, name);
    }

    /** The {@code recv} frames of a capture, in order. */
    static List<Frame> received(String name) throws IOException {
        return RealCaptureFiles.receivedRecords(EXCHANGE, name).stream().map(RealCaptures::frame).toList();
    }

    private static Frame frame(JsonNode record) {
        return new Frame(record.get("data").asText(), record.path("note").asText(""));
    }
}
