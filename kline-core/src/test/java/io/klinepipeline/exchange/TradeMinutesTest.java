package io.klinepipeline.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.exchange.TradeHistoryApi.HistoricTrade;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TradeMinutesTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    private static HistoricTrade trade(long id, int secondsIntoHour, String price, String size) {
        return new HistoricTrade(id, T0.plusSeconds(secondsIntoHour), new BigDecimal(price), new BigDecimal(size));
    }

    @Test
    void buildsExactCandlesPerMinuteFromTradesInAnyOrderCountingARepeatedTradeOnce() {
        TradeMinutes minutes = new TradeMinutes();
        // Given out of order, with minute 10:00's trades at the same second told apart by id.
        assertThat(minutes.add(trade(3, 30, "101.5", "0.2"))).isTrue();
        assertThat(minutes.add(trade(1, 5, "100", "1"))).isTrue();
        assertThat(minutes.add(trade(2, 5, "99", "0.5"))).isTrue();
        assertThat(minutes.add(trade(4, 59, "100.25", "0.3"))).isTrue();
        assertThat(minutes.add(trade(5, 125, "102", "2"))).isTrue();
        assertThat(minutes.add(trade(3, 30, "101.5", "0.2"))).as("a repeated trade").isFalse();

        List<Candle> candles = minutes.candles("kraken", "BTC/USD");

        assertThat(candles).extracting(Candle::intervalStart).containsExactly(T0, T0.plusSeconds(120));
        Candle first = candles.get(0);
        assertThat(first.open()).isEqualTo(100.0);
        assertThat(first.high()).isEqualTo(101.5);
        assertThat(first.low()).isEqualTo(99.0);
        assertThat(first.close()).isEqualTo(100.25);
        assertThat(first.volume()).isEqualTo(2.0);
        assertThat(first.quoteVolume()).isEqualTo(199.875); // 100 + 49.5 + 20.3 + 30.075, summed in decimal
        assertThat(first.vwap()).isEqualTo(99.9375);
        assertThat(first.tradeCount()).isEqualTo(4);
        assertThat(first.isFinal()).isTrue();
        assertThat(candles.get(1).tradeCount()).isEqualTo(1);
        assertThat(candles.get(1).open()).isEqualTo(102.0);
    }

    @Test
    void nothingTradedGivesNoCandles() {
        assertThat(new TradeMinutes().candles("kraken", "BTC/USD")).isEmpty();
    }
}
