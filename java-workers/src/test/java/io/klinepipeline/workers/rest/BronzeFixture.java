package io.klinepipeline.workers.rest;

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

/** Plants and reads bronze rows for the bronze-rest tests. */
final class BronzeFixture {
    private final Database database;

    BronzeFixture(Database database) {
        this.database = database;
    }

    /** A one-minute bronze row with plain values. */
    void plant(String symbol, Instant minute, String source, boolean isFinal) throws SQLException {
        try (Connection c = database.connect();
                PreparedStatement s = c.prepareStatement("INSERT INTO bronze.bronze_ohclv_native (exchange, symbol,"
                        + " interval_seconds, interval_start, interval_end, open, high, low, close, volume, quote_volume, vwap,"
                        + " trade_count, source, ingestion_ts, is_final) VALUES ('binance', ?, 60, ?, ?, 1, 2, 0.5, 1.5, 3, 4.5, 1.5, 7, ?, ?, ?)")) {
            s.setString(1, symbol);
            s.setObject(2, utc(minute));
            s.setObject(3, utc(minute.plusSeconds(60)));
            s.setString(4, source);
            s.setObject(5, utc(minute.plusSeconds(61)));
            s.setBoolean(6, isFinal);
            s.executeUpdate();
        }
    }

    /** Websocket-final rows for every minute in [from, toExclusive) except the given ones. */
    void plantWebsocketFinal(String symbol, Instant from, Instant toExclusive, Instant... except) throws SQLException {
        List<Instant> skip = List.of(except);
        for (Instant m = from; m.isBefore(toExclusive); m = m.plusSeconds(60)) {
            if (!skip.contains(m)) {
                plant(symbol, m, "websocket", true);
            }
        }
    }

    void markChecked(String symbol, Instant minute, Instant checkedAt) throws SQLException {
        try (Connection c = database.connect();
                PreparedStatement s = c.prepareStatement("INSERT INTO bronze.rest_checked_minutes VALUES ('binance', ?, 60, ?, ?)")) {
            s.setString(1, symbol);
            s.setObject(2, utc(minute));
            s.setObject(3, utc(checkedAt));
            s.executeUpdate();
        }
    }

    /** A stored REST row. */
    record RestRow(Instant start, Instant end, double open, double high, double low, double close, double volume,
            Double quoteVolume, Double vwap, Integer tradeCount, Instant ingestionTs, boolean isFinal) {}

    List<RestRow> restRows(String symbol) throws SQLException {
        return restRows("binance", symbol);
    }

    List<RestRow> restRows(String exchange, String symbol) throws SQLException {
        try (Connection c = database.connect();
                PreparedStatement s = c.prepareStatement("SELECT interval_start, interval_end, open, high, low, close, volume,"
                        + " quote_volume, vwap, trade_count, ingestion_ts, is_final FROM bronze.bronze_ohclv_native"
                        + " WHERE exchange = ? AND symbol = ? AND source = 'rest' ORDER BY interval_start")) {
            s.setString(1, exchange);
            s.setString(2, symbol);
            List<RestRow> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new RestRow(instant(rs, 1), instant(rs, 2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5),
                            rs.getDouble(6), rs.getDouble(7), rs.getObject(8, Double.class), rs.getObject(9, Double.class),
                            rs.getObject(10, Integer.class), instant(rs, 11), rs.getBoolean(12)));
                }
            }
            return out;
        }
    }

    List<Instant> restMinutes(String symbol) throws SQLException {
        return restRows(symbol).stream().map(RestRow::start).toList();
    }

    long count(String sql) throws SQLException {
        try (Connection c = database.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** (interval_start, checked_at) of bronze.rest_checked_minutes for the symbol. */
    List<List<Instant>> checked(String symbol) throws SQLException {
        try (Connection c = database.connect();
                PreparedStatement s = c.prepareStatement("SELECT interval_start, checked_at FROM bronze.rest_checked_minutes"
                        + " WHERE exchange = 'binance' AND symbol = ? AND interval_seconds = 60 ORDER BY 1")) {
            s.setString(1, symbol);
            List<List<Instant>> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(List.of(instant(rs, 1), instant(rs, 2)));
                }
            }
            return out;
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
