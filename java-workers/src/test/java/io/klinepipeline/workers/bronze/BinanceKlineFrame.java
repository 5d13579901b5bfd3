package io.klinepipeline.workers.bronze;

import java.time.Instant;

/**
 * A Binance spot kline event as the raw stream sends it (Binance "WebSocket Streams", Kline/Candlestick):
 * prices and volumes as strings, open and close time in ms, {@code x} true on the minute's closing update.
 */
record BinanceKlineFrame(
        String symbol, String interval, Instant minute, Instant eventTime,
        String open, String high, String low, String close, String volume, String quoteVolume, int trades, boolean closed) {

    static BinanceKlineFrame update(Instant minute, Instant eventTime, String open, String high, String low, String close,
            String volume, String quoteVolume, int trades) {
        return new BinanceKlineFrame("BTCUSDT", "1m", minute, eventTime, open, high, low, close, volume, quoteVolume, trades, false);
    }

    BinanceKlineFrame closing() {
        return new BinanceKlineFrame(symbol, interval, minute, eventTime, open, high, low, close, volume, quoteVolume, trades, true);
    }

    /** The same values for another minute, sent two seconds into it. */
    BinanceKlineFrame atMinute(Instant other) {
        return new BinanceKlineFrame(symbol, interval, other, other.plusSeconds(2), open, high, low, close, volume, quoteVolume, trades,
                closed);
    }

    BinanceKlineFrame withSymbol(String other) {
        return new BinanceKlineFrame(other, interval, minute, eventTime, open, high, low, close, volume, quoteVolume, trades, closed);
    }

    BinanceKlineFrame withInterval(String other) {
        return new BinanceKlineFrame(symbol, other, minute, eventTime, open, high, low, close, volume, quoteVolume, trades, closed);
    }

    /** The frame text, keys in Binance's order. */
    String text() {
        long t = minute.toEpochMilli();
        // An empty minute has no first and last trade id: Binance sends -1 for both.
        long firstTrade = trades == 0 ? -1 : 745_522_651L;
        long lastTrade = trades == 0 ? -1 : firstTrade + trades - 1;
        return "{\"e\":\"kline\",\"E\":" + eventTime.toEpochMilli() + ",\"s\":\"" + symbol + "\",\"k\":{"
                + "\"t\":" + t + ",\"T\":" + (t + 59_999) + ",\"s\":\"" + symbol + "\",\"i\":\"" + interval + "\","
                + "\"f\":" + firstTrade + ",\"L\":" + lastTrade + ","
                + "\"o\":\"" + open + "\",\"c\":\"" + close + "\",\"h\":\"" + high + "\",\"l\":\"" + low + "\","
                + "\"v\":\"" + volume + "\",\"n\":" + trades + ",\"x\":" + closed + ","
                + "\"q\":\"" + quoteVolume + "\",\"V\":\"" + volume + "\",\"Q\":\"" + quoteVolume + "\",\"B\":\"0\"}}";
    }
}
