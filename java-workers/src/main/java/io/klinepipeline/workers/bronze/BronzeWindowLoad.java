package io.klinepipeline.workers.bronze;

import io.klinepipeline.exchange.Candle;
import io.klinepipeline.workers.db.BronzeTables;
import io.klinepipeline.workers.db.Database;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * One replacement of a stream's websocket rows in a window, in one transaction: delete the old
 * rows, then COPY the new ones in as they are read. Until {@link #commit()} succeeds nothing is
 * visible, and anything short of it rolls back, so a failed run leaves the old rows in place.
 */
final class BronzeWindowLoad implements AutoCloseable {
    /** The COPY of websocket candles; columns in the order {@link BronzeCopyRows} writes them. */
    static final String COPY = "COPY bronze.bronze_ohclv_native (exchange, symbol, interval_seconds, interval_start,"
            + " interval_end, open, high, low, close, volume, quote_volume, vwap, trade_count, source, ingestion_ts,"
            + " is_final) FROM STDIN (FORMAT text)";

    /**
     * Two runs over the same stream at once would each delete only the rows committed before they
     * started and then both insert: doubles. A transaction-scoped advisory lock per stream makes
     * them take turns; it is released by commit or rollback.
     */
    private static final String LOCK_STREAM = "SELECT pg_advisory_xact_lock(hashtext('ext-to-bronze'), hashtext(?))";

    private static final BronzeTables.Ohlcv BRONZE = new BronzeTables.Ohlcv(null);

    private final Connection connection;
    private final CopyIn copy;
    private final PGCopyOutputStream copyStream;
    private final Writer rows;
    private final long rowsReplaced;
    private final StringBuilder row = new StringBuilder(256);
    private boolean committed;

    private BronzeWindowLoad(Connection connection, CopyIn copy, long rowsReplaced) {
        this.connection = connection;
        this.copy = copy;
        this.copyStream = new PGCopyOutputStream(copy, 64 * 1024);
        this.rows = new BufferedWriter(new OutputStreamWriter(copyStream, StandardCharsets.UTF_8), 64 * 1024);
        this.rowsReplaced = rowsReplaced;
    }

    /** Opens the transaction, deletes the stream's websocket rows in the scope and starts the COPY. */
    static BronzeWindowLoad begin(Database database, String exchange, String symbol, ReplaceScope scope) throws SQLException {
        Connection connection = database.connect();
        try {
            connection.setAutoCommit(false);
            DSLContext sql = Database.dsl(connection);
            sql.execute(LOCK_STREAM, exchange + "/" + symbol);
            int deleted = sql.deleteFrom(BRONZE.table)
                    .where(BRONZE.exchange.eq(exchange))
                    .and(BRONZE.symbol.eq(symbol))
                    .and(BRONZE.source.eq(BronzeCopyRows.SOURCE))
                    .and(DSL.or(scope.ranges().stream()
                            .map(range -> BRONZE.intervalStart.ge(range.start()).and(BRONZE.intervalStart.lt(range.end())))
                            .toList()))
                    .execute();
            CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
            return new BronzeWindowLoad(connection, copy, deleted);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection, e);
            closeQuietly(connection, e);
            throw e;
        }
    }

    /** The rows the delete removed; they come back only if the load commits. */
    long rowsReplaced() {
        return rowsReplaced;
    }

    /** Streams one row into the COPY; buffered, so memory stays flat however many rows come. */
    void add(Candle candle, Instant ingestionTs) throws IOException {
        row.setLength(0);
        BronzeCopyRows.append(row, candle, ingestionTs);
        rows.append(row);
    }

    /** Ends the COPY and commits; returns the rows the COPY inserted. */
    long commit() throws IOException, SQLException {
        rows.flush();
        long inserted = copyStream.endCopy();
        connection.commit();
        committed = true;
        return inserted;
    }

    @Override
    public void close() throws SQLException {
        try {
            if (!committed) {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
                connection.rollback();
            }
        } finally {
            connection.close();
        }
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void closeQuietly(Connection connection, Exception cause) {
        try {
            connection.close();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
