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

    /**
     * Merges the window in one transaction, counts the minutes still missing per exchange and runs
     * the silver checks on the merged rows.
     *
     * @throws ConfigException if no configured exchange lists the pair
     */
    public SilverReport run(CanonicalPair pair, TimeWindow window) throws SQLException {
        List<Listing> listings = config.listings(pair);
        if (listings.isEmpty()) {
            throw new ConfigException("pair " + pair + " is not configured for any exchange in pipeline.yaml"
                    + " (add it to an exchange's pairs, with its canonical name)");
        }
        try (Connection connection = database.connect()) {
            // The upsert alone keeps one row per minute, but a merge writes what bronze held when its
            // statement began: a run that began before a bronze correction could write after one that
            // began after it and put the old candle back. Taking turns, the run started last merges
            // last (ConcurrentRunsTest). Held until the connection closes.
            runLock.hold(connection, "silver", pair.toString());
            Instant now = clock.instant();
            connection.setAutoCommit(false);
            try {
                SilverMerge.Counts counts = SilverMerge.merge(connection, pair, listings, precedence, window);
                Map<String, Offending<Instant>> missing = MissingMinutes.byExchange(Database.dsl(connection), listings, window,
                        MissingMinuteRule.dueBy(now, config));
                SilverChecks checks = SilverCheckQueries.run(connection, pair, listings, window, config.checks(), now);
                connection.commit();
                SilverReport report = new SilverReport(counts.candidates(), counts.inserted(), counts.updated(),
                        counts.candidates() - counts.inserted() - counts.updated(), missing, checks);
                LOG.info("silver {} {}: {}", pair, window, report.summary());
                return report;
            } catch (SQLException | RuntimeException e) {
                Database.rollbackAfter(connection, e);
                throw e;
            }
        }
    }
}
