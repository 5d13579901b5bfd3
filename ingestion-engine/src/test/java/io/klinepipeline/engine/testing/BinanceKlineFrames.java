package io.klinepipeline.engine.testing;

import java.util.Locale;

/**
 * Kline events in the shape Binance documents for {@code <symbol>@kline_1m}: prices and volumes as
 * strings, {@code x} true on the last update of a minute.
 */
public final class BinanceKlineFrames {
    private final String symbol;
    private final long firstOpenMillis;

    public BinanceKlineFrames(String symbol, long firstOpenMillis) {
        this.symbol = symbol;
        this.firstOpenMillis = firstOpenMillis;
    }

    /** The n-th update (0-based); every fifth closes its minute. */
    public String frame(int n) {
        long open = firstOpenMillis + (n / 5) * 60_000L;
        boolean closed = n % 5 == 4;
        long eventTime = open + (n % 5) * 2_000L + (closed ? 59_999L - 8_000L : 0);
        String price = String.format(Locale.ROOT, "%.8f", 64000 + n * 0.5);
        return "{\"e\":\"kline\",\"E\":" + eventTime + ",\"s\":\"" + symbol + "\",\"k\":{\"t\":" + open + ",\"T\":"
                + (open + 59_999) + ",\"s\":\"" + symbol + "\",\"i\":\"1m\",\"f\":" + (100 + n) + ",\"L\":" + (110 + n)
                + ",\"o\":\"64000.00000000\",\"c\":\"" + price + "\",\"h\":\"" + price + "\",\"l\":\"63990.00000000\","
                + "\"v\":\"1.50000000\",\"n\":" + (n + 1) + ",\"x\":" + closed + ",\"q\":\"96000.00000000\","
                + "\"V\":\"0.70000000\",\"Q\":\"44800.00000000\",\"B\":\"0\"}}";
    }
}
