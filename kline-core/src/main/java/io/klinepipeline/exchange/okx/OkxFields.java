package io.klinepipeline.exchange.okx;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Reads one OKX v5 candle row, the same on the WebSocket and in REST ("Candlesticks channel",
 * "Get candlesticks", "Get candlesticks history"): an array of strings
 * {@code [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]}; {@code ts} is the opening time in
 * ms. For SPOT, {@code vol} is in the base currency and {@code volCcy} and {@code volCcyQuote} in
 * the quote currency (for derivatives vol counts contracts). {@code confirm} is "0" while the
 * candle is forming and "1" once completed. OKX gives no trade count. The 7-field rows of 2022
 * (no volCcyQuote, no confirm) are refused.
 */
final class OkxFields {
    static final int MINUTE_SECONDS = 60;
    static final long MINUTE_MILLIS = 60_000;
    static final int ROW_FIELDS = 9;
    /** 2001-09-09 in ms; any OKX candle is later, while a time in seconds is far smaller. */
    private static final long FIRST_PLAUSIBLE_MILLIS = 1_000_000_000_000L;

    private OkxFields() {}

    /** The row as a candle, final exactly when OKX says {@code confirm "1"}. */
    static Candle candle(String symbol, JsonNode row, String what) throws MalformedPayloadException {
        if (row == null || !row.isArray()) {
            throw new MalformedPayloadException(what + " is not an array");
        }
        if (row.size() < ROW_FIELDS) {
            throw new MalformedPayloadException(what + " has " + row.size() + " fields, not the " + ROW_FIELDS
                    + " of [ts,o,h,l,c,vol,volCcy,volCcyQuote,confirm]"
                    + (row.size() == 7 ? " (the old format without volCcyQuote and confirm)" : ""));
        }
        Instant start = minuteStart(wholeNumber(row.get(0), "ts of " + what));
        double open = decimal(row.get(1), "o of " + what);
        double high = decimal(row.get(2), "h of " + what);
        double low = decimal(row.get(3), "l of " + what);
        double close = decimal(row.get(4), "c of " + what);
        double volume = decimal(row.get(5), "vol of " + what);
        decimal(row.get(6), "volCcy of " + what); // checked for shape; volCcyQuote is the quote volume
        double quoteVolume = decimal(row.get(7), "volCcyQuote of " + what);
        boolean confirmed = confirm(row.get(8), what);
        if (high < low) {
            throw new MalformedPayloadException(what + ": high " + high + " is below low " + low);
        }
        return new Candle(OkxExchange.NAME, symbol, MINUTE_SECONDS, start, open, high, low, close,
                volume, quoteVolume, Candle.vwapOf(quoteVolume, volume), null, confirmed);
    }

    /** The same candle with another closed flag. */
    static Candle withFinal(Candle c, boolean isFinal) {
        return new Candle(c.exchange(), c.symbol(), c.intervalSeconds(), c.intervalStart(), c.open(), c.high(), c.low(),
                c.close(), c.volume(), c.quoteVolume(), c.vwap(), c.tradeCount(), isFinal);
    }

    private static boolean confirm(JsonNode node, String what) throws MalformedPayloadException {
        if (node == null || !node.isTextual()) {
            throw new MalformedPayloadException("missing or non-string confirm of " + what);
        }
        return switch (node.asText()) {
            case "1" -> true;
            case "0" -> false;
            default -> throw new MalformedPayloadException("confirm of " + what + " is '" + node.asText() + "', not \"0\" or \"1\"");
        };
    }

    static long wholeNumber(JsonNode node, String what) throws MalformedPayloadException {
        if (node == null || !node.isTextual()) {
            throw new MalformedPayloadException("missing or non-string " + what);
        }
        try {
            return Long.parseLong(node.asText());
        } catch (NumberFormatException e) {
            throw new MalformedPayloadException(what + " is not a whole number: '" + node.asText() + "'");
        }
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
            throw new MalformedPayloadException(what + " is not a number: '" + node.asText() + "'");
        }
        double asDouble = value.doubleValue();
        if (value.signum() < 0 || !Double.isFinite(asDouble)) {
            throw new MalformedPayloadException(what + " out of range: " + node.asText());
        }
        return asDouble;
    }

    static Instant minuteStart(long startMillis) throws MalformedPayloadException {
        if (startMillis < FIRST_PLAUSIBLE_MILLIS) {
            throw new MalformedPayloadException("ts " + startMillis + " is not in milliseconds");
        }
        if (startMillis % MINUTE_MILLIS != 0) {
            throw new MalformedPayloadException("ts " + startMillis + " is not on a whole minute");
        }
        return Instant.ofEpochMilli(startMillis);
    }
}
