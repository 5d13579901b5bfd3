package io.klinepipeline.workers.bronze;

import io.klinepipeline.exchange.Candle;
import java.time.Instant;

/**
 * Encodes websocket candles as rows of PostgreSQL's COPY text format, in the column order of
 * {@link BronzeWindowLoad#COPY}: tab-separated, {@code \N} for null, backslash escapes.
 */
final class BronzeCopyRows {
    static final String SOURCE = "websocket";

    private BronzeCopyRows() {}

    /** One row, with its line break. */
    static void append(StringBuilder out, Candle candle, Instant ingestionTs) {
        text(out, candle.exchange()).append('\t');
        text(out, candle.symbol()).append('\t');
        out.append(candle.intervalSeconds()).append('\t');
        out.append(candle.intervalStart()).append('\t');
        out.append(candle.intervalEnd()).append('\t');
        number(out, candle.open()).append('\t');
        number(out, candle.high()).append('\t');
        number(out, candle.low()).append('\t');
        number(out, candle.close()).append('\t');
        number(out, candle.volume()).append('\t');
        number(out, candle.quoteVolume()).append('\t');
        number(out, candle.vwap()).append('\t');
        (candle.tradeCount() == null ? out.append("\\N") : out.append(candle.tradeCount().intValue())).append('\t');
        out.append(SOURCE).append('\t');
        out.append(ingestionTs).append('\t');
        out.append(candle.isFinal() ? 't' : 'f').append('\n');
    }

    /**
     * Double.toString writes enough digits to identify the double exactly, and PostgreSQL reads
     * double precision with correct rounding, so the stored value is the parsed one, bit for bit.
     */
    private static StringBuilder number(StringBuilder out, Double value) {
        return value == null ? out.append("\\N") : out.append(Double.toString(value));
    }

    private static StringBuilder text(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out;
    }
}
