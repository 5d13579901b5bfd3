package io.klinepipeline.workers.faults;

import io.klinepipeline.workers.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A test's view of one pipeline database from a connection of its own: the full contents of the
 * tables, the worker's backends as pg_stat_activity shows them, and a trigger that holds a
 * worker's transaction open at a chosen row so a fault lands mid-write every time.
 */
final class Warehouse {
    /** Every row of every pipeline table, in a fixed order; wall-clock columns (REST fetch and check times) left out. */
    record Contents(List<String> bronze, List<String> restChecked, List<String> silver) {
        /** Silver rows with the same key more than once (the primary key forbids it; counted for the table). */
        long silverDuplicates() {
            return silver.size() - silver.stream().map(r -> String.join("|", List.of(r.split("\\|")).subList(0, 4))).distinct().count();
        }
    }

    private final Database database;

    Warehouse(Database database) {
        this.database = database;
    }

    Contents contents() throws SQLException {
        return new Contents(
                rows("""
                        SELECT concat_ws('|', exchange, symbol, interval_seconds, interval_start, interval_end, open, high, low, close,
                               volume, quote_volume, vwap, trade_count, source,
                               CASE WHEN source = 'websocket' THEN ingestion_ts END, is_final)
                          FROM bronze.bronze_ohclv_native ORDER BY 1"""),
                rows("SELECT concat_ws('|', exchange, symbol, interval_seconds, interval_start) FROM bronze.rest_checked_minutes ORDER BY 1"),
                rows("""
                        SELECT concat_ws('|', exchange, symbol, interval_seconds, interval_start, quote_asset, interval_end, open, high,
                               low, close, volume, quote_volume, trade_count, vwap, source,
                               CASE WHEN source = 'websocket' THEN ingestion_ts END)
                          FROM silver.fact_ohlcv ORDER BY 1"""));
    }

    private List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("SET TIME ZONE 'UTC'");  // the same text on every server, for comparing across them
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return rows;
    }

    /**
     * Makes the first insert or update in a transaction of a row of {@code table} matching
     * {@code when} (a trigger WHEN condition over NEW) wait until {@link #release}, holding the
     * writing transaction open with its earlier rows written and uncommitted.
     */
    void holdWritesTo(String table, String when) throws SQLException {
        execute("CREATE TABLE IF NOT EXISTS public.fault_gate (closed boolean)");
        execute("INSERT INTO public.fault_gate VALUES (true)");
        execute("""
                CREATE OR REPLACE FUNCTION public.fault_hold() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                  waited integer := 0;
                BEGIN
                  -- Once per transaction; each loop's query sees the gate as now committed. Bounded,
                  -- so a test that dies never leaves a backend waiting for good.
                  IF current_setting('fault.held', true) IS DISTINCT FROM 'yes' THEN
                    PERFORM set_config('fault.held', 'yes', true);
                    WHILE EXISTS (SELECT 1 FROM public.fault_gate) AND waited < 2400 LOOP
                      PERFORM pg_sleep(0.05);
                      waited := waited + 1;
                    END LOOP;
                  END IF;
                  RETURN NEW;
                END $$""");
        execute("CREATE TRIGGER fault_hold BEFORE INSERT OR UPDATE ON " + table + " FOR EACH ROW WHEN (" + when
                + ") EXECUTE FUNCTION public.fault_hold()");
    }

    /** Lets a held transaction go on (or, if its client is gone, find that out and roll back). */
    void release() throws SQLException {
        execute("DELETE FROM public.fault_gate");
    }

    /** Releases the held transaction and removes the trigger (once that transaction has ended). */
    void stopHolding(String table) throws SQLException {
        release();
        execute("DROP TRIGGER IF EXISTS fault_hold ON " + table);
    }

    /** The worker backend held by {@link #holdWritesTo}, once it is there. */
    int awaitHeldWorker(Duration timeout) throws Exception {
        return awaitBackend("wait_event = 'PgSleep'", timeout)
                .orElseThrow(() -> new AssertionError("no kline-worker backend reached the held row within " + timeout));
    }

    /** A worker backend waiting for an advisory lock (another run of its stream holds it), once there is one. */
    Optional<Integer> awaitLockWaiter(Duration timeout) throws Exception {
        return awaitBackend("wait_event_type = 'Lock' AND wait_event = 'advisory'", timeout);
    }

    private Optional<Integer> awaitBackend(String condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String sql = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'kline-worker' AND "
                + condition + " LIMIT 1";
        try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        return Optional.of(rs.getInt(1));
                    }
                }
                Thread.sleep(20);
            }
        }
        return Optional.empty();
    }

    /** Waits until the backend has ended (the server noticed its client is gone and rolled back). */
    void awaitEnded(int pid, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
            s.setInt(1, pid);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("backend " + pid + " still there after " + timeout);
    }

    /** What a server restart (fast shutdown) does to a session: pg_terminate_backend. */
    void terminate(int pid) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            s.setInt(1, pid);
            s.execute();
        }
    }

    /** Runs one statement in a transaction of its own, as another writer of the database would. */
    void execute(String sql) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
