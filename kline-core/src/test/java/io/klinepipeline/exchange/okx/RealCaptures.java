package io.klinepipeline.exchange.okx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.RealCaptureFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** The real OKX/OKCoin captures in shared/real-data/okx, read in place; tests skip without them. */
final class RealCaptures {
    static final ObjectMapper JSON = RealCaptureFiles.JSON;
    private static final String EXCHANGE = "okx";

    /** One received frame: its text verbatim, the recorder's receive time (EPOCH when it gave none) and note. */
    record Frame(String text, Instant receivedAt, String note) {}

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
        Instant at = ts == null || ts.isNull() ? Instant.EPOCH : Instant.ofEpochMilli(Math.round(ts.doubleValue() * 1000));
        return new Frame(record.get("data").asText(), at, record.path("note").asText(""));
    }
}
