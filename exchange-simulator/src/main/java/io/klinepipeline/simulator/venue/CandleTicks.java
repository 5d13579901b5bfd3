package io.klinepipeline.simulator.venue;

import io.klinepipeline.simulator.market.Listing;
import io.klinepipeline.simulator.market.SyntheticMarket;
import io.klinepipeline.simulator.market.Trade;
import io.klinepipeline.simulator.market.TrueCandle;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What a venue with a closed-candle stream (Binance, Bybit, OKX) sends as time passes: the final
 * candle of every minute that ended, then the open minute's candle so far if it traded since the
 * last tick. Minutes inside a gap send nothing.
 */
final class CandleTicks {

    /** Receives the frames in the order a venue sends them. */
    interface Sink {
        void closed(TrueCandle candle);

        void update(TrueCandle partial);
    }

    private CandleTicks() {}

    static void emit(StreamSession session, Listing listing, Instant from, Instant to, Sink sink) {
        SyntheticMarket market = session.market();
        Instant firstEnd = from.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60);
        for (Instant end = firstEnd; !end.isAfter(to); end = end.plusSeconds(60)) {
            Instant minute = end.minusSeconds(60);
            if (!session.inGap(minute)) {
                sink.closed(market.candle(listing, minute));
            }
        }
        Instant current = to.truncatedTo(ChronoUnit.MINUTES);
        if (session.inGap(current)) {
            return;
        }
        Instant since = from.isAfter(current) ? from : current.minusNanos(1);
        if (tradedBetween(market.tradesUpTo(listing, current, to), since)) {
            sink.update(market.partialCandle(listing, current, to));
        }
    }

    /** The first whole minute at or after {@code t}. */
    static Instant ceilMinute(Instant t) {
        Instant floor = t.truncatedTo(ChronoUnit.MINUTES);
        return floor.equals(t) ? t : floor.plusSeconds(60);
    }

    private static boolean tradedBetween(List<Trade> trades, Instant sinceExclusive) {
        return !trades.isEmpty() && trades.get(trades.size() - 1).time().isAfter(sinceExclusive);
    }
}
