package io.klinepipeline.workers.bronze;

import io.klinepipeline.exchange.Candle;
import io.klinepipeline.workers.db.BronzePartitions;
import io.klinepipeline.workers.db.BronzeTables;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.window.TimeWindow;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * One replacement of a stream's websocket rows in a window, in one transaction. Until
 * {@link #commit} succeeds nothing is visible, and anything short of it rolls back, so a failed
 * run leaves the old rows in place; readers see the old rows or the new ones, never a mix.
 *
 * <p>A first load (bronze holds none of the scope's websocket rows), and a rerun none of whose
 * hours the last load recorded, delete the scope's rows and COPY straight into bronze. Another
 * rerun is COPYed into a temporary table (no indexes, no WAL) while a SHA-256 of each hour's rows
 * is taken; at commit, an hour whose rows are the ones the last load wrote (same digest
 * and count in {@code bronze.websocket_load_ranges}, and bronze still holds that many) is left as
 * it is, and only the other hours are deleted and inserted from the temporary table. A rerun over
 * unchanged input thus writes nothing to bronze: no second copy of the rows in the WAL, no dead
 * rows for vacuum, no index churn.
 */
final class BronzeWindowLoad implements AutoCloseable {
    private static final String COLUMNS = "exchange, symbol, interval_seconds, interval_start, interval_end, open, high,"
            + " low, close, volume, quote_volume, vwap, trade_count, source, ingestion_ts, is_final";

    /** The COPY of websocket candles; columns in the order {@link BronzeCopyRows} writes them. */
    static final String COPY = "COPY bronze.bronze_ohclv_native (" + COLUMNS + ") FROM STDIN (FORMAT binary)";

    /**
     * Two runs over the same stream at once would each delete only the rows committed before they
     * started and then both insert: doubles. A transaction-scoped advisory lock per stream makes
     * them take turns; it is released by commit or rollback.
     */
    private static final String LOCK_STREAM = "SELECT pg_advisory_xact_lock(hashtext('ext-to-bronze'), hashtext(?))";

    private static final String CREATE_STAGING = "CREATE TEMPORARY TABLE bronze_window_load"
            + " (LIKE bronze.bronze_ohclv_native) ON COMMIT DROP";
    private static final String COPY_STAGING = "COPY pg_temp.bronze_window_load (" + COLUMNS + ") FROM STDIN (FORMAT binary)";

    private static final BronzeTables.Ohlcv BRONZE = new BronzeTables.Ohlcv(null);
    private static final Table<Record> STAGING = DSL.table(DSL.name("pg_temp", "bronze_window_load"));
    private static final Table<Record> LOADS = DSL.table(DSL.name("bronze", "websocket_load_ranges"));
    private static final Field<String> LOAD_EXCHANGE = DSL.field(DSL.name("exchange"), String.class);
    private static final Field<String> LOAD_SYMBOL = DSL.field(DSL.name("symbol"), String.class);
    private static final Field<Instant> LOAD_START = DSL.field(DSL.name("range_start"), Instant.class);
    private static final Field<Instant> LOAD_END = DSL.field(DSL.name("range_end"), Instant.class);
    private static final Field<Long> LOAD_ROWS = DSL.field(DSL.name("row_count"), Long.class);
    private static final Field<String> LOAD_DIGEST = DSL.field(DSL.name("digest"), String.class);
    private static final Field<Instant> LOAD_AT = DSL.field(DSL.name("loaded_at"), Instant.class);

    private final Connection connection;
    private final DSLContext sql;
    private final String exchange;
    private final String symbol;
    private final ReplaceScope scope;
    private final boolean staged;
    private final CopyIn copy;
    private final PGCopyOutputStream copyStream;
    /** The row in COPY's binary format, encoded once for both the digest and the COPY. */
    private final BronzeCopyRows rows = new BronzeCopyRows();
    /** Per hour of the scope (keyed by the hour), the digest of its rows in COPY order. */
    private final Map<Instant, HourDigest> digests = new LinkedHashMap<>();
    private long rowsReplaced;
    private long rowsUnchanged;
    private boolean committed;

    private BronzeWindowLoad(Connection connection, String exchange, String symbol, ReplaceScope scope, boolean staged,
            CopyIn copy) throws SQLException {
        this.connection = connection;
        this.sql = Database.dsl(connection);
        this.exchange = exchange;
        this.symbol = symbol;
        this.scope = scope;
        this.staged = staged;
        this.copy = copy;
        this.copyStream = new PGCopyOutputStream(copy, 64 * 1024);
        try {
            copyStream.write(BronzeCopyRows.HEADER);
        } catch (IOException e) {
            throw new SQLException("cannot start the COPY: " + e.getMessage(), e);
        }
        for (TimeWindow range : scope.hourRanges()) {
            digests.put(range.start().truncatedTo(ChronoUnit.HOURS), new HourDigest(range));
        }
    }

    /**
     * Opens the transaction, takes the stream's lock and starts the COPY: straight into bronze when
     * it holds none of the scope's websocket rows, else into the temporary table.
     */
    static BronzeWindowLoad begin(Database database, String exchange, String symbol, ReplaceScope scope) throws SQLException {
        Connection connection = database.connect();
        try {
            List<TimeWindow> ranges = scope.ranges();
            if (!ranges.isEmpty()) {
                BronzePartitions.ensure(connection, ranges.get(0).start(), ranges.get(ranges.size() - 1).end());
            }
            connection.setAutoCommit(false);
            DSLContext sql = Database.dsl(connection);
            sql.execute(LOCK_STREAM, exchange + "/" + symbol);
            boolean holdsRows = sql.fetchExists(BRONZE.table, streamRows(exchange, symbol, scope.ranges()));
            // Staging pays off only when some hour may be kept: one the last load recorded exactly.
            // Otherwise (rows loaded before the record existed, or by a window cut differently)
            // every hour is rewritten anyway, and deleting first and COPYing straight in is cheaper.
            boolean staged = holdsRows && sql.fetchExists(LOADS, LOAD_EXCHANGE.eq(exchange).and(LOAD_SYMBOL.eq(symbol))
                    .and(DSL.or(scope.hourRanges().stream()
                            .map(range -> LOAD_START.eq(range.start()).and(LOAD_END.eq(range.end()))).toList())));
            if (staged) {
                sql.execute(CREATE_STAGING);
            }
            long deleted = !staged && holdsRows
                    ? sql.deleteFrom(BRONZE.table).where(streamRows(exchange, symbol, scope.ranges())).execute() : 0;
            CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(staged ? COPY_STAGING : COPY);
            BronzeWindowLoad load = new BronzeWindowLoad(connection, exchange, symbol, scope, staged, copy);
            load.rowsReplaced = deleted;
            return load;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection, e);
            closeQuietly(connection, e);
            throw e;
        }
    }

    /** The earlier websocket rows of the scope that this load replaced (kept ones included); known after {@link #commit}. */
    long rowsReplaced() {
        return rowsReplaced;
    }

    /** Of {@link #rowsReplaced()}, those in hours whose rows were the same as the load's and were left in place. */
    long rowsUnchanged() {
        return rowsUnchanged;
    }

    /** Streams one row into the COPY; buffered, so memory stays flat however many rows come. */
    void add(Candle candle, Instant ingestionTs) throws IOException {
        HourDigest digest = digests.get(candle.intervalStart().truncatedTo(ChronoUnit.HOURS));
        if (digest == null) {
            throw new IllegalStateException("candle " + candle.intervalStart() + " is outside the load's scope " + scope);
        }
        rows.encode(candle, ingestionTs);
        digest.add(rows.bytes(), rows.length());
        copyStream.write(rows.bytes(), 0, rows.length());
    }

    /**
     * Ends the COPY, applies a staged load, records the hours' digests and the load in the ledger,
     * and commits; returns the rows the load holds for the scope.
     */
    long commit(LoadLedger ledger, LoadLedger.Entry entry) throws IOException, SQLException {
        copyStream.write(BronzeCopyRows.TRAILER);
        long copied = copyStream.endCopy();
        if (staged) {
            applyStaged();
        }
        recordDigests();
        ledger.record(connection, entry, copied);
        connection.commit();
        committed = true;
        return copied;
    }

    /** Keeps the hours whose rows are unchanged, replaces the others from the temporary table. */
    private void applyStaged() {
        Map<Instant, Long> held = new HashMap<>();
        Field<Instant> hour = DSL.field("date_trunc('hour', {0}, 'UTC')", Instant.class, BRONZE.intervalStart);
        sql.select(hour, DSL.count()).from(BRONZE.table).where(streamRows(exchange, symbol, scope.ranges())).groupBy(hour)
                .fetch().forEach(r -> held.put(r.value1(), r.value2().longValue()));
        Map<TimeWindow, Record> last = new HashMap<>();
        sql.select(LOAD_START, LOAD_END, LOAD_ROWS, LOAD_DIGEST).from(LOADS)
                .where(LOAD_EXCHANGE.eq(exchange)).and(LOAD_SYMBOL.eq(symbol)).and(overlapping(scope.ranges()))
                .fetch().forEach(r -> last.put(new TimeWindow(r.get(LOAD_START), r.get(LOAD_END)), r));

        List<TimeWindow> changed = new ArrayList<>();
        for (HourDigest digest : digests.values()) {
            long holds = held.getOrDefault(digest.range.start().truncatedTo(ChronoUnit.HOURS), 0L);
            rowsReplaced += holds;
            Record previous = last.get(digest.range);
            boolean unchanged = previous != null && previous.get(LOAD_DIGEST).equals(digest.hex())
                    && previous.get(LOAD_ROWS) == digest.rows && holds == digest.rows;
            if (unchanged) {
                rowsUnchanged += holds;
            } else {
                changed.add(digest.range);
            }
        }
        if (changed.isEmpty()) {
            return;
        }
        List<TimeWindow> replace = ReplaceScope.merged(changed);
        sql.deleteFrom(BRONZE.table).where(streamRows(exchange, symbol, replace)).execute();
        sql.execute("ANALYZE pg_temp.bronze_window_load");
        sql.execute("INSERT INTO bronze.bronze_ohclv_native (" + COLUMNS + ") SELECT " + COLUMNS
                + " FROM pg_temp.bronze_window_load WHERE {0}", inRanges(BRONZE.intervalStart, replace));
    }

    /** What this load wrote per hour, replacing what earlier loads recorded for overlapping ranges. */
    /**
     * Records what this load wrote per range. A range whose digest and count are unchanged keeps its
     * record as it was (its rows were not rewritten, so {@code loaded_at} stays the time they were),
     * so a rerun over unchanged input changes no table at all.
     */
    private void recordDigests() {
        Condition notLoadedNow = DSL.and(digests.values().stream()
                .map(d -> DSL.not(LOAD_START.eq(d.range.start()).and(LOAD_END.eq(d.range.end())))).toList());
        sql.deleteFrom(LOADS).where(LOAD_EXCHANGE.eq(exchange)).and(LOAD_SYMBOL.eq(symbol)).and(overlapping(scope.ranges()))
                .and(notLoadedNow).execute();
        if (digests.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        var insert = sql.insertInto(LOADS, LOAD_EXCHANGE, LOAD_SYMBOL, LOAD_START, LOAD_END, LOAD_ROWS, LOAD_DIGEST, LOAD_AT);
        for (HourDigest digest : digests.values()) {
            insert = insert.values(exchange, symbol, digest.range.start(), digest.range.end(), digest.rows, digest.hex(), now);
        }
        insert.onConflict(LOAD_EXCHANGE, LOAD_SYMBOL, LOAD_START, LOAD_END).doUpdate()
                .set(LOAD_ROWS, DSL.excluded(LOAD_ROWS))
                .set(LOAD_DIGEST, DSL.excluded(LOAD_DIGEST))
                .set(LOAD_AT, DSL.excluded(LOAD_AT))
                .where(recorded(LOAD_ROWS).ne(DSL.excluded(LOAD_ROWS)).or(recorded(LOAD_DIGEST).ne(DSL.excluded(LOAD_DIGEST))))
                .execute();
    }

    /** The column of the row already recorded, as ON CONFLICT's WHERE must name it beside EXCLUDED's. */
    private static <T> Field<T> recorded(Field<T> column) {
        return DSL.field(DSL.name("bronze", "websocket_load_ranges", column.getName()), column.getType());
    }

    private static Condition streamRows(String exchange, String symbol, List<TimeWindow> ranges) {
        return BRONZE.exchange.eq(exchange).and(BRONZE.symbol.eq(symbol)).and(BRONZE.source.eq(BronzeCopyRows.SOURCE))
                .and(inRanges(BRONZE.intervalStart, ranges));
    }

    private static Condition inRanges(Field<Instant> at, List<TimeWindow> ranges) {
        return DSL.or(ranges.stream().map(range -> at.ge(range.start()).and(at.lt(range.end()))).toList());
    }

    private static Condition overlapping(List<TimeWindow> ranges) {
        return DSL.or(ranges.stream().map(range -> LOAD_START.lt(range.end()).and(LOAD_END.gt(range.start()))).toList());
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

    /** The rows of one hour of the scope as they were COPYed, in order: their count and SHA-256. */
    private static final class HourDigest {
        final TimeWindow range;
        final MessageDigest sha;
        long rows;
        private String hex;

        HourDigest(TimeWindow range) {
            this.range = range;
            try {
                this.sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }

        void add(byte[] copyRow, int length) {
            sha.update(copyRow, 0, length);
            rows++;
        }

        String hex() {
            if (hex == null) {
                hex = HexFormat.of().formatHex(sha.digest());
            }
            return hex;
        }
    }
}
