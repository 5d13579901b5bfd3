package io.klinepipeline.workers.silver;

import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.config.ConfigException;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.config.PipelineConfig.Listing;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.MissingMinuteRule;
import io.klinepipeline.workers.db.RunLock;
import io.klinepipeline.workers.report.Offending;
import io.klinepipeline.workers.window.TimeWindow;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.time.Clock;
import java.time.Instant;
import io.klinepipeline.exchange.SourcePrecedence;
import java.util.List;
import java.util.function.Function;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * silver: merges the final bronze minutes of one canonical pair, from every exchange that lists
 * it, into silver.fact_ohlcv (one row per exchange and minute, by {@link SilverReport#SELECTION_RULE}).
 */
public final class SilverJob {
    private static final Logger LOG = LoggerFactory.getLogger(SilverJob.class);
    /**
     * The version of what a merge finds, kept in each merge mark's signature: change it with the
     * selection rule (SilverMerge) or a check's query, so that no mark made by the old code stands.
     */
    static final String FINDINGS_VERSION = "silver-findings-1";
    static final String MERGE_WORK_MEM = "256MB";

    private final PipelineConfig config;
    private final Function<String, SourcePrecedence> precedence;
    private final Database database;
    private final Clock clock;
    private final RunLock runLock;

    /** @param precedence each exchange's preferred source, by name (from its Exchange class) */
    public SilverJob(PipelineConfig config, Function<String, SourcePrecedence> precedence, Database database, Clock clock) {
        this(config, precedence, database, clock, RunLock.withDefaultWait());
    }

    /** @param runLock how long a merge waits for another merge of the same pair */
    public SilverJob(PipelineConfig config, Function<String, SourcePrecedence> precedence, Database database, Clock clock,
            RunLock runLock) {
        this.config = config;
        this.precedence = precedence;
        this.database = database;
        this.clock = clock;
        this.runLock = runLock;
    }

    /** What one pair of a batch came to: its report, or why it failed. */
    public record Outcome(SilverReport report, Exception failure) {
        static Outcome failed(Exception failure) {
            return new Outcome(null, failure);
        }
    }

    /**
     * Merges the window in one transaction, counts the minutes still missing per exchange and runs
     * the silver checks on the merged rows.
     *
     * @throws ConfigException if no configured exchange lists the pair
     */
    public SilverReport run(CanonicalPair pair, TimeWindow window) throws SQLException {
        Outcome outcome = runAll(List.of(pair), window).get(pair);
        if (outcome.failure() instanceof SQLException e) {
            throw e;
        }
        if (outcome.failure() instanceof RuntimeException e) {
            throw e;
        }
        if (outcome.failure() != null) {
            throw new IllegalStateException(outcome.failure());
        }
        return outcome.report();
    }

    /**
     * Merges the window of every pair, in one transaction and one merge statement for all. A pair
     * whose lock is not granted, or that no exchange lists, fails alone; if the transaction fails,
     * each pair is merged again on its own, so that one pair's failure does not stop the others.
     *
     * @return per pair, in the given order
     */
    public Map<CanonicalPair, Outcome> runAll(List<CanonicalPair> pairs, TimeWindow window) {
        Map<CanonicalPair, Outcome> outcomes = new LinkedHashMap<>();
        try {
            outcomes.putAll(batch(pairs, window));
        } catch (SQLException | RuntimeException e) {
            if (pairs.size() == 1) {
                outcomes.put(pairs.get(0), Outcome.failed(e));
            } else {
                LOG.warn("silver {}: the merge of {} pairs together failed ({}); merging each on its own", window, pairs.size(),
                        e.getMessage());
                for (CanonicalPair pair : pairs) {
                    try {
                        outcomes.putAll(batch(List.of(pair), window));
                    } catch (SQLException | RuntimeException alone) {
                        outcomes.put(pair, Outcome.failed(alone));
                    }
                }
            }
        }
        Map<CanonicalPair, Outcome> ordered = new LinkedHashMap<>();
        pairs.forEach(p -> ordered.put(p, outcomes.get(p)));
        return ordered;
    }

    private Map<CanonicalPair, Outcome> batch(List<CanonicalPair> pairs, TimeWindow window) throws SQLException {
        Map<CanonicalPair, Outcome> outcomes = new LinkedHashMap<>();
        try (Connection connection = database.connect()) {
            Map<CanonicalPair, List<Listing>> listed = new LinkedHashMap<>();
            // In one order, so that two launches sharing pairs cannot each hold one the other waits for.
            for (CanonicalPair pair : pairs.stream().distinct().sorted(java.util.Comparator.comparing(CanonicalPair::toString)).toList()) {
                List<Listing> listings = config.listings(pair);
                if (listings.isEmpty()) {
                    outcomes.put(pair, Outcome.failed(new ConfigException("pair " + pair + " is not configured for any exchange in"
                            + " pipeline.yaml (add it to an exchange's pairs, with its canonical name)")));
                } else {
                    listed.put(pair, listings);
                }
            }
            // The upsert alone keeps one row per minute, but a merge writes what bronze held when its
            // snapshot was taken: a run that began before a bronze correction could write after one that
            // began after it and put the old candle back. Taking turns, the run started last merges
            // last (ConcurrentRunsTest). Held until the connection closes. All in one round trip when
            // none is held elsewhere; else all are let go and taken in order, waiting where held, so that
            // two launches sharing pairs never each hold a lock the other waits for.
            Map<String, CanonicalPair> byKey = new LinkedHashMap<>();
            listed.keySet().forEach(p -> byKey.put(p.toString(), p));
            java.util.Set<CanonicalPair> notGranted = new java.util.HashSet<>();
            List<String> keys = List.copyOf(byKey.keySet());
            List<String> heldElsewhere = runLock.holdFree(connection, "silver", keys);
            if (!heldElsewhere.isEmpty()) {
                runLock.release(connection, "silver", keys.stream().filter(k -> !heldElsewhere.contains(k)).toList());
            }
            for (String key : heldElsewhere.isEmpty() ? List.<String>of() : keys) {
                try {
                    runLock.hold(connection, "silver", key);
                } catch (SQLException e) {
                    outcomes.put(byKey.get(key), Outcome.failed(e));
                    notGranted.add(byKey.get(key));
                }
            }
            Map<CanonicalPair, List<Listing>> locked = new LinkedHashMap<>(listed);
            locked.keySet().removeAll(notGranted);
            if (locked.isEmpty()) {
                return outcomes;
            }
            Instant now = clock.instant();
            Instant dueBy = MissingMinuteRule.dueBy(now, config);
            Map<CanonicalPair, Merged> merged = merge(connection, locked, window, dueBy);
            Map<CanonicalPair, SilverFreshness> freshness = SilverCheckQueries.freshness(connection, locked, config.checks(), now);
            for (CanonicalPair pair : locked.keySet()) {
                Merged run = merged.get(pair);
                WindowFindings found = run.findings();
                SilverChecks checks = found.checks(freshness.get(pair));
                SilverReport report = new SilverReport(found.candidates(), run.inserted(), run.updated(),
                        found.candidates() - run.inserted() - run.updated(), found.missing(), checks);
                LOG.info("silver {} {}: {}", pair, window, report.summary());
                outcomes.put(pair, new Outcome(report, null));
            }
        }
        return outcomes;
    }

    /** One pair's merge: what it found, and what it wrote (nothing when its mark stood). */
    private record Merged(WindowFindings findings, long inserted, long updated) {}

    /**
     * One transaction: pairs whose mark stands are reported from it; the others are merged in one
     * statement, checked, and marked when their window is wholly due. Each statement reads bronze
     * as committed when it starts (READ COMMITTED, as the run lock's ordering assumes); the marks
     * keep a snapshot taken just before the merge, which saw no more than any later statement, so
     * whatever a statement of this run may have missed is not visible in it and the next run merges.
     */
    private Map<CanonicalPair, Merged> merge(Connection connection, Map<CanonicalPair, List<Listing>> locked, TimeWindow window,
            Instant dueBy) throws SQLException {
        connection.setAutoCommit(false);
        try {
            try (Statement statement = connection.createStatement()) {
                // The merge's own writes to silver are accounted for by its marks (sql/V5's trigger skips them).
                statement.execute("SET LOCAL kline.silver_merge = 'on'");
                // The merge sorts the window's final rows of every pair at once: a day of 500 listings is
                // ~100 MB, which a sort in 4 MB (the default) writes out to disk and reads back.
                statement.execute("SET LOCAL work_mem = '" + MERGE_WORK_MEM + "'");
            }
            Map<CanonicalPair, SilverMarks.Lookup> lookups = new LinkedHashMap<>();
            locked.forEach((pair, listings) -> {
                List<SilverMerge.Source> sources = SilverMerge.Source.of(pair, listings, precedence);
                lookups.put(pair, new SilverMarks.Lookup(pair, signature(pair, sources), sources));
            });
            // A window still under way gains missing minutes as time passes: it is never marked, always merged.
            boolean wholeWindowDue = !window.end().isAfter(dueBy);
            Map<CanonicalPair, WindowFindings> standing = wholeWindowDue
                    ? SilverMarks.standing(connection, lookups.values(), window) : Map.of();
            List<CanonicalPair> stale = locked.keySet().stream().filter(p -> !standing.containsKey(p)).toList();
            String snapshot = SilverMarks.snapshot(connection);
            Map<CanonicalPair, SilverMerge.Counts> counts = SilverMerge.merge(connection,
                    stale.stream().flatMap(p -> lookups.get(p).sources().stream()).toList(), window);
            SilverMarks.dropOverlapping(connection, stale.stream().filter(p -> counts.get(p).changedSilver()).toList(), window);
            Map<CanonicalPair, Merged> merged = new LinkedHashMap<>();
            for (CanonicalPair pair : locked.keySet()) {
                WindowFindings found = standing.get(pair);
                if (found != null) {
                    merged.put(pair, new Merged(found, 0, 0));
                    continue;
                }
                List<Listing> listings = locked.get(pair);
                SilverMerge.Counts count = counts.get(pair);
                Map<String, Offending<Instant>> missing = MissingMinutes.byExchange(Database.dsl(connection), listings, window, dueBy);
                found = SilverCheckQueries.findings(connection, pair, listings, window, config.checks(), count.candidates(), missing);
                if (wholeWindowDue) {
                    SilverMarks.record(connection, pair, window, lookups.get(pair).signature(), snapshot, found);
                }
                merged.put(pair, new Merged(found, count.inserted(), count.updated()));
            }
            connection.commit();
            connection.setAutoCommit(true);
            return merged;
        } catch (SQLException | RuntimeException e) {
            // Not reset in a finally: on a connection that is gone that would throw in place of the cause.
            Database.rollbackAfter(connection, e);
            throw e;
        }
    }

    /**
     * What a mark was made under: the listings with their precedence and quote asset, the checks'
     * bound and the version of the rule. A mark made under another signature does not stand.
     */
    private String signature(CanonicalPair pair, List<SilverMerge.Source> sources) {
        StringBuilder signature = new StringBuilder(FINDINGS_VERSION).append(';').append(pair.quote()).append(';')
                .append(config.checks().maxCloseDivergence());
        sources.stream().map(s -> s.exchange() + "/" + s.symbol() + (s.websocketFirst() ? "/websocket" : "/rest")).sorted()
                .forEach(s -> signature.append(';').append(s));
        return signature.toString();
    }
}
