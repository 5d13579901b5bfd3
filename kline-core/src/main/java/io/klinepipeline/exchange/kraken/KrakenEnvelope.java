package io.klinepipeline.exchange.kraken;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.MalformedPayloadException;
import java.net.URI;

/**
 * Kraken's REST answer envelope, {@code {"error":[...],"result":{...}}} ("Spot REST
 * Introduction": result and error for successful requests or those with warnings, only error for
 * failed ones). Floats are read as BigDecimal, so Trades' fractional-second times keep every digit.
 */
final class KrakenEnvelope {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private KrakenEnvelope() {}

    /** The {@code result} object of an answer that reports no error (warnings, W…, are fine). */
    static JsonNode result(String body, String endpoint) throws MalformedPayloadException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MalformedPayloadException(endpoint + " response is not JSON: " + e.getOriginalMessage(), e);
        } catch (NumberFormatException e) {
            // Read as BigDecimal, a number with an exponent BigDecimal cannot hold (1e9999999999) fails unchecked.
            throw new MalformedPayloadException(endpoint + " response holds a number out of range: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedPayloadException(endpoint + " response is not a JSON object");
        }
        JsonNode error = root.get("error");
        if (error != null && error.isArray()) {
            for (JsonNode e : error) {
                if (e.asText().startsWith("E")) {
                    throw new MalformedPayloadException(endpoint + " response reports an error: " + error);
                }
            }
        }
        JsonNode result = root.get("result");
        if (result == null || !result.isObject()) {
            throw new MalformedPayloadException(endpoint + " response has no 'result' object");
        }
        return result;
    }

    /** The configured rest_url without a trailing slash, to append Kraken's documented path to. */
    static String base(URI restBase) {
        String base = restBase.toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
