package io.klinepipeline.workers.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.chaos.ChaosRow;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import io.klinepipeline.workers.window.TimeWindow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rerun of ext-to-bronze over a window it already loaded (a retried run, a backfill clicked
 * again) replaces the window's rows in one transaction: afterwards bronze holds exactly the rows of
 * the first load, and a reader during the rerun sees the old rows or the new ones, never none and
 * never both. Hours whose rows are unchanged are kept, and only while bronze still holds them all.
 */
@Tag("chaos")
class RerunOverLoadedWindowTest {
    private static final Instant HOUR = Instant.parse("2026-11-24T10:00:00Z");
    private static final TimeWindow WINDOW = new TimeWindow(HOUR, HOUR.plusSeconds(3600));
    private static final int UPDATES_PER_MINUTE = 30;

    @TempDir
    Path dir;

    @Test
    void aRerunLeavesExactlyTheRowsOfTheFirstLoadAndReadersNeverSeeAMix() throws Exception {
        Database database = TestDatabases.migrated();
        ExtToBronzeJob job = new ExtToBronzeJob(BronzeFixtures.config(dir), BronzeFixtures.EXCHANGES, database,
                new GeneratedSource(HOUR, 60, UPDATES_PER_MINUTE), Clock.fixed(HOUR.plusSeconds(7200), ZoneOffset.UTC));
        long expectedRows = 60L * UPDATES_PER_MINUTE;
        job.run("binance", "BTCUSDT", WINDOW);
        Map<BronzeRows.Row, Integer> firstLoad = countsPerRow(database);
        assertThat(firstLoad.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(expectedRows);

        // Three kinds of rerun in turn: over unchanged input (its hours are kept as they are);
        // after the record of the last load is gone (every hour is deleted and inserted again);
        // after rows were deleted by hand or by retention (the hour is rewritten, not trusted).
        int trials = 3 * ChaosRow.scale();
        long lost = 0;
        long duplicates = 0;
        long readerSnapshots = 0;
        for (int trial = 0; trial < trials; trial++) {
            int kind = trial % 3;
            if (kind == 1) {
                execute(database, "DELETE FROM bronze.websocket_load_ranges");
            } else if (kind == 2) {
                execute(database, "DELETE FROM bronze.bronze_ohclv_native WHERE ctid IN"
                        + " (SELECT ctid FROM bronze.bronze_ohclv_native ORDER BY interval_start, ingestion_ts LIMIT 10)");
            }
            long before = kind == 2 ? expectedRows - 10 : expectedRows;
            AtomicBoolean running = new AtomicBoolean(true);
            ConcurrentLinkedQueue<Long> seenByReader = new ConcurrentLinkedQueue<>();
            Thread reader = new Thread(() -> readWhile(database, running, seenByReader), "bronze-reader");
            reader.start();
            try {
                ExtToBronzeReport again = job.run("binance", "BTCUSDT", WINDOW);
                assertThat(again.rowsReplaced()).isEqualTo(before);
                assertThat(again.rowsUnchanged()).isEqualTo(kind == 0 ? expectedRows : 0);
            } finally {
                running.set(false);
                reader.join(60_000);
            }
            // One transaction: a reader sees the rows before the rerun or after it, nothing between.
            assertThat(seenByReader).isNotEmpty().allMatch(count -> count == before || count == expectedRows);
            readerSnapshots += seenByReader.size();
            Map<BronzeRows.Row, Integer> now = countsPerRow(database);
            for (Map.Entry<BronzeRows.Row, Integer> row : firstLoad.entrySet()) {
                int count = now.getOrDefault(row.getKey(), 0);
                lost += Math.max(0, row.getValue() - count);
                duplicates += Math.max(0, count - row.getValue());
            }
            for (Map.Entry<BronzeRows.Row, Integer> row : now.entrySet()) {
                if (!firstLoad.containsKey(row.getKey())) {
                    duplicates += row.getValue();
                }
            }
        }

        assertThat(lost).isZero();
        assertThat(duplicates).isZero();
        ChaosRow.of("worker", "ext-to-bronze rerun over a loaded window").trials(trials).sent(expectedRows * trials)
                .onDisk(expectedRows * trials).lost(lost).duplicates(duplicates).unrecoveredErrors(0)
                .notes("reruns over unchanged input, after the load record was lost, after rows were deleted by hand;"
                        + " rows after each == rows after the first load, per row; a concurrent reader's " + readerSnapshots
                        + " counts were all before-or-after")
                .record();
    }

    /** Counts the window's rows over and over while the rerun runs; each count is one snapshot. */
    private static void readWhile(Database database, AtomicBoolean running, ConcurrentLinkedQueue<Long> seen) {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            do {
                try (ResultSet r = s.executeQuery("SELECT count(*) FROM bronze.bronze_ohclv_native WHERE source = 'websocket'")) {
                    r.next();
                    seen.add(r.getLong(1));
                }
            } while (running.get());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("reader failed", e);
        }
    }

    private static void execute(Database database, String statement) throws java.sql.SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static Map<BronzeRows.Row, Integer> countsPerRow(Database database) throws Exception {
        Map<BronzeRows.Row, Integer> counts = new HashMap<>();
        List<BronzeRows.Row> rows = new ArrayList<>(BronzeRows.all(database));
        rows.forEach(row -> counts.merge(row, 1, Integer::sum));
        return counts;
    }
}
