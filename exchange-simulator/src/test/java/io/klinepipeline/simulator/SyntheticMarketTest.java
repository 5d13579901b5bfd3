package io.klinepipeline.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.simulator.market.Listing;
import io.klinepipeline.simulator.market.SyntheticMarket;
import io.klinepipeline.simulator.market.Trade;
import io.klinepipeline.simulator.market.TrueCandle;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticMarketTest {
    private static final Instant HOUR = Instant.parse("2026-11-24T10:00:00Z");
    private final SyntheticMarket market = new SyntheticMarket(42, 20);
    private final Listing binance = new Listing("binance", "BTC", "USDT");

    @Test
    void theSameQuestionGetsTheSameTradesInAnyOrderAndFromAnotherInstance() {
        List<Trade> later = market.trades(binance, HOUR.plusSeconds(600));
        List<Trade> first = market.trades(binance, HOUR);
        assertThat(new SyntheticMarket(42, 20).trades(binance, HOUR)).isEqualTo(first);
        assertThat(market.trades(binance, HOUR.plusSeconds(600))).isEqualTo(later);
        assertThat(new SyntheticMarket(43, 20).trades(binance, HOUR)).isNotEqualTo(first);
    }

    @Test
    void tradesLieInTheirMinuteInTimeOrderWithIncreasingIds() {
        for (int m = 0; m < 60; m++) {
            Instant minute = HOUR.plusSeconds(60L * m);
            List<Trade> trades = market.trades(binance, minute);
            for (int i = 0; i < trades.size(); i++) {
                Trade t = trades.get(i);
                assertThat(t.time()).isAfterOrEqualTo(minute).isBefore(minute.plusSeconds(60));
                if (i > 0) {
                    assertThat(t.time()).isAfterOrEqualTo(trades.get(i - 1).time());
                    assertThat(t.id()).isGreaterThan(trades.get(i - 1).id());
                }
            }
        }
    }

    @Test
    void aCandleIsExactlyItsTradesAndAnEmptyMinuteStandsAtThePreviousClose() {
        int empty = 0;
        for (int m = 0; m < 600; m++) {
            Instant minute = HOUR.plusSeconds(60L * m);
            List<Trade> trades = market.trades(binance, minute);
            TrueCandle c = market.candle(binance, minute);
            if (trades.isEmpty()) {
                empty++;
                TrueCandle before = market.candle(binance, minute.minusSeconds(60));
                assertThat(c.volume()).isEqualByComparingTo(BigDecimal.ZERO);
                assertThat(c.tradeCount()).isZero();
                assertThat(c.open()).isEqualTo(c.close()).isEqualTo(before.close());
                assertThat(c.vwap()).isNull();
                continue;
            }
            assertThat(c.open()).isEqualTo(trades.get(0).price());
            assertThat(c.close()).isEqualTo(trades.get(trades.size() - 1).price());
            assertThat(c.high()).isEqualTo(trades.stream().map(Trade::price).max(BigDecimal::compareTo).orElseThrow());
            assertThat(c.low()).isEqualTo(trades.stream().map(Trade::price).min(BigDecimal::compareTo).orElseThrow());
            assertThat(c.volume()).isEqualTo(trades.stream().map(Trade::size).reduce(BigDecimal.ZERO, BigDecimal::add));
            assertThat(c.quoteVolume()).isEqualTo(trades.stream().map(Trade::quoteAmount).reduce(BigDecimal.ZERO, BigDecimal::add));
            assertThat(c.tradeCount()).isEqualTo(trades.size());
        }
        assertThat(empty).as("some minutes have no trades, not too many").isBetween(5, 60);
    }

    @Test
    void thePartialCandleGrowsIntoTheWholeOne() {
        Instant minute = HOUR.plusSeconds(120);
        TrueCandle half = market.partialCandle(binance, minute, minute.plusSeconds(30));
        TrueCandle whole = market.candle(binance, minute);
        assertThat(half.tradeCount()).isLessThanOrEqualTo(whole.tradeCount());
        assertThat(half.volume()).isLessThanOrEqualTo(whole.volume());
        assertThat(market.partialCandle(binance, minute, minute.plusSeconds(60).minusNanos(1))).isEqualTo(whole);
    }

    @Test
    void venuesAgreeOnAPriceRoughlyAsRealOnesDo() {
        Listing coinbase = new Listing("coinbase", "BTC", "USD");
        for (int m = 0; m < 60; m += 7) {
            Instant minute = HOUR.plusSeconds(60L * m);
            double a = market.candle(binance, minute).close().doubleValue();
            double b = market.candle(coinbase, minute).close().doubleValue();
            assertThat(Math.abs(a - b) / a).isLessThan(0.003);
        }
        assertThat(market.candle(new Listing("okx", "ETH", "USDT"), HOUR).close().doubleValue()).isBetween(2_500.0, 3_500.0);
    }
}
