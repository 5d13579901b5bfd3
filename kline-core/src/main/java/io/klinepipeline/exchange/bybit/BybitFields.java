package io.klinepipeline.exchange.bybit;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Field readers shared by the WebSocket and REST shapes. Bybit v5 sends prices and volumes as
 * strings and times in milliseconds (numbers on the WebSocket, strings in REST rows); the pre-v5
 * streams sent numbers and seconds, which these readers refuse.
 */
final class BybitFields {
    static final int MINUTE_SECONDS = 60;
    static final long MINUTE_MILLIS = 60_000;
    /** 2001-09-09 in ms; any v5 start time is later, while a time in seconds is far smaller. */
    private static final long FIRST_PLAUSIBLE_MILLIS = 1_000_000_000_000L;

    private BybitFields() {}

    static String text(JsonNode object, String field) throws MalformedPayloadException {
        JsonNode node = object.get(field);
        if (node == null || !node.isTextual()) {
            throw new MalformedPayloadException("missing or non-string field '" + field + "'");
        }
        return node.asText();
    }

    static long wholeNumberField(JsonNode object, String field) throws MalformedPayloadException {
        JsonNode node = object.get(field);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new MalformedPayloadException("missing or non-integer field '" + field + "'");
        }
        return node.longValue();
    }

    /** A whole number written as a string, as REST rows carry their start time. */
    static long wholeNumberText(JsonNode node, String what) throws MalformedPayloadException {
        if (node == null || !node.isTextual()) {
            throw new MalformedPayloadException("missing or non-string " + what);
        }
        try {
            return Long.parseLong(node.asText());
        } catch (NumberFormatException e) {
            throw new MalformedPayloadException(what + " is not a whole number: '" + node.asText() + "'");
        }
    }

    static double decimalField(JsonNode object, String field) throws MalformedPayloadException {
        return decimal(object.get(field), "'" + field + "'");
    }

    /**
     * A non-negative decimal string. BigDecimal rather than Double.parseDouble, which would also
     * take "NaN", "Infinity", hex floats and a trailing 'd'.
     */
    static double decimal(JsonNode node, String what) throws MalformedPayloadException {
        if (node == null || !node.isTextual()) {
            throw new MalformedPayloadException("missing or non-string decimal " + what);
        }
        BigDecimal value;
        try {
            value = new BigDecimal(node.asText());
        } catch (NumberFormatException e) {
            throw new MalformedPayloadException("decimal " + what + " is not a number: '" + node.asText() + "'");
        }
        double asDouble = value.doubleValue();
        if (value.signum() < 0 || !Double.isFinite(asDouble)) {
            throw new MalformedPayloadException("decimal " + what + " out of range: " + node.asText());
        }
        return asDouble;
    }

    /** Checks a candle's start time: milliseconds, on a whole minute. */
    static Instant minuteStart(long startMillis) throws MalformedPayloadException {
        if (startMillis < FIRST_PLAUSIBLE_MILLIS) {
            throw new MalformedPayloadException("start time " + startMillis + " is not in milliseconds (pre-v5 seconds?)");
        }
        if (startMillis % MINUTE_MILLIS != 0) {
            throw new MalformedPayloadException("start time " + startMillis + " is not on a whole minute");
        }
        return Instant.ofEpochMilli(startMillis);
    }

    /** Bybit gives no trade count; turnover is the quote volume, from which the vwap follows. */
    static Candle candle(String exchange, String symbol, Instant start, double open, double high, double low,
            double close, double volume, double turnover, boolean isFinal) throws MalformedPayloadException {
        if (high < low) {
            throw new MalformedPayloadException("high " + high + " is below low " + low);
        }
        return new Candle(exchange, symbol, MINUTE_SECONDS, start, open, high, low, close,
                volume, turnover, Candle.vwapOf(turnover, volume), null, isFinal);
    }
}
