package io.klinepipeline.workers.silver;

import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.config.PipelineConfig.Listing;
import io.klinepipeline.workers.window.TimeWindow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import io.klinepipeline.exchange.SourcePrecedence;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The bronze-to-silver merge: one hand-written, set-based statement, kept here and only here.
 *
 * <p>Selection rule, one row per (exchange, interval_seconds, interval_start) among the final
 * bronze rows of the pair's listings in the window:
 * <ol>
 *   <li>the source the exchange prefers ({@link SourcePrecedence}): 'websocket' beats 'rest' where
 *       the WebSocket's closing update is the exchange's own last word on the minute (Binance's
 *       k.x) and a REST fill only stands in for it; 'rest' beats 'websocket' where the WebSocket
 *       candle is ours, built from a trade stream (Coinbase);</li>
 *   <li>then the latest ingestion_ts;</li>
 *   <li>then the greatest volume; then, only so that the choice never depends on row order, the
 *       native symbol, close, open, high, low, quote_volume, trade_count, vwap ascending (rows equal
 *       in all of these are equal in every column silver keeps).</li>
 * </ol>
 * Non-final rows are never candidates. The chosen row is upserted into silver.fact_ohlcv with the
 * canonical {@code BASE-QUOTE} symbol and the pair's quote asset; a silver row that already holds
 * exactly these values is left alone, so a re-run writes nothing and counts every row unchanged.
 */
final class SilverMerge {

    /** Counts of one pair's merge; unchanged = candidates - inserted - updated. */
    record Counts(long candidates, long inserted, long updated) {
        boolean changedSilver() {
            return inserted + updated > 0;
        }
    }

    /** One listing of a pair: the exchange's native symbol for it and the source the exchange prefers. */
    record Source(CanonicalPair pair, String exchange, String symbol, boolean websocketFirst) {
        static List<Source> of(CanonicalPair pair, List<Listing> listings, Function<String, SourcePrecedence> precedence) {
            return listings.stream().map(l -> new Source(pair, l.exchange(), l.pair().symbol(),
                    precedence.apply(l.exchange()) == SourcePrecedence.WEBSOCKET_FIRST)).toList();
        }
    }

    /**
     * Every pair of a launch in one statement: one sort of the window's final rows of all their
     * listings, in the primary key's order, so the upsert walks silver's index in order.
     */
    static final String MERGE_BRONZE_INTO_SILVER = """
            WITH listing (pair, quote_asset, exchange, symbol, websocket_first) AS (
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[])
            ),
            chosen AS (
                SELECT DISTINCT ON (b.exchange, l.pair, b.interval_seconds, b.interval_start)
                       l.pair, l.quote_asset, b.exchange, b.interval_seconds, b.interval_start, b.interval_end,
                       b.open, b.high, b.low, b.close, b.volume, b.quote_volume, b.trade_count, b.vwap,
                       b.source, b.ingestion_ts
                  FROM bronze.bronze_ohclv_native b
                  JOIN listing l ON l.exchange = b.exchange AND l.symbol = b.symbol
                 WHERE b.is_final
                   AND b.interval_start >= ?::timestamptz
                   AND b.interval_start < ?::timestamptz
                 ORDER BY b.exchange, l.pair, b.interval_seconds, b.interval_start,
                          ((b.source = 'websocket') = l.websocket_first) DESC,
                          b.ingestion_ts DESC,
                          b.volume DESC,
                          b.symbol, b.close, b.open, b.high, b.low, b.quote_volume, b.trade_count, b.vwap
            ),
            merged AS (
                INSERT INTO silver.fact_ohlcv AS f
                       (exchange, symbol, quote_asset, interval_seconds, interval_start, interval_end,
                        open, high, low, close, volume, quote_volume, trade_count, vwap, source, ingestion_ts)
                SELECT c.exchange, c.pair, c.quote_asset, c.interval_seconds, c.interval_start, c.interval_end,
                       c.open, c.high, c.low, c.close, c.volume, c.quote_volume, c.trade_count, c.vwap,
                       c.source, c.ingestion_ts
                  FROM chosen c
                ON CONFLICT (exchange, symbol, interval_seconds, interval_start) DO UPDATE
                   SET quote_asset = EXCLUDED.quote_asset, interval_end = EXCLUDED.interval_end,
                       open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
                       volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume,
                       trade_count = EXCLUDED.trade_count, vwap = EXCLUDED.vwap,
                       source = EXCLUDED.source, ingestion_ts = EXCLUDED.ingestion_ts
                 WHERE (f.quote_asset, f.interval_end, f.open, f.high, f.low, f.close, f.volume, f.quote_volume,
                        f.trade_count, f.vwap, f.source, f.ingestion_ts)
                       IS DISTINCT FROM
                       (EXCLUDED.quote_asset, EXCLUDED.interval_end, EXCLUDED.open, EXCLUDED.high, EXCLUDED.low,
                        EXCLUDED.close, EXCLUDED.volume, EXCLUDED.quote_volume, EXCLUDED.trade_count, EXCLUDED.vwap,
                        EXCLUDED.source, EXCLUDED.ingestion_ts)
                RETURNING f.symbol, (xmax = 0) AS inserted
            ),
            candidates AS (SELECT pair, count(*) AS candidates FROM chosen GROUP BY pair),
            changes AS (
                SELECT symbol AS pair, count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated
                  FROM merged GROUP BY symbol
            )
            SELECT c.pair, c.candidates, coalesce(x.inserted, 0) AS inserted, coalesce(x.updated, 0) AS updated
              FROM candidates c LEFT JOIN changes x USING (pair)
            """;

    private SilverMerge() {}

    /** Merges the window of every source's pair; a pair none of whose listings has a final row counts zero. */
    static Map<CanonicalPair, Counts> merge(Connection connection, List<Source> sources, TimeWindow window) throws SQLException {
        Map<String, CanonicalPair> pairs = new LinkedHashMap<>();
        sources.forEach(s -> pairs.put(s.pair().toString(), s.pair()));
        Map<CanonicalPair, Counts> counts = new LinkedHashMap<>();
        pairs.values().forEach(p -> counts.put(p, new Counts(0, 0, 0)));
        if (sources.isEmpty()) {
            return counts;
        }
        try (PreparedStatement statement = connection.prepareStatement(MERGE_BRONZE_INTO_SILVER)) {
            statement.setArray(1, connection.createArrayOf("text", sources.stream().map(s -> s.pair().toString()).toArray()));
            statement.setArray(2, connection.createArrayOf("text", sources.stream().map(s -> s.pair().quote()).toArray()));
            statement.setArray(3, connection.createArrayOf("text", sources.stream().map(Source::exchange).toArray()));
            statement.setArray(4, connection.createArrayOf("text", sources.stream().map(Source::symbol).toArray()));
            statement.setArray(5, connection.createArrayOf("boolean", sources.stream().map(Source::websocketFirst).toArray()));
            statement.setObject(6, OffsetDateTime.ofInstant(window.start(), ZoneOffset.UTC));
            statement.setObject(7, OffsetDateTime.ofInstant(window.end(), ZoneOffset.UTC));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    counts.put(pairs.get(rs.getString("pair")),
                            new Counts(rs.getLong("candidates"), rs.getLong("inserted"), rs.getLong("updated")));
                }
            }
        }
        return counts;
    }
}
