package io.klinepipeline.exchange.coinbase;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.MalformedPayloadException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Readers of the field shapes Advanced Trade uses: decimals, whole numbers and times as strings. */
final class CoinbaseFields {
    static final int MINUTE_SECONDS = 60;

    private CoinbaseFields() {}

    /** A decimal written as a string, as Advanced Trade writes prices and sizes; a JSON number is refused. */
    static BigDecimal decimalText(JsonNode node, String what) throws MalformedPayloadException {
        if (node == null || !node.isTextual()) {
            throw new MalformedPayloadException("missing or non-string " + what
                    + (node == null ? "" : " (" + node.getNodeType() + ")"));
        }
        BigDecimal value;
        try {
            value = new BigDecimal(node.asText());
        } catch (NumberFormatException e) {
            throw new MalformedPayloadException(what + " is not a number: '" + node.asText() + "'");
        }
        // Only values a double can hold: sums and products of them then cannot overflow BigDecimal's
        // scale (1E-2000000000 squared throws), and what is stored is what was sent.
        double asDouble = value.doubleValue();
        if (!Double.isFinite(asDouble) || (asDouble == 0 && value.signum() != 0)) {
            throw new MalformedPayloadException(what + " is out of range for a double: " + value);
        }
        return value;
    }

    /** A decimal string that must be greater than zero (trade prices and sizes). */
    static BigDecimal positive(JsonNode node, String what) throws MalformedPayloadException {
        BigDecimal value = decimalText(node, what);
        if (value.signum() <= 0) {
            throw new MalformedPayloadException(what + " is not positive: " + value);
        }
        return value;
    }

    /** A decimal string that must not be negative (REST candle fields). */
    static BigDecimal nonNegative(JsonNode node, String what) throws MalformedPayloadException {
        BigDecimal value = decimalText(node, what);
        if (value.signum() < 0) {
            throw new MalformedPayloadException(what + " is negative: " + value);
        }
        return value;
    }

    /** A whole number, as a JSON integer or a string of digits (Coinbase writes counters both ways). */
    static long wholeNumber(JsonNode node, String what) throws MalformedPayloadException {
        if (node != null && node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node != null && node.isTextual() && !node.asText().isEmpty() && node.asText().chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(node.asText());
            } catch (NumberFormatException e) {
                throw new MalformedPayloadException(what + " is out of range: '" + node.asText() + "'");
            }
        }
        throw new MalformedPayloadException("missing or non-integer " + what
                + (node == null ? "" : " (" + node.getNodeType() + ")"));
    }

    /** An RFC 3339 time, e.g. {@code 2019-08-14T20:42:27.265Z} or with a numeric offset. */
    static Instant time(JsonNode node, String what) throws MalformedPayloadException {
        if (node == null || !node.isTextual()) {
            throw new MalformedPayloadException("missing or non-string " + what);
        }
        try {
            return OffsetDateTime.parse(node.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new MalformedPayloadException(what + " is not an RFC 3339 time: '" + node.asText() + "'");
        }
    }

    static Instant minuteOf(Instant time) {
        return Instant.ofEpochSecond(Math.floorDiv(time.getEpochSecond(), MINUTE_SECONDS) * MINUTE_SECONDS);
    }
}
