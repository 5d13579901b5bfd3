package io.klinepipeline.exchange;

import io.klinepipeline.exchange.TradeHistoryApi.HistoricTrade;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Exact 1-minute candles from trades: open and close are the first and last trade by time (then
 * id), high and low the extremes, volume and quote volume summed in decimal, the vwap their
 * quotient, the trade count the distinct trades. A trade seen twice (pages overlap) counts once.
 * Keeps every trade it is given until {@link #candles}: feed it one bounded range of minutes.
 */
public final class TradeMinutes {
    private static final int MINUTE_SECONDS = 60;
    private final Map<Instant, List<HistoricTrade>> byMinute = new TreeMap<>();
    private final Set<Long> seen = new HashSet<>();

    /** Takes one trade; false when its id was seen before. */
    public boolean add(HistoricTrade trade) {
        if (!seen.add(trade.id())) {
            return false;
        }
        Instant minute = Instant.ofEpochSecond(Math.floorDiv(trade.time().getEpochSecond(), MINUTE_SECONDS) * MINUTE_SECONDS);
        byMinute.computeIfAbsent(minute, m -> new ArrayList<>()).add(trade);
        return true;
    }

    /** The candle of every minute that had a trade, oldest first, final: the caller says the minutes are over. */
    public List<Candle> candles(String exchange, String symbol) {
        List<Candle> out = new ArrayList<>(byMinute.size());
        for (Map.Entry<Instant, List<HistoricTrade>> minute : byMinute.entrySet()) {
            List<HistoricTrade> trades = new ArrayList<>(minute.getValue());
            trades.sort(Comparator.comparing(HistoricTrade::time).thenComparingLong(HistoricTrade::id));
            BigDecimal high = trades.get(0).price();
            BigDecimal low = high;
            BigDecimal volume = BigDecimal.ZERO;
            BigDecimal quote = BigDecimal.ZERO;
            for (HistoricTrade t : trades) {
                high = high.max(t.price());
                low = low.min(t.price());
                volume = volume.add(t.size());
                quote = quote.add(t.price().multiply(t.size()));
            }
            Double vwap = volume.signum() == 0 ? null : quote.divide(volume, MathContext.DECIMAL64).doubleValue();
            out.add(new Candle(exchange, symbol, MINUTE_SECONDS, minute.getKey(), trades.get(0).price().doubleValue(),
                    high.doubleValue(), low.doubleValue(), trades.get(trades.size() - 1).price().doubleValue(),
                    volume.doubleValue(), quote.doubleValue(), vwap, trades.size(), true));
        }
        return out;
    }
}
