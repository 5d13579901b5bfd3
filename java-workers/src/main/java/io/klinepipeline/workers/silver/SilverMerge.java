package io.klinepipeline.workers.silver;

import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.config.PipelineConfig.Listing;
import io.klinepipeline.workers.window.TimeWindow;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import io.klinepipeline.exchange.SourcePrecedence;
import java.util.List;
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

    /** Counts of one merge; unchanged = candidates - inserted - updated. */
    record Counts(long candidates, long inserted, long updated) {}

    static final String MERGE_BRONZE_INTO_SILVER = """
            WITH listing (exchange, symbol, websocket_first) AS (
                SELECT * FROM unnest(?::text[], ?::text[], ?::boolean[])
            ),
            chosen AS (
                SELECT DISTINCT ON (b.exchange, b.interval_seconds, b.interval_start)
                       b.exchange, b.interval_seconds, b.interval_start, b.interval_end,
                       b.open, b.high, b.low, b.close, b.volume, b.quote_volume, b.trade_count, b.vwap,
                       b.source, b.ingestion_ts
                  FROM bronze.bronze_ohclv_native b
                  JOIN listing l ON l.exchange = b.exchange AND l.symbol = b.symbol
                 WHERE b.is_final
                   AND b.interval_start >= ?::timestamptz
                   AND b.interval_start < ?::timestamptz
                 ORDER BY b.exchange, b.interval_seconds, b.interval_start,
                          ((b.source = 'websocket') = l.websocket_first) DESC,
                          b.ingestion_ts DESC,
                          b.volume DESC,
                          b.symbol, b.close, b.open, b.high, b.low, b.quote_volume, b.trade_count, b.vwap
            ),
            merged AS (
                INSERT INTO silver.fact_ohlcv AS f
                       (exchange, symbol, quote_asset, interval_seconds, interval_start, interval_end,
                        open, high, low, close, volume, quote_volume, trade_count, vwap, source, ingestion_ts)
                SELECT c.exchange, ?, ?, c.interval_seconds, c.interval_start, c.interval_end,
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
                RETURNING (xmax = 0) AS inserted
            )
            SELECT (SELECT count(*) FROM chosen) AS candidates,
                   count(*) FILTER (WHERE inserted) AS inserted,
                   count(*) FILTER (WHERE NOT inserted) AS updated
              FROM merged
            """;

    private SilverMerge() {}

    static Counts merge(Connection connection, CanonicalPair pair, List<Listing> listings,
            Function<String, SourcePrecedence> precedence, TimeWindow window) throws SQLException {
        Array exchanges = connection.createArrayOf("text", listings.stream().map(Listing::exchange).toArray());
        Array symbols = connection.createArrayOf("text", listings.stream().map(l -> l.pair().symbol()).toArray());
        Array websocketFirst = connection.createArrayOf("boolean", listings.stream()
                .map(l -> precedence.apply(l.exchange()) == SourcePrecedence.WEBSOCKET_FIRST).toArray());
        try (PreparedStatement statement = connection.prepareStatement(MERGE_BRONZE_INTO_SILVER)) {
            statement.setArray(1, exchanges);
            statement.setArray(2, symbols);
            statement.setArray(3, websocketFirst);
            statement.setObject(4, OffsetDateTime.ofInstant(window.start(), ZoneOffset.UTC));
            statement.setObject(5, OffsetDateTime.ofInstant(window.end(), ZoneOffset.UTC));
            statement.setString(6, pair.toString());
            statement.setString(7, pair.quote());
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return new Counts(rs.getLong("candidates"), rs.getLong("inserted"), rs.getLong("updated"));
            }
        } finally {
            exchanges.free();
            symbols.free();
            websocketFirst.free();
        }
    }
}
