package io.klinepipeline.exchange.kraken;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Field readers and the candle checks shared by the WebSocket and REST shapes. WebSocket v2 sends
 * JSON numbers; REST sends prices and volumes as strings (its OpenAPI allows numbers too).
 */
final class KrakenFields {
    static final int MINUTE_SECONDS = 60;

    private KrakenFields() {}

    /** A non-negative decimal: a JSON number, or a string holding one when {@code textAllowed}. */
    static BigDecimal decimal(JsonNode node, String what, boolean textAllowed) throws MalformedPayloadException {
        BigDecimal value;
        if (node != null && node.isNumber()) {
            if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
                throw new MalformedPayloadException(what + " is out of range for a double: " + node.asText());
            }
            value = node.decimalValue();
        } else if (textAllowed && node != null && node.isTextual()) {
            try {
                value = new BigDecimal(node.asText());
            } catch (NumberFormatException e) {
                throw new MalformedPayloadException(what + " is not a number: '" + node.asText() + "'");
            }
        } else {
            throw new MalformedPayloadException("missing or non-numeric " + what
                    + (node == null ? "" : " (" + node.getNodeType() + ")"));
        }
        if (value.signum() < 0) {
            throw new MalformedPayloadException(what + " is negative: " + value);
        }
        // Only values a double can hold, so that the exact vwap × volume cannot overflow BigDecimal's scale.
        double asDouble = value.doubleValue();
        if (!Double.isFinite(asDouble) || (asDouble == 0 && value.signum() != 0)) {
            throw new MalformedPayloadException(what + " is out of range for a double: " + value);
        }
        return value;
    }

    /** A whole non-negative number (trade counts, unix seconds); a float with no fraction is accepted. */
    static long wholeNumber(JsonNode node, String what) throws MalformedPayloadException {
        if (node == null || !node.isNumber()) {
            throw new MalformedPayloadException("missing or non-numeric " + what);
        }
        BigDecimal value = node.decimalValue();
        try {
            long whole = value.longValueExact();
            if (whole < 0) {
                throw new MalformedPayloadException(what + " is negative: " + whole);
            }
            return whole;
        } catch (ArithmeticException e) {
            throw new MalformedPayloadException(what + " is not a whole number: " + value);
        }
    }

    /**
     * A candle, checked. Kraken gives vwap and base volume but no quote volume; as vwap is
     * Σ(price·size)/Σsize, the quote volume Σ(price·size) is vwap × volume, exact up to Kraken's
     * rounding of vwap to the pair's price decimals. With no volume there is no average price:
     * vwap is null (Kraken's REST writes "0.0" there) and the quote volume is 0.
     */
    static Candle candle(String symbol, Instant start, BigDecimal open, BigDecimal high, BigDecimal low,
            BigDecimal close, BigDecimal volume, BigDecimal vwap, long trades, boolean isFinal) throws MalformedPayloadException {
        if (start.getNano() != 0 || start.getEpochSecond() % MINUTE_SECONDS != 0) {
            throw new MalformedPayloadException("interval start " + start + " is not on a whole minute");
        }
        if (high.compareTo(low) < 0) {
            throw new MalformedPayloadException("high " + high + " is below low " + low);
        }
        if (trades > Integer.MAX_VALUE) {
            throw new MalformedPayloadException("trade count " + trades + " is out of range");
        }
        boolean empty = volume.signum() == 0;
        double volumeValue = finite(volume, "volume");
        double vwapValue = finite(vwap, "vwap");
        // Both fit a double, so the exact product's scale cannot overflow; one too small for a double makes it 0.
        Double quoteVolume = empty || volumeValue == 0 || vwapValue == 0 ? 0.0
                : finite(vwap.multiply(volume), "quote volume (vwap × volume)");
        return new Candle(KrakenExchange.NAME, symbol, MINUTE_SECONDS, start, finite(open, "open"), finite(high, "high"),
                finite(low, "low"), finite(close, "close"), volumeValue, quoteVolume,
                empty ? null : vwapValue, (int) trades, isFinal);
    }

    /**
     * The value as a double, refused when it does not fit one (1e400 would be stored as Infinity).
     * Decimals too small for a double (1e-400) become 0, as every double column rounds them.
     */
    private static double finite(BigDecimal value, String what) throws MalformedPayloadException {
        return finite(value.doubleValue(), what);
    }

    private static double finite(double value, String what) throws MalformedPayloadException {
        if (!Double.isFinite(value)) {
            throw new MalformedPayloadException(what + " is out of range for a double: " + value);
        }
        return value;
    }
}
