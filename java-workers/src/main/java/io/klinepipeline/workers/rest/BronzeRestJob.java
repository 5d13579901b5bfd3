package io.klinepipeline.workers.rest;

import io.klinepipeline.config.ExchangeConfig;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.exchange.RestKlineApi;
import io.klinepipeline.exchange.TradeHistoryApi;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.MissingMinuteRule;
import io.klinepipeline.workers.db.RunLock;
import io.klinepipeline.workers.report.Offending;
import io.klinepipeline.workers.window.TimeWindow;
import java.net.URI;
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bronze-rest: fills the minutes of a window that have no final bronze row with candles from the
 * exchange's REST history, and records the minutes the exchange has no candle for.
 */
public final class BronzeRestJob {
    private static final Logger LOG = LoggerFactory.getLogger(BronzeRestJob.class);
    /**
     * An exchange may publish a minute's candle a little after the minute ends; only a minute that
     * ended this long before the fetch and still has no candle is recorded as empty.
     */
    static final Duration EMPTY_AFTER = Duration.ofMinutes(2);
    /**
     * Bounds one run's trade pages (Kraken: 1,000 trades a page, so about a day of a busy pair);
     * what is left stays missing for the next run.
     */
    static final int MAX_TRADE_PAGES_PER_RUN = 2_000;

    private final PipelineConfig config;
    private final ExchangeRegistry registry;
    private final Database database;
    private final HttpClient http;
    private final Clock clock;
    private final BronzeRestOptions options;
    private final Sleeper sleeper;
    private final RunLock runLock;
    /** One job serves a launch's streams one after another; the venue's pace carries across them. */
    private final OwedPauses owedPauses = new OwedPauses();

    public BronzeRestJob(PipelineConfig config, ExchangeRegistry registry, Database database, HttpClient http, Clock clock,
            BronzeRestOptions options) {
        this(config, registry, database, http, clock, options, Sleeper.real(), RunLock.withDefaultWait());
    }

    public BronzeRestJob(PipelineConfig config, ExchangeRegistry registry, Database database, HttpClient http, Clock clock,
            BronzeRestOptions options, Sleeper sleeper) {
        this(config, registry, database, http, clock, options, sleeper, RunLock.withDefaultWait());
    }

    /** @param runLock how long a run waits for another run of the same stream */
    public BronzeRestJob(PipelineConfig config, ExchangeRegistry registry, Database database, HttpClient http, Clock clock,
            BronzeRestOptions options, Sleeper sleeper, RunLock runLock) {
        this.config = config;
        this.registry = registry;
        this.database = database;
        this.http = http;
        this.clock = clock;
        this.options = options;
        this.sleeper = sleeper;
        this.runLock = runLock;
    }

    /**
     * Finds the window's missing minutes for one configured exchange and native symbol, fetches and
     * stores them. If a request fails for good (after its retries), what was fetched before it is
     * still stored and the report names the failure ({@link BronzeRestReport#stoppedBy}, with the
     * URL, the status and when to retry): one venue's outage is a fact about the data, to be
     * reported, while the pipeline goes on; a new run continues with what is left.
     *
     * @throws io.klinepipeline.config.ConfigException if the exchange or symbol is not configured
     * @throws InterruptedException if the run is cancelled while waiting; what was fetched is stored first
     */
    public BronzeRestReport run(String exchange, String symbol, TimeWindow window) throws Exception {
        config.pair(exchange, symbol);
        try (Connection connection = database.connect()) {
            // Held from before the gaps are looked up until the fills are committed, on this
            // session: a second run of the stream (a double-clicked backfill, an overlapping
            // schedule) waits, then finds the gaps filled, so no REST weight is spent twice. Same
            // keys as RestFillWriter's transaction-level lock, which this session then re-enters.
            runLock.hold(connection, "bronze-rest", exchange + "/" + symbol);
            return runLocked(connection, exchange, symbol, window);
        }
    }

    private BronzeRestReport runLocked(Connection connection, String exchange, String symbol, TimeWindow window) throws Exception {
        ExchangeConfig exchangeConfig = config.exchange(exchange);
        RestKlineApi rest = registry.get(exchange).rest();
        String stream = exchange + " " + symbol;
        Instant now = clock.instant();

        Instant dueBy = MissingMinuteRule.dueBy(now, config);
        List<Instant> missing = GapFinder.missingMinutes(Database.dsl(connection), exchange, symbol, window, dueBy);
        if (missing.isEmpty()) {
            LOG.info("{}: no missing minutes in {} (minutes ending after {} are not due yet: their capture may be on its way)",
                    stream, window, dueBy);
            return BronzeRestReport.nothingMissing(emptyMinutes(exchange, symbol, window));
        }
        // Minutes older than the exchange's REST history reaches are unfillable, not empty: asking
        // would return nothing and recording that as "empty" would hide missing data.
        Instant oldestServed = rest.oldestServed(now).orElse(Instant.MIN);
        List<Instant> unfillable = missing.stream().filter(m -> m.isBefore(oldestServed)).toList();
        List<Instant> fetchable = missing.subList(unfillable.size(), missing.size());
        Optional<TradeHistoryApi> tradeHistory = unfillable.isEmpty() ? Optional.empty() : registry.get(exchange).tradeHistory();
        if (!unfillable.isEmpty()) {
            LOG.warn("{}: {} missing minutes ({} .. {}) are older than the exchange's REST candle history ({}): {}",
                    stream, unfillable.size(), unfillable.get(0), unfillable.get(unfillable.size() - 1), oldestServed,
                    tradeHistory.isPresent() ? "rebuilding them from its trade history" : "not fillable from REST");
        }
        if (fetchable.isEmpty() && tradeHistory.isEmpty()) {
            return new BronzeRestReport(missing.size(), 0, missing.size(), 0, 0, missing, 0, Duration.ZERO, unfillable.size(), 0,
                    unfillable.size(), emptyMinutes(exchange, symbol, window), listed(unfillable), Offending.none(), Optional.empty());
        }
        // Each request's page by the age of its first minute: exchanges serve older minutes in smaller
        // pages (OKX), so the old part of a gap takes small pages and the recent part large ones.
        Deque<KlineRequestPlan.Range> ranges = new ArrayDeque<>(KlineRequestPlan.cover(fetchable, m -> rest.maxCandlesPerRequest(m, now)));
        LOG.info("{}: {} missing minutes in {}, {} requests{}", stream, missing.size(), window, ranges.size(),
                tradeHistory.isPresent() ? ", and " + unfillable.size() + " to rebuild from the exchange's trades" : "");

        // The pause the venue's last response (another stream's, in this launch) asked for is still owed.
        OwedPauses.Owed owed = owedPauses.get(exchange);
        KlineFetcher fetcher = new KlineFetcher(http, rest, clock, sleeper, options, stream, owed == null ? null : owed.lastRequest());
        Duration pause = owed == null ? Duration.ZERO : owed.remainingAt(clock.instant());
        List<RestFillWriter.Fill> fills = new ArrayList<>();
        List<RestFillWriter.EmptyMinute> empties = new ArrayList<>();
        Set<Instant> resolved = new HashSet<>();
        TradeRebuild.Result rebuilt = TradeRebuild.empty();
        RestFetchException stoppedBy = null;
        InterruptedException interrupted = null;
        try {
            if (tradeHistory.isPresent()) {
                // The last trade page's pause is owed before the first OHLC request: Kraken counts both against one limit.
                pause = new TradeRebuild(tradeHistory.get(), fetcher, exchangeConfig.restUrl(), exchange, symbol, MAX_TRADE_PAGES_PER_RUN)
                        .rebuild(unfillable, pause, rebuilt);
            }
            while (!ranges.isEmpty()) {
                KlineRequestPlan.Range range = ranges.removeFirst();
                Instant sendAt = clock.instant();
                if (range.minutes() > rest.maxCandlesPerRequest(range.from(), sendAt)) {
                    // Its minutes aged past a large page's reach since the plan (pauses, retries): asked
                    // as planned, the page would end short and the minutes past it be taken as empty.
                    List<KlineRequestPlan.Range> split = KlineRequestPlan.cover(range.missing(), m -> rest.maxCandlesPerRequest(m, sendAt));
                    LOG.info("{}: {} .. {} is now beyond its planned page; asking it in {} requests", stream, range.from(),
                            range.toExclusive(), split.size());
                    for (int i = split.size() - 1; i >= 0; i--) {
                        ranges.addFirst(split.get(i));
                    }
                    continue;
                }
                URI uri = rest.klinesRequest(exchangeConfig.restUrl(), symbol, range.from(), range.toExclusive(), sendAt);
                fetcher.pause(pause, uri);
                KlineFetcher.Response response = fetcher.fetch(uri, symbol);
                classify(range, response, fills, empties, resolved);
                pause = response.pauseBeforeNext();
            }
        } catch (RestFetchException e) {
            stoppedBy = e;
        } catch (InterruptedException e) {
            interrupted = e;
        }
        if (fetcher.lastResponseAt() != null) {
            owedPauses.owe(exchange, fetcher.lastRequest(), fetcher.lastResponseAt(), pause);
        }
        fills.addAll(rebuilt.fills());
        empties.addAll(rebuilt.empties());
        resolved.addAll(rebuilt.resolved());

        RestFillWriter.Written written;
        try {
            written = new RestFillWriter(connection).write(exchange, symbol, fills, empties);
        } catch (SQLException | RuntimeException e) {
            // The write failing is the run's failure; a fetch failure before it goes along as context.
            if (stoppedBy != null) {
                e.addSuppressed(stoppedBy);
            }
            if (interrupted != null) {
                e.addSuppressed(interrupted);
            }
            throw e;
        }
        List<Instant> stillMissing = missing.stream().filter(m -> !resolved.contains(m)).toList();
        Set<Instant> beyondHistory = Set.copyOf(unfillable);
        List<Instant> stillUnfillable = stillMissing.stream().filter(beyondHistory::contains).toList();
        List<Instant> failed = stillMissing.stream().filter(m -> !beyondHistory.contains(m)).toList();
        BronzeRestReport report = new BronzeRestReport(missing.size(), written.filled().size(), stillMissing.size(),
                fetcher.requests(), written.checkedEmpty(), stillMissing, fetcher.retries(), fetcher.waited(),
                stillUnfillable.size(), rebuilt.fills().size(), unfillable.size(),
                emptyMinutes(exchange, symbol, window), listed(stillUnfillable), listed(failed), Optional.ofNullable(stoppedBy));
        if (interrupted != null) {
            LOG.warn("{}: interrupted; stored what was fetched before: {}", stream, report.summary());
            Thread.currentThread().interrupt();
            throw interrupted;
        }
        if (stoppedBy != null) {
            LOG.warn("{}: stopped early by a failed request; stored what was fetched before it: {}", stream, report.summary());
        } else {
            LOG.info("{}: {}", stream, report.summary());
        }
        return report;
    }

    private Offending<Instant> emptyMinutes(String exchange, String symbol, TimeWindow window) throws SQLException {
        try (Connection connection = database.connect()) {
            return GapFinder.emptyMinutes(Database.dsl(connection), exchange, symbol, window);
        }
    }

    private static Offending<Instant> listed(List<Instant> minutes) {
        return new Offending<>(minutes.size(), minutes);
    }

    /**
     * Keeps the response's final candles for minutes that were missing (never the still-open minute,
     * never minutes the request did not ask for), and notes the asked-for minutes it had no candle for.
     */
    private static void classify(KlineRequestPlan.Range range, KlineFetcher.Response response, List<RestFillWriter.Fill> fills,
            List<RestFillWriter.EmptyMinute> empties, Set<Instant> resolved) {
        Set<Instant> asked = Set.copyOf(range.missing());
        Map<Instant, Candle> byMinute = new LinkedHashMap<>();
        Set<Instant> answered = new HashSet<>();
        for (Candle candle : response.candles()) {
            if (candle.intervalSeconds() != GapFinder.MINUTE_SECONDS || !asked.contains(candle.intervalStart())) {
                continue;
            }
            answered.add(candle.intervalStart());
            if (candle.isFinal()) {
                byMinute.put(candle.intervalStart(), candle);
            }
        }
        for (Candle candle : byMinute.values()) {
            fills.add(new RestFillWriter.Fill(candle, response.fetchedAt()));
            resolved.add(candle.intervalStart());
        }
        Instant emptyBefore = response.fetchedAt().minus(EMPTY_AFTER);
        for (Instant minute : range.missing()) {
            boolean endedLongEnoughAgo = !minute.plusSeconds(GapFinder.MINUTE_SECONDS).isAfter(emptyBefore);
            if (!answered.contains(minute) && endedLongEnoughAgo) {
                empties.add(new RestFillWriter.EmptyMinute(minute, response.fetchedAt()));
                resolved.add(minute);
            }
        }
    }
}
