package io.klinepipeline.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

/**
 * What every parser promises of the candles it returns, so that bronze can hold them: the candle
 * is the stream's, on a whole minute and one minute long, its numbers finite and non-negative, its
 * high not below its low. Open and close within [low, high] is not among the promises: the
 * parsers check high against low only, and keep the exchange's open and close as sent.
 */
final class WarehouseCandles {
    private WarehouseCandles() {}

    /** Asserts the promises of each candle; returns how many were checked. */
    static int check(Exchange exchange, String symbol, List<Candle> candles) {
        assertThat(candles).isNotNull();
        for (Candle c : candles) {
            assertThat(c.exchange()).isEqualTo(exchange.name());
            assertThat(c.symbol()).isEqualTo(symbol);
            assertThat(c.intervalSeconds()).isEqualTo(60);
            assertThat(c.intervalStart().getEpochSecond() % 60).as("on a whole minute: %s", c).isZero();
            assertThat(c.intervalStart().getNano()).as("on a whole minute: %s", c).isZero();
            for (double value : new double[] {c.open(), c.high(), c.low(), c.close(), c.volume()}) {
                assertThat(Double.isFinite(value) && value >= 0).as("finite and not negative: %s", c).isTrue();
            }
            for (Double value : new Double[] {c.quoteVolume(), c.vwap()}) {
                assertThat(value == null || (Double.isFinite(value) && value >= 0)).as("finite and not negative: %s", c).isTrue();
            }
            assertThat(c.high()).as("high not below low: %s", c).isGreaterThanOrEqualTo(c.low());
            assertThat(c.tradeCount() == null || c.tradeCount() >= 0).as("trade count: %s", c).isTrue();
            assertThat(Duration.between(c.intervalStart(), c.intervalEnd())).isEqualTo(Duration.ofMinutes(1));
        }
        return candles.size();
    }
}
