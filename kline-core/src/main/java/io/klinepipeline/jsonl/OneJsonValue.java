package io.klinepipeline.jsonl;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.klinepipeline.exchange.MalformedPayloadException;
import java.io.IOException;

/**
 * The rule a frame is held to before it is written as a line's payload: exactly one JSON value, as
 * the readers will parse it (same parser and limits, nothing after the value, every float converted
 * as {@code USE_BIG_DECIMAL_FOR_FLOATS} converts it, so 1e9999999999 fails here and not in a reader).
 * Streamed, not built into a tree: it runs once per frame on the engine's hot path, from a String in
 * {@link RawEventCodec} and from the frame's bytes in the engine's line encoder.
 */
public final class OneJsonValue {

    private OneJsonValue() {
    }

    /**
     * Reads the parser's one value to its end and checks nothing follows.
     *
     * @throws MalformedPayloadException empty, cut short or followed by more
     * @throws IOException Jackson's own refusal (a JsonProcessingException) or a read error
     * @throws NumberFormatException a float out of BigDecimal's range
     */
    public static void read(JsonParser parser) throws IOException, MalformedPayloadException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new MalformedPayloadException("empty frame");
        }
        int depth = 0;
        while (true) {
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                depth++;
            } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                depth--;
            } else if (token == JsonToken.VALUE_NUMBER_FLOAT) {
                parser.getDecimalValue();
            }
            if (depth == 0) {
                break;
            }
            token = parser.nextToken();
            if (token == null) {
                throw new MalformedPayloadException("frame is not JSON: unexpected end of input");
            }
        }
        if (parser.nextToken() != null) {
            throw new MalformedPayloadException("frame is not JSON: trailing token after the value");
        }
    }
}
