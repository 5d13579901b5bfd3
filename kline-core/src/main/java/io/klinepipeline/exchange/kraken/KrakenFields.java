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
            throw new MalformedPayloadException(what + " is negative: " + value.toPlainString());
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
            throw new MalformedPayloadException(what + " is not a whole number: " + value.toPlainString());
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
            throw new MalformedPayloadException("high " + high.toPlainString() + " is below low " + low.toPlainString());
        }
        if (trades > Integer.MAX_VALUE) {
            throw new MalformedPayloadException("trade count " + trades + " is out of range");
        }
        boolean empty = volume.signum() == 0;
        Double quoteVolume = empty ? 0.0 : vwap.multiply(volume).doubleValue();
        return new Candle(KrakenExchange.NAME, symbol, MINUTE_SECONDS, start, open.doubleValue(), high.doubleValue(),
                low.doubleValue(), close.doubleValue(), volume.doubleValue(), quoteVolume,
                empty ? null : vwap.doubleValue(), (int) trades, isFinal);
    }
}
