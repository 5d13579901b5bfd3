package io.klinepipeline.exchange;

import java.time.Instant;

/**
 * One OHLCV candle as an exchange reported it, in the exchange's native symbol.
 *
 * @param quoteVolume volume in the quote asset; null where the exchange does not say
 * @param vwap volume-weighted average price; null where unknown or the volume is 0
 * @param tradeCount trades in the interval; null where the exchange does not say
 * @param isFinal the interval is over and these values will not change
 */
public record Candle(
        String exchange,
        String symbol,
        int intervalSeconds,
        Instant intervalStart,
        double open,
        double high,
        double low,
        double close,
        double volume,
        Double quoteVolume,
        Double vwap,
        Integer tradeCount,
        boolean isFinal) {

    public Instant intervalEnd() {
        return intervalStart.plusSeconds(intervalSeconds);
    }

    /** quote volume / volume, or null when the volume is 0 (no trades, no average price). */
    public static Double vwapOf(double quoteVolume, double volume) {
        return volume == 0.0 ? null : quoteVolume / volume;
    }
}
