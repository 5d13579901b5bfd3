package io.klinepipeline.workers.rest;

import io.klinepipeline.workers.db.BronzePartitions;
import io.klinepipeline.workers.db.BronzeTables;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.function;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.val;
import static org.jooq.impl.DSL.values;

import io.klinepipeline.exchange.Candle;
import io.klinepipeline.workers.db.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.RowN;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * Stores one run's REST results in one transaction: the final candles of minutes that were missing
 * (source 'rest'), and the minutes the exchange had no candle for. A minute that meanwhile got a
 * final row (the WebSocket, or another bronze-rest run) is left alone.
 */
final class RestFillWriter {
    /** Rows per INSERT: 12 bind values each, well below PostgreSQL's 32767 per statement. */
    private static final int ROWS_PER_STATEMENT = 1000;

    /** A final candle and when it was fetched (its ingestion_ts). */
    record Fill(Candle candle, Instant fetchedAt) {}

    /** A minute the exchange returned no candle for, and when it was asked. */
    record EmptyMinute(Instant intervalStart, Instant checkedAt) {}

    /** What was written: the minutes inserted, and how many empty minutes were recorded. */
    record Written(List<Instant> filled, long checkedEmpty) {}

    private final Connection connection;

    /** Writes on this connection, in a transaction of its own; the caller keeps the connection open and closes it. */
    RestFillWriter(Connection connection) {
        this.connection = connection;
    }

    Written write(String exchange, String symbol, List<Fill> fills, List<EmptyMinute> empties) throws SQLException {
        if (fills.isEmpty() && empties.isEmpty()) {
            return new Written(List.of(), 0);
        }
        if (!fills.isEmpty()) {
            Instant first = fills.stream().map(f -> f.candle().intervalStart()).min(Instant::compareTo).orElseThrow();
            Instant last = fills.stream().map(f -> f.candle().intervalStart()).max(Instant::compareTo).orElseThrow();
            BronzePartitions.ensure(connection, first, last.plusSeconds(1));
        }
        connection.setAutoCommit(false);
        try {
            try {
                DSLContext dsl = Database.dsl(connection);
                // Serialises bronze-rest runs of one stream, so two runs never both insert a minute (re-entrant:
                // BronzeRestJob's session already holds the same lock).
                dsl.select(function("pg_advisory_xact_lock", SQLDataType.OTHER,
                        function("hashtext", SQLDataType.INTEGER, val("bronze-rest")),
                        function("hashtext", SQLDataType.INTEGER, val(exchange + "/" + symbol)))).execute();
                List<Instant> filled = new ArrayList<>();
                for (int i = 0; i < fills.size(); i += ROWS_PER_STATEMENT) {
                    filled.addAll(insertCandles(dsl, exchange, symbol, fills.subList(i, Math.min(fills.size(), i + ROWS_PER_STATEMENT))));
                }
                long checked = 0;
                for (int i = 0; i < empties.size(); i += ROWS_PER_STATEMENT) {
                    checked += recordEmpty(dsl, exchange, symbol, empties.subList(i, Math.min(empties.size(), i + ROWS_PER_STATEMENT)));
                }
                connection.commit();
                return new Written(filled, checked);
            } catch (SQLException | RuntimeException e) {
                // On a lost connection the rollback fails too ("connection has been closed"): the
                // first failure is the one that says why, so it is the one thrown.
                Database.rollbackAfter(connection, e);
                throw e;
            }
        } finally {
            if (!connection.isClosed()) {
                connection.setAutoCommit(true);
            }
        }
    }

    private static List<Instant> insertCandles(DSLContext dsl, String exchange, String symbol, List<Fill> fills) {
        List<RowN> rows = new ArrayList<>(fills.size());
        for (Fill fill : fills) {
            Candle c = fill.candle();
            rows.add(row(List.of(
                    val(c.intervalSeconds(), SQLDataType.INTEGER), val(c.intervalStart(), SQLDataType.INSTANT),
                    val(c.intervalEnd(), SQLDataType.INSTANT), val(c.open(), SQLDataType.DOUBLE),
                    val(c.high(), SQLDataType.DOUBLE), val(c.low(), SQLDataType.DOUBLE), val(c.close(), SQLDataType.DOUBLE),
                    val(c.volume(), SQLDataType.DOUBLE), val(c.quoteVolume(), SQLDataType.DOUBLE),
                    val(c.vwap(), SQLDataType.DOUBLE), val(c.tradeCount(), SQLDataType.INTEGER),
                    val(fill.fetchedAt(), SQLDataType.INSTANT))));
        }
        Table<?> v = values(rows.toArray(RowN[]::new)).as("v", "interval_seconds", "interval_start", "interval_end",
                "open", "high", "low", "close", "volume", "quote_volume", "vwap", "trade_count", "ingestion_ts");
        Field<Integer> vSeconds = field(name("v", "interval_seconds"), SQLDataType.INTEGER);
        Field<Instant> vStart = field(name("v", "interval_start"), SQLDataType.INSTANT);
        BronzeTables.Ohlcv t = new BronzeTables.Ohlcv(null);
        BronzeTables.Ohlcv b = new BronzeTables.Ohlcv("b");
        return dsl.insertInto(t.table)
                .columns(t.exchange, t.symbol, t.intervalSeconds, t.intervalStart, t.intervalEnd, t.open, t.high, t.low,
                        t.close, t.volume, t.quoteVolume, t.vwap, t.tradeCount, t.ingestionTs, t.source, t.isFinal)
                .select(select(val(exchange), val(symbol), vSeconds, vStart,
                        field(name("v", "interval_end"), SQLDataType.INSTANT),
                        field(name("v", "open"), SQLDataType.DOUBLE), field(name("v", "high"), SQLDataType.DOUBLE),
                        field(name("v", "low"), SQLDataType.DOUBLE), field(name("v", "close"), SQLDataType.DOUBLE),
                        field(name("v", "volume"), SQLDataType.DOUBLE), field(name("v", "quote_volume"), SQLDataType.DOUBLE),
                        field(name("v", "vwap"), SQLDataType.DOUBLE), field(name("v", "trade_count"), SQLDataType.INTEGER),
                        field(name("v", "ingestion_ts"), SQLDataType.INSTANT), val("rest"), val(true))
                        .from(v)
                        .whereNotExists(selectOne().from(b.table).where(
                                b.exchange.eq(exchange), b.symbol.eq(symbol), b.intervalSeconds.eq(vSeconds),
                                b.intervalStart.eq(vStart), b.isFinal.isTrue())))
                .returningResult(t.intervalStart)
                .fetch(t.intervalStart);
    }

    private static int recordEmpty(DSLContext dsl, String exchange, String symbol, List<EmptyMinute> empties) {
        List<RowN> rows = new ArrayList<>(empties.size());
        for (EmptyMinute empty : empties) {
            rows.add(row(List.of(val(empty.intervalStart(), SQLDataType.INSTANT), val(empty.checkedAt(), SQLDataType.INSTANT))));
        }
        Table<?> v = values(rows.toArray(RowN[]::new)).as("v", "interval_start", "checked_at");
        Field<Instant> vStart = field(name("v", "interval_start"), SQLDataType.INSTANT);
        BronzeTables.CheckedMinutes t = new BronzeTables.CheckedMinutes(null);
        BronzeTables.Ohlcv b = new BronzeTables.Ohlcv("b");
        return dsl.insertInto(t.table)
                .columns(t.exchange, t.symbol, t.intervalSeconds, t.intervalStart, t.checkedAt)
                .select(select(val(exchange), val(symbol), val(GapFinder.MINUTE_SECONDS), vStart,
                        field(name("v", "checked_at"), SQLDataType.INSTANT))
                        .from(v)
                        .whereNotExists(selectOne().from(b.table).where(
                                b.exchange.eq(exchange), b.symbol.eq(symbol), b.intervalSeconds.eq(GapFinder.MINUTE_SECONDS),
                                b.intervalStart.eq(vStart), b.isFinal.isTrue())))
                .onConflictDoNothing()
                .execute();
    }
}
