package io.klinepipeline.workers.silver;

import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.DatabaseUrl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;

/**
 * Not a test: the silver merge done the obvious way, for {@code make bench} to hold {@link SilverMerge}
 * against: every final bronze row of the window read once, and one upsert statement per row over
 * JDBC (autocommit off, one commit), a row replacing silver's only when it ranks higher by the same
 * rule (preferred source, then latest ingestion_ts, then greatest volume). Which listing a native
 * symbol belongs to comes from table {@code bench_listing (exchange, symbol, canonical, quote_asset,
 * websocket_first)} that the benchmark fills from pipeline.yaml.
 * {@code java -cp kline-worker.jar:test-classes io.klinepipeline.workers.silver.PerRowUpsertMerge TABLE START END},
 * KLINE_DATABASE_URL in the environment; prints the statements executed and the rows they changed.
 */
public final class PerRowUpsertMerge {

    private PerRowUpsertMerge() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: PerRowUpsertMerge TABLE START END");
            System.exit(2);
        }
        String table = args[0];
        OffsetDateTime start = OffsetDateTime.parse(args[1]);
        OffsetDateTime end = OffsetDateTime.parse(args[2]);
        Database database = new Database(DatabaseUrl.fromEnvironment(System.getenv()));
        long statements = 0;
        long changed = 0;
        try (Connection read = database.connect(); Connection write = database.connect()) {
            read.setAutoCommit(false); // a cursor: the rows stream instead of landing in memory at once
            write.setAutoCommit(false);
            try (PreparedStatement select = read.prepareStatement("""
                    SELECT b.exchange, l.canonical, l.quote_asset, b.interval_seconds, b.interval_start, b.interval_end,
                           b.open, b.high, b.low, b.close, b.volume, b.quote_volume, b.trade_count, b.vwap,
                           b.source, b.ingestion_ts, l.websocket_first
                      FROM bronze.bronze_ohclv_native b
                      JOIN bench_listing l ON l.exchange = b.exchange AND l.symbol = b.symbol
                     WHERE b.is_final AND b.interval_start >= ? AND b.interval_start < ?
                    """);
                    PreparedStatement upsert = write.prepareStatement("INSERT INTO " + table + " AS f"
                            + " (exchange, symbol, quote_asset, interval_seconds, interval_start, interval_end,"
                            + "  open, high, low, close, volume, quote_volume, trade_count, vwap, source, ingestion_ts)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (exchange, symbol, interval_seconds, interval_start) DO UPDATE"
                            + " SET quote_asset = EXCLUDED.quote_asset, interval_end = EXCLUDED.interval_end,"
                            + "     open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,"
                            + "     volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume,"
                            + "     trade_count = EXCLUDED.trade_count, vwap = EXCLUDED.vwap,"
                            + "     source = EXCLUDED.source, ingestion_ts = EXCLUDED.ingestion_ts"
                            + " WHERE ((EXCLUDED.source = 'websocket') = ?, EXCLUDED.ingestion_ts, EXCLUDED.volume)"
                            + "     > ((f.source = 'websocket') = ?, f.ingestion_ts, f.volume)")) {
                select.setObject(1, start);
                select.setObject(2, end);
                select.setFetchSize(10_000);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        for (int i = 1; i <= 16; i++) {
                            upsert.setObject(i, rows.getObject(i));
                        }
                        boolean websocketFirst = rows.getBoolean(17);
                        upsert.setBoolean(17, websocketFirst);
                        upsert.setBoolean(18, websocketFirst);
                        changed += upsert.executeUpdate();
                        statements++;
                    }
                }
            }
            write.commit();
            read.commit();
        }
        System.out.println(statements + " " + changed);
    }
}
