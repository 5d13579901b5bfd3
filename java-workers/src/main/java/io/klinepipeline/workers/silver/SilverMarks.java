package io.klinepipeline.workers.silver;

import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.workers.window.TimeWindow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * silver.merge_marks (sql/V5): per pair and window, the snapshot its last merge read bronze with
 * and what that merge found. A mark stands while nothing the merge read has changed since: no
 * bronze row or empty-minute record of the pair's listings in the window written by a transaction
 * the snapshot did not see, no final bronze row of theirs deleted or updated since (the rewrites
 * the V5 triggers note by hour), no untracked write (silver written outside the merge, bronze
 * truncated), and the same signature (listings, precedence, rule, bounds).
 */
final class SilverMarks {
    /** The oldest transaction a mark of these pairs and window may not have seen; null when there is no mark. */
    private static final String OLDEST_XMIN = """
            SELECT min(pg_snapshot_xmin(merged_snapshot))::text FROM silver.merge_marks
             WHERE symbol = ANY (?) AND window_start = ? AND window_end = ?
            """;

    /**
     * The marks that stand. Rows written since the oldest mark's xmin are few when little has
     * changed, and the index on written_by finds them without reading the window (the bound is a
     * parameter rather than a subquery so that the planner sees how few rows it leaves).
     */
    private static final String STANDING = """
            WITH pair (symbol, signature) AS (SELECT * FROM unnest(?::text[], ?::text[])),
            listing (pair, exchange, symbol) AS (SELECT * FROM unnest(?::text[], ?::text[], ?::text[])),
            mark AS MATERIALIZED (
                SELECT m.symbol, m.merged_snapshot, m.report::text AS report
                  FROM silver.merge_marks m JOIN pair p ON p.symbol = m.symbol AND p.signature = m.signature
                 WHERE m.window_start = ? AND m.window_end = ?
                   AND pg_visible_in_snapshot((SELECT u.written_by FROM silver.untracked_writes u), m.merged_snapshot)
            ),
            written AS MATERIALIZED (
                SELECT DISTINCT b.exchange, b.symbol, b.written_by FROM bronze.bronze_ohclv_native b
                 WHERE b.written_by >= ?::xid8 AND b.interval_start >= ? AND b.interval_start < ?
                UNION
                SELECT c.exchange, c.symbol, c.written_by FROM bronze.rest_checked_minutes c
                 WHERE c.written_by >= ?::xid8 AND c.interval_start >= ? AND c.interval_start < ?
                UNION
                SELECT r.exchange, r.symbol, r.written_by FROM silver.bronze_rewrites r
                 WHERE r.written_by >= ?::xid8 AND r.hour_start > ?::timestamptz - interval '1 hour' AND r.hour_start < ?
            )
            SELECT m.symbol, m.report FROM mark m
             WHERE NOT EXISTS (SELECT 1 FROM written w JOIN listing l ON l.exchange = w.exchange AND l.symbol = w.symbol
                                WHERE l.pair = m.symbol AND NOT pg_visible_in_snapshot(w.written_by, m.merged_snapshot))
            """;

    private static final String DROP_OVERLAPPING = """
            DELETE FROM silver.merge_marks WHERE symbol = ANY (?) AND window_start < ? AND window_end > ?
            """;

    private static final String RECORD = """
            INSERT INTO silver.merge_marks AS m (symbol, window_start, window_end, signature, merged_snapshot, report)
            VALUES (?, ?, ?, ?, ?::pg_snapshot, ?::jsonb)
            ON CONFLICT (symbol, window_start, window_end) DO UPDATE
               SET signature = EXCLUDED.signature, merged_snapshot = EXCLUDED.merged_snapshot,
                   merged_at = EXCLUDED.merged_at, report = EXCLUDED.report
            """;

    private SilverMarks() {}

    /** One pair to look up: its signature and its listings' exchange-native symbols. */
    record Lookup(CanonicalPair pair, String signature, List<SilverMerge.Source> sources) {}

    /** The pairs whose mark for exactly this window stands, with what their last merge found. */
    static Map<CanonicalPair, WindowFindings> standing(Connection connection, Collection<Lookup> lookups, TimeWindow window)
            throws SQLException {
        Map<String, CanonicalPair> bySymbol = new HashMap<>();
        lookups.forEach(l -> bySymbol.put(l.pair().toString(), l.pair()));
        String oldest;
        try (PreparedStatement statement = connection.prepareStatement(OLDEST_XMIN)) {
            statement.setArray(1, connection.createArrayOf("text", bySymbol.keySet().toArray()));
            statement.setObject(2, utc(window.start()));
            statement.setObject(3, utc(window.end()));
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                oldest = rs.getString(1);
            }
        }
        Map<CanonicalPair, WindowFindings> standing = new HashMap<>();
        if (oldest == null) {
            return standing;
        }
        List<SilverMerge.Source> sources = lookups.stream().flatMap(l -> l.sources().stream()).toList();
        try (PreparedStatement statement = connection.prepareStatement(STANDING)) {
            statement.setArray(1, connection.createArrayOf("text", lookups.stream().map(l -> l.pair().toString()).toArray()));
            statement.setArray(2, connection.createArrayOf("text", lookups.stream().map(Lookup::signature).toArray()));
            statement.setArray(3, connection.createArrayOf("text", sources.stream().map(s -> s.pair().toString()).toArray()));
            statement.setArray(4, connection.createArrayOf("text", sources.stream().map(SilverMerge.Source::exchange).toArray()));
            statement.setArray(5, connection.createArrayOf("text", sources.stream().map(SilverMerge.Source::symbol).toArray()));
            int next = 6;
            statement.setObject(next++, utc(window.start()));
            statement.setObject(next++, utc(window.end()));
            for (int scan = 0; scan < 3; scan++) {
                statement.setString(next++, oldest);
                statement.setObject(next++, utc(window.start()));
                statement.setObject(next++, utc(window.end()));
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    standing.put(bySymbol.get(rs.getString("symbol")), WindowFindings.fromJson(rs.getString("report")));
                }
            }
        }
        return standing;
    }

    /** Drops every mark of these pairs whose window overlaps this one: the merge changed their silver rows. */
    static void dropOverlapping(Connection connection, Collection<CanonicalPair> pairs, TimeWindow window) throws SQLException {
        if (pairs.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(DROP_OVERLAPPING)) {
            statement.setArray(1, connection.createArrayOf("text", pairs.stream().map(CanonicalPair::toString).toArray()));
            statement.setObject(2, utc(window.end()));
            statement.setObject(3, utc(window.start()));
            statement.executeUpdate();
        }
    }

    /** The snapshot a statement starting now reads with: what a merge that starts after this has seen at least. */
    static String snapshot(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_current_snapshot()::text");
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Marks the pair's window as merged with everything visible in {@code snapshot} ({@link #snapshot}, taken before the merge). */
    static void record(Connection connection, CanonicalPair pair, TimeWindow window, String signature, String snapshot,
            WindowFindings findings) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(RECORD)) {
            statement.setString(1, pair.toString());
            statement.setObject(2, utc(window.start()));
            statement.setObject(3, utc(window.end()));
            statement.setString(4, signature);
            statement.setString(5, snapshot);
            statement.setString(6, findings.toJson());
            statement.executeUpdate();
        }
    }

    private static OffsetDateTime utc(java.time.Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
