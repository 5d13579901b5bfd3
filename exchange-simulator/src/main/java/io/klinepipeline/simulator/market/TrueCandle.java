package io.klinepipeline.simulator.market;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.List;

/**
 * The exact 1-minute candle of a listing's trades, or of the part of the minute up to a moment.
 * A minute without trades has volume 0, no trades, and every price at the previous close, as
 * venues that report empty minutes write them.
 *
 * @param firstTradeId the first trade's id; -1 without trades
 * @param lastTradeId the last trade's id; -1 without trades
 */
public record TrueCandle(
        Instant start,
        BigDecimal open,
        BigDecimal high,
        BigDecimal low,
        BigDecimal close,
        BigDecimal volume,
        BigDecimal quoteVolume,
        BigDecimal takerBuyVolume,
        BigDecimal takerBuyQuoteVolume,
        int tradeCount,
        long firstTradeId,
        long lastTradeId) {

    /** Builds the candle of {@code trades}, all inside the minute and in time order. */
    public static TrueCandle of(Instant start, List<Trade> trades, BigDecimal previousClose) {
        if (trades.isEmpty()) {
            BigDecimal p = previousClose;
            return new TrueCandle(start, p, p, p, p, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, 0, -1, -1);
        }
        BigDecimal high = trades.get(0).price();
        BigDecimal low = high;
        BigDecimal volume = BigDecimal.ZERO;
        BigDecimal quote = BigDecimal.ZERO;
        BigDecimal buyVolume = BigDecimal.ZERO;
        BigDecimal buyQuote = BigDecimal.ZERO;
        for (Trade t : trades) {
            high = high.max(t.price());
            low = low.min(t.price());
            volume = volume.add(t.size());
            quote = quote.add(t.quoteAmount());
            if (t.buyerIsTaker()) {
                buyVolume = buyVolume.add(t.size());
                buyQuote = buyQuote.add(t.quoteAmount());
            }
        }
        Trade first = trades.get(0);
        Trade last = trades.get(trades.size() - 1);
        return new TrueCandle(start, first.price(), high, low, last.price(), volume, quote, buyVolume, buyQuote,
                trades.size(), first.id(), last.id());
    }

    public Instant end() {
        return start.plusSeconds(60);
    }

    public boolean hasTrades() {
        return tradeCount > 0;
    }

    /** Quote volume / volume to 16 significant digits; null without trades. */
    public BigDecimal vwap() {
        return hasTrades() ? quoteVolume.divide(volume, MathContext.DECIMAL64) : null;
    }
}
