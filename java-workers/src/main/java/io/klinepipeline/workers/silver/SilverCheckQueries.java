package io.klinepipeline.workers.silver;

import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.config.ChecksConfig;
import io.klinepipeline.config.PipelineConfig.Listing;
import io.klinepipeline.workers.db.MissingMinuteRule;
import io.klinepipeline.workers.report.Listed;
import io.klinepipeline.workers.report.Offending;
import io.klinepipeline.workers.window.TimeWindow;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The asset checks of silver as the SQL a user would write against silver.fact_ohlcv: one
 * set-based query per check over the pair's rows of the window, each listing at most
 * {@link Listed#LIMIT} offenders with the full count ({@code count(*) OVER ()} before the LIMIT).
 */
final class SilverCheckQueries {
    /** How many of each venue's latest candles the materialization's preview shows. */
    static final int PREVIEW_ROWS_PER_VENUE = 5;

    /** The rows every check looks at: the pair's symbol, its configured venues, the window. Four parameters. */
    private static final String SCOPE = "symbol = ? AND exchange = ANY (?) AND interval_start >= ? AND interval_start < ?";

    static final String DUPLICATE_KEYS = """
            SELECT exchange, interval_seconds, interval_start, count(*) AS rows, count(*) OVER () AS total
              FROM silver.fact_ohlcv
             WHERE %s
             GROUP BY exchange, interval_seconds, interval_start
            HAVING count(*) > 1
             ORDER BY interval_start, exchange, interval_seconds
             LIMIT %d
            """.formatted(SCOPE, Listed.LIMIT);

    static final String INCONSISTENT_ROWS = """
            SELECT exchange, interval_start, open, high, low, close, volume, source, count(*) OVER () AS total
              FROM silver.fact_ohlcv
             WHERE %s
               AND NOT (low <= least(open, close) AND greatest(open, close) <= high AND volume >= 0
                        -- PostgreSQL sorts NaN above every number, so a NaN high or volume would pass the
                        -- comparisons above; greatest() is NaN when any is, and no price is infinite.
                        AND greatest(open, high, low, close, volume) < 'Infinity'
                        AND least(open, high, low, close, volume) > '-Infinity')
             ORDER BY interval_start, exchange
             LIMIT %d
            """.formatted(SCOPE, Listed.LIMIT);

    /**
     * Each venue's close against the median close of the other venues for the same minute (with
     * two venues: the other one's close); minutes only one venue has are not compared. Grouped per
     * venue so that every diverging venue is named, each with its first minutes.
     *
     * <p>One sort of the window's rows by minute and close gives each venue its rank and the
     * minute's closes in order; the median of the others is then read from that array, skipping the
     * venue's own place, and interpolated as percentile_cont(0.5) does ({@code lo + (hi - lo) * 0.5}).
     * A self-join on the minute was planned as a nested loop over a silver table without statistics
     * yet (10 s per pair and day), and a percentile_cont subquery per venue and minute sorted the
     * minute once per venue (half of a merge's time; make bench, silver-merge).
     */
    static final String DIVERGENT_VENUES = """
            WITH ranked AS (
                SELECT exchange, interval_start, close,
                       (row_number() OVER by_close)::int AS place,
                       (count(*) OVER whole_minute)::int - 1 AS others,
                       array_agg(close) OVER whole_minute AS closes
                  FROM silver.fact_ohlcv WHERE %s
                WINDOW by_close AS (PARTITION BY interval_seconds, interval_start ORDER BY close),
                       whole_minute AS (by_close ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
            ),
            compared AS (
                SELECT exchange, interval_start, close,
                       CASE WHEN others %% 2 = 1
                            THEN closes[(others + 1) / 2 + ((others + 1) / 2 >= place)::int]
                            ELSE closes[others / 2 + (others / 2 >= place)::int]
                                 + (closes[others / 2 + 1 + (others / 2 + 1 >= place)::int]
                                    - closes[others / 2 + (others / 2 >= place)::int]) * 0.5
                       END AS others_median
                  FROM ranked
                 WHERE others > 0
            ),
            diverging AS (
                SELECT exchange, interval_start, abs(close - others_median) / nullif(abs(others_median), 0) AS divergence
                  FROM compared
            )
            SELECT exchange, count(*) AS minutes, max(divergence) AS max_divergence,
                   (array_agg(interval_start ORDER BY interval_start))[1:%d] AS first_minutes
              FROM diverging
             WHERE divergence > ?
             GROUP BY exchange
             ORDER BY exchange
            """.formatted(SCOPE, Listed.LIMIT);

    static final String LATEST_ROWS = """
            SELECT exchange, interval_start, open, high, low, close, volume, source
              FROM (SELECT f.*, row_number() OVER (PARTITION BY exchange ORDER BY interval_start DESC) AS nth
                      FROM silver.fact_ohlcv f
                     WHERE %s) latest
             WHERE nth <= %d
             ORDER BY exchange, interval_start
            """.formatted(SCOPE, PREVIEW_ROWS_PER_VENUE);

    /**
     * Each venue's newest minute of each pair in silver, any window: one backward step of the
     * primary key's index per pair and venue, so it costs the same on a table of years.
     */
    static final String NEWEST_MINUTES = """
            SELECT e.symbol, e.exchange,
                   (SELECT f.interval_end FROM silver.fact_ohlcv f
                     WHERE f.exchange = e.exchange AND f.symbol = e.symbol AND f.interval_seconds = %d
                     ORDER BY f.interval_start DESC LIMIT 1) AS newest_end
              FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS e(symbol, exchange, n)
             ORDER BY e.n
            """.formatted(MissingMinuteRule.MINUTE_SECONDS);

    private SilverCheckQueries() {}

    /**
     * The checks on the window's silver rows after the merge, with the merge's count of candidates
     * and the missing minutes: everything of a run but freshness, which depends on the time of the run.
     */
    static WindowFindings findings(Connection connection, CanonicalPair pair, List<Listing> listings, TimeWindow window,
            ChecksConfig bounds, long candidates, Map<String, Offending<Instant>> missing) throws SQLException {
        Array exchanges = connection.createArrayOf("text", listings.stream().map(Listing::exchange).distinct().toArray());
        try {
            Scope scope = new Scope(pair.toString(), exchanges, window);
            return new WindowFindings(candidates, missing,
                    duplicateKeys(connection, scope),
                    inconsistentRows(connection, scope),
                    (int) listings.stream().map(Listing::exchange).distinct().count(),
                    divergentVenues(connection, scope, bounds.maxCloseDivergence()),
                    bounds.maxCloseDivergence(),
                    latestRows(connection, scope));
        } finally {
            exchanges.free();
        }
    }

    /** Per pair, each venue's newest minute in silver, any window, against the bound, at {@code now}; in one query. */
    static Map<CanonicalPair, SilverFreshness> freshness(Connection connection, Map<CanonicalPair, List<Listing>> pairs,
            ChecksConfig bounds, Instant now) throws SQLException {
        List<String> symbols = new ArrayList<>();
        List<String> exchanges = new ArrayList<>();
        Map<String, CanonicalPair> bySymbol = new LinkedHashMap<>();
        pairs.forEach((pair, listings) -> {
            bySymbol.put(pair.toString(), pair);
            listings.stream().map(Listing::exchange).distinct().forEach(exchange -> {
                symbols.add(pair.toString());
                exchanges.add(exchange);
            });
        });
        Map<String, Map<String, Optional<Instant>>> newest = new LinkedHashMap<>();
        bySymbol.keySet().forEach(symbol -> newest.put(symbol, new LinkedHashMap<>()));
        try (PreparedStatement statement = connection.prepareStatement(NEWEST_MINUTES)) {
            statement.setArray(1, connection.createArrayOf("text", symbols.toArray()));
            statement.setArray(2, connection.createArrayOf("text", exchanges.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime end = rs.getObject("newest_end", OffsetDateTime.class);
                    newest.get(rs.getString("symbol")).put(rs.getString("exchange"), Optional.ofNullable(end).map(OffsetDateTime::toInstant));
                }
            }
        }
        Map<CanonicalPair, SilverFreshness> freshness = new LinkedHashMap<>();
        newest.forEach((symbol, byVenue) -> freshness.put(bySymbol.get(symbol), new SilverFreshness(now, bounds.maxSilverLag(), byVenue)));
        return freshness;
    }

    private record Scope(String symbol, Array exchanges, TimeWindow window) {
        /** Binds the four SCOPE parameters from the first; returns the next free index. */
        int bind(PreparedStatement statement) throws SQLException {
            statement.setString(1, symbol);
            statement.setArray(2, exchanges);
            statement.setObject(3, OffsetDateTime.ofInstant(window.start(), ZoneOffset.UTC));
            statement.setObject(4, OffsetDateTime.ofInstant(window.end(), ZoneOffset.UTC));
            return 5;
        }
    }

    private static Offending<DuplicateKey> duplicateKeys(Connection connection, Scope scope) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(DUPLICATE_KEYS)) {
            scope.bind(statement);
            try (ResultSet rs = statement.executeQuery()) {
                List<DuplicateKey> keys = new ArrayList<>();
                long total = 0;
                while (rs.next()) {
                    total = rs.getLong("total");
                    keys.add(new DuplicateKey(rs.getString("exchange"), rs.getInt("interval_seconds"),
                            instant(rs, "interval_start"), rs.getLong("rows")));
                }
                return new Offending<>(total, keys);
            }
        }
    }

    private static Offending<SilverRow> inconsistentRows(Connection connection, Scope scope) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INCONSISTENT_ROWS)) {
            scope.bind(statement);
            try (ResultSet rs = statement.executeQuery()) {
                List<SilverRow> rows = new ArrayList<>();
                long total = 0;
                while (rs.next()) {
                    total = rs.getLong("total");
                    rows.add(row(rs));
                }
                return new Offending<>(total, rows);
            }
        }
    }

    private static List<VenueDivergence> divergentVenues(Connection connection, Scope scope, double bound) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(DIVERGENT_VENUES)) {
            statement.setDouble(scope.bind(statement), bound);
            try (ResultSet rs = statement.executeQuery()) {
                List<VenueDivergence> venues = new ArrayList<>();
                while (rs.next()) {
                    Array minutes = rs.getArray("first_minutes");
                    venues.add(new VenueDivergence(rs.getString("exchange"), rs.getLong("minutes"), rs.getDouble("max_divergence"),
                            Arrays.stream((Timestamp[]) minutes.getArray()).map(Timestamp::toInstant).toList()));
                    minutes.free();
                }
                return venues;
            }
        }
    }

    private static List<SilverRow> latestRows(Connection connection, Scope scope) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LATEST_ROWS)) {
            scope.bind(statement);
            try (ResultSet rs = statement.executeQuery()) {
                List<SilverRow> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(row(rs));
                }
                return rows;
            }
        }
    }

    private static SilverRow row(ResultSet rs) throws SQLException {
        return new SilverRow(rs.getString("exchange"), instant(rs, "interval_start"), rs.getDouble("open"), rs.getDouble("high"),
                rs.getDouble("low"), rs.getDouble("close"), rs.getDouble("volume"), rs.getString("source"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
