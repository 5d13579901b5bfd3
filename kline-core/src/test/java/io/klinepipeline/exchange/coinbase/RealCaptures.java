package io.klinepipeline.exchange.coinbase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.RealCaptureFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The real Coinbase captures in shared/real-data/coinbase, read in place; tests skip without them. */
final class RealCaptures {
    static final ObjectMapper JSON = RealCaptureFiles.JSON;
    private static final String EXCHANGE = "coinbase";

    /** One received frame: its text verbatim, the recorder's connection label and receive time (unix s, may be null). */
    record Frame(String text, String conn, Double ts) {}

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
        JsonNode ts = record.get("ts");
        return new Frame(record.get("data").asText(), record.path("conn").asText(""), ts == null || ts.isNull() ? null : ts.doubleValue());
    }
}
