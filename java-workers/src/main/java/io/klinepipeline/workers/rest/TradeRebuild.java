package io.klinepipeline.workers.rest;

import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.TradeHistoryApi;
import io.klinepipeline.exchange.TradeHistoryApi.HistoricTrade;
import io.klinepipeline.exchange.TradeHistoryApi.TradePage;
import io.klinepipeline.exchange.TradeMinutes;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds minutes beyond an exchange's candle history from its trade history: for each run of
 * consecutive minutes, pages through the trades from the run's first minute until a trade at or
 * after its end (or the present), and turns them into exact candles. A minute of the run with no
 * trade is empty, recorded as such, but only once the pages went past its end: a run cut short
 * (a failure, the page bound) leaves its minutes missing.
 */
final class TradeRebuild {
    private static final Logger LOG = LoggerFactory.getLogger(TradeRebuild.class);
    private static final int MINUTE_SECONDS = 60;

    /** What the trades gave: candles for minutes that traded, and minutes proven empty. */
    record Result(List<RestFillWriter.Fill> fills, List<RestFillWriter.EmptyMinute> empties, Set<Instant> resolved) {}

    private final TradeHistoryApi trades;
    private final KlineFetcher fetcher;
    private final URI restBase;
    private final String exchange;
    private final String symbol;
    private final int maxPagesPerRun;

    TradeRebuild(TradeHistoryApi trades, KlineFetcher fetcher, URI restBase, String exchange, String symbol, int maxPagesPerRun) {
        this.trades = trades;
        this.fetcher = fetcher;
        this.restBase = restBase;
        this.exchange = exchange;
        this.symbol = symbol;
        this.maxPagesPerRun = maxPagesPerRun;
    }

    /**
     * @param minutes the minutes to rebuild, oldest first, all over
     * @param pause the pause the exchange advised before the first request
     * @param into where the candles and empty minutes found go
     * @return the pause the exchange advised after the last page, owed before the next request
     */
    Duration rebuild(List<Instant> minutes, Duration pause, Result into) throws RestFetchException, InterruptedException {
        for (List<Instant> run : consecutiveRuns(minutes)) {
            pause = rebuildRun(run, pause, into);
        }
        return pause;
    }

    static Result empty() {
        return new Result(new ArrayList<>(), new ArrayList<>(), new HashSet<>());
    }

    private Duration rebuildRun(List<Instant> run, Duration pause, Result into) throws RestFetchException, InterruptedException {
        Instant from = run.get(0);
        Instant to = run.get(run.size() - 1).plusSeconds(MINUTE_SECONDS);
        TradeMinutes minutes = new TradeMinutes();
        URI uri = trades.firstPage(restBase, symbol, from);
        Instant coveredUpTo = from;
        Instant fetchedAt = null;
        int pages = 0;
        while (true) {
            fetcher.pause(pause, uri);
            KlineFetcher.Body body = fetcher.get(uri, trades::advise);
            TradePage page;
            try {
                page = trades.page(body.text());
            } catch (MalformedPayloadException e) {
                throw fetcher.malformed(uri, body, "a trades response", e);
            }
            pages++;
            fetchedAt = body.fetchedAt();
            pause = body.pauseBeforeNext();
            boolean pastEnd = false;
            for (HistoricTrade trade : page.trades()) {
                if (!trade.time().isBefore(to)) {
                    pastEnd = true;
                    break;
                }
                if (!trade.time().isBefore(from)) {
                    minutes.add(trade);
                }
                coveredUpTo = trade.time();
            }
            if (pastEnd) {
                coveredUpTo = to;
                break;
            }
            String next = page.cursor();
            boolean present = page.trades().isEmpty() || next == null || next.isEmpty() || uri.equals(trades.nextPage(restBase, symbol, next));
            if (present) {
                // No trade after the last one: the history is complete up to the time of the answer.
                coveredUpTo = fetchedAt.minus(BronzeRestJob.EMPTY_AFTER);
                break;
            }
            if (pages >= maxPagesPerRun) {
                LOG.warn("{} {}: stopped rebuilding {} .. {} from trades after {} pages, at {}; the rest stays missing",
                        exchange, symbol, from, to, pages, coveredUpTo);
                break;
            }
            uri = trades.nextPage(restBase, symbol, next);
        }
        Set<Instant> traded = new HashSet<>();
        for (Candle candle : minutes.candles(exchange, symbol)) {
            if (candle.intervalEnd().isAfter(coveredUpTo)) {
                continue; // its trades may go on in pages not read
            }
            into.fills().add(new RestFillWriter.Fill(candle, fetchedAt));
            into.resolved().add(candle.intervalStart());
            traded.add(candle.intervalStart());
        }
        for (Instant minute : run) {
            if (!traded.contains(minute) && !minute.plusSeconds(MINUTE_SECONDS).isAfter(coveredUpTo)) {
                into.empties().add(new RestFillWriter.EmptyMinute(minute, fetchedAt));
                into.resolved().add(minute);
            }
        }
        LOG.info("{} {}: rebuilt {} .. {} from {} pages of trades: {} minutes traded", exchange, symbol, from, to, pages, traded.size());
        return pause;
    }

    /** Splits sorted minutes into runs of consecutive minutes. */
    static List<List<Instant>> consecutiveRuns(List<Instant> minutes) {
        List<List<Instant>> runs = new ArrayList<>();
        List<Instant> current = new ArrayList<>();
        for (Instant minute : minutes) {
            if (!current.isEmpty() && !current.get(current.size() - 1).plusSeconds(MINUTE_SECONDS).equals(minute)) {
                runs.add(current);
                current = new ArrayList<>();
            }
            current.add(minute);
        }
        if (!current.isEmpty()) {
            runs.add(current);
        }
        return runs;
    }
}
