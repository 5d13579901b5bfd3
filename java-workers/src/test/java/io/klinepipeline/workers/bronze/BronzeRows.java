package io.klinepipeline.workers.bronze;

import io.klinepipeline.workers.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Reads and seeds bronze rows in tests. */
final class BronzeRows {

    /** One row of bronze.bronze_ohclv_native, every column. */
    record Row(String exchange, String symbol, int intervalSeconds, Instant intervalStart, Instant intervalEnd,
            double open, double high, double low, double close, double volume, Double quoteVolume, Double vwap,
            Integer tradeCount, String source, Instant ingestionTs, boolean isFinal) {}

    private BronzeRows() {}

    /** Every row, in a stable order. */
    static List<Row> all(Database database) throws SQLException {
        try (Connection c = database.connect();
                ResultSet rs = c.createStatement().executeQuery("SELECT exchange, symbol, interval_seconds, interval_start,"
                        + " interval_end, open, high, low, close, volume, quote_volume, vwap, trade_count, source,"
                        + " ingestion_ts, is_final FROM bronze.bronze_ohclv_native"
                        + " ORDER BY exchange, symbol, interval_start, source, ingestion_ts, is_final")) {
            List<Row> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(new Row(rs.getString(1), rs.getString(2), rs.getInt(3), instant(rs, 4), instant(rs, 5),
                        rs.getDouble(6), rs.getDouble(7), rs.getDouble(8), rs.getDouble(9), rs.getDouble(10),
                        nullableDouble(rs, 11), nullableDouble(rs, 12), nullableInt(rs, 13), rs.getString(14),
                        instant(rs, 15), rs.getBoolean(16)));
            }
            return rows;
        }
    }

    /** Inserts rows as another job (or an earlier run) would have. */
    static void insert(Database database, Row... rows) throws SQLException {
        try (Connection c = database.connect();
                PreparedStatement insert = c.prepareStatement("INSERT INTO bronze.bronze_ohclv_native VALUES"
                        + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Row r : rows) {
                insert.setString(1, r.exchange());
                insert.setString(2, r.symbol());
                insert.setInt(3, r.intervalSeconds());
                insert.setObject(4, OffsetDateTime.ofInstant(r.intervalStart(), ZoneOffset.UTC));
                insert.setObject(5, OffsetDateTime.ofInstant(r.intervalEnd(), ZoneOffset.UTC));
                insert.setDouble(6, r.open());
                insert.setDouble(7, r.high());
                insert.setDouble(8, r.low());
                insert.setDouble(9, r.close());
                insert.setDouble(10, r.volume());
                insert.setObject(11, r.quoteVolume());
                insert.setObject(12, r.vwap());
                insert.setObject(13, r.tradeCount());
                insert.setString(14, r.source());
                insert.setObject(15, OffsetDateTime.ofInstant(r.ingestionTs(), ZoneOffset.UTC));
                insert.setBoolean(16, r.isFinal());
                insert.executeUpdate();
            }
        }
    }

    /** A plausible row of a minute, for seeding. */
    static Row seeded(String symbol, Instant minute, String source, double close) {
        return new Row("binance", symbol, 60, minute, minute.plusSeconds(60), close, close, close, close, 1.0, close, close,
                1, source, minute.plusSeconds(61), true);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static Double nullableDouble(ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    private static Integer nullableInt(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }
}
