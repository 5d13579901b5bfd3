package io.klinepipeline.exchange.binance;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import java.time.Instant;

/** Field readers shared by the WebSocket and REST shapes: Binance sends prices and volumes as strings. */
final class BinanceFields {
    static final int MINUTE_SECONDS = 60;

    private BinanceFields() {}

    static String text(JsonNode object, String field) throws MalformedPayloadException {
        JsonNode node = object.get(field);
        if (node == null || !node.isTextual()) {
            throw new MalformedPayloadException("missing or non-string field '" + field + "'");
        }
        return node.asText();
    }

    static long wholeNumberField(JsonNode object, String field) throws MalformedPayloadException {
        return wholeNumber(object.get(field), "'" + field + "'");
    }

    static long wholeNumber(JsonNode node, String what) throws MalformedPayloadException {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new MalformedPayloadException("missing or non-integer " + what);
        }
        return node.longValue();
    }

    static double decimalField(JsonNode object, String field) throws MalformedPayloadException {
        return decimal(object.get(field), "'" + field + "'");
    }

    static double decimal(JsonNode node, String what) throws MalformedPayloadException {
        if (node == null || !node.isTextual()) {
            throw new MalformedPayloadException("missing or non-string decimal " + what);
        }
        try {
            double value = Double.parseDouble(node.asText());
            if (!Double.isFinite(value) || value < 0) {
                throw new MalformedPayloadException("decimal " + what + " out of range: " + node.asText());
            }
            return value;
        } catch (NumberFormatException e) {
            throw new MalformedPayloadException("decimal " + what + " is not a number: '" + node.asText() + "'");
        }
    }

    static Candle candle(String exchange, String symbol, long openMillis, double open, double high, double low,
            double close, double volume, double quoteVolume, long trades, boolean isFinal) throws MalformedPayloadException {
        if (openMillis % 60_000 != 0) {
            throw new MalformedPayloadException("open time " + openMillis + " is not on a whole minute");
        }
        if (high < low) {
            throw new MalformedPayloadException("high " + high + " is below low " + low);
        }
        if (trades < 0) {
            throw new MalformedPayloadException("negative trade count " + trades);
        }
        if (trades > Integer.MAX_VALUE) {
            // A cast would wrap it into a small, plausible, wrong count.
            throw new MalformedPayloadException("trade count " + trades + " is out of range");
        }
        return new Candle(exchange, symbol, MINUTE_SECONDS, Instant.ofEpochMilli(openMillis), open, high, low, close,
                volume, quoteVolume, Candle.vwapOf(quoteVolume, volume), (int) trades, isFinal);
    }
}
