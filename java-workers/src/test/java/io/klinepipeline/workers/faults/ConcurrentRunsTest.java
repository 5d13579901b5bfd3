package io.klinepipeline.workers.faults;

import static io.klinepipeline.workers.faults.FaultScene.AT_HELD_MINUTE;
import static io.klinepipeline.workers.faults.FaultScene.bronzeRest;
import static io.klinepipeline.workers.faults.FaultScene.extToBronze;
import static io.klinepipeline.workers.faults.FaultScene.silver;
import static io.klinepipeline.workers.faults.FaultScene.silverOver;
import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.chaos.ChaosRow;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A double-clicked backfill: two runs of the same worker, stream and window at once. The first is
 * held mid-write (a trigger waiting at one row) until the second is seen waiting for the run lock;
 * both succeed, one after the other, and the tables equal a single run's. A second run that would
 * wait longer than --lock-wait fails with the database code, naming the run it waited for.
 */
@Tag("chaos")
class ConcurrentRunsTest {
    private static final Duration SEEN_WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private FaultScene scene;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @BeforeEach
    void setUp() throws Exception {
        scene = new FaultScene(dir);
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
        scene.close();
    }

    @Test
    void twoRunsOfEachWorkerOverOneWindowTakeTurnsAndEndAsOneRun() throws Exception {
        int trials = ChaosRow.scale();
        long sent = 0;
        long lost = 0;
        long extra = 0;
        long silverMinutes = 0;
        for (int trial = 1; trial <= trials; trial++) {
            sent += scene.capture(50_000 + trial, 5, DatabaseFaultsTest.gap());
            Warehouse.Contents expected = scene.reference(extToBronze(), bronzeRest(), silver());
            Database database = TestDatabases.migrated();
            Warehouse warehouse = new Warehouse(database);

            // Minute 10 for ext-to-bronze: the held minute, 30, is in the gap that bronze-rest fills.
            twoAtOnce(warehouse, database, "bronze.bronze_ohclv_native", "NEW.interval_start = '2026-11-24T10:10:00Z'", extToBronze());
            twoAtOnce(warehouse, database, "bronze.bronze_ohclv_native", "NEW.source = 'rest' AND " + AT_HELD_MINUTE, bronzeRest());
            twoAtOnce(warehouse, database, "silver.fact_ohlcv", AT_HELD_MINUTE, silver());

            Warehouse.Contents after = warehouse.contents();
            assertThat(after).as("the same as one run of each").isEqualTo(expected);
            silverMinutes += after.silver().size();
            lost += FaultScene.lost(FaultScene.all(expected), FaultScene.all(after));
            extra += FaultScene.extra(FaultScene.all(expected), FaultScene.all(after)) + after.silverDuplicates();
        }
        ChaosRow.of("worker", "two runs of one window at once (ext-to-bronze, bronze-rest, silver)").trials(trials)
                .sent(sent).silverMinutes(silverMinutes).lost(lost).duplicates(extra).unrecoveredErrors(0)
                .notes("the second waits for the first's run lock; both exit 0; tables equal one run's (59 minutes: the exchange has none for 10:35)").record();
    }

    /** Starts a run held mid-write, then a second one, which must wait for the first; both must succeed. */
    private void twoAtOnce(Warehouse warehouse, Database database, String table, String when, String[] args) throws Exception {
        warehouse.holdWritesTo(table, when);
        try {
            Future<WorkerCli.Run> first = executor.submit(() -> scene.cli.run(database, args));
            warehouse.awaitHeldWorker(SEEN_WITHIN);
            Future<WorkerCli.Run> second = executor.submit(() -> scene.cli.run(database, args));

            assertThat(warehouse.awaitLockWaiter(SEEN_WITHIN)).as("%s: the second run waits for the first", args[0]).isPresent();
            warehouse.release();
            for (WorkerCli.Run run : new WorkerCli.Run[] {first.get(60, TimeUnit.SECONDS), second.get(60, TimeUnit.SECONDS)}) {
                assertThat(run.exitCode()).as(run.toString()).isZero();
                assertThat(run.err()).doesNotContain("duplicate key");
            }
        } finally {
            warehouse.stopHolding(table);
        }
    }

    /**
     * Why silver keeps its run lock although its upsert alone keeps one row per minute: a merge
     * reads bronze as it was when its statement began. Here a silver run over the hour is held
     * mid-write (at 10:10); bronze then gets a corrected 10:40 candle (a later load, a REST fill);
     * a second silver run, over 10:30-11:00, starts after the correction. Without the lock the
     * second writes the correction and ends, then the first goes on and puts its older 10:40 back:
     * silver ends behind bronze although the last run to start saw the correction, and nothing
     * runs again to mend it. With the lock the second waits and merges last, so silver ends as
     * one run over today's bronze.
     */
    @Test
    void aSilverRunStartedAfterBronzeChangedIsNotUndoneByAnOlderRunStillWriting() throws Exception {
        int trials = ChaosRow.scale();
        long silverMinutes = 0;
        long stale = 0;
        for (int trial = 1; trial <= trials; trial++) {
            scene.capture(60_000 + trial, 5, Set.of());
            Database database = TestDatabases.migrated();
            Warehouse warehouse = new Warehouse(database);
            scene.runAll(database, extToBronze(), silver());
            // Without its merge mark the older run merges the hour again (over unchanged bronze it would be
            // reported from the mark and write nothing, so there would be nothing to hold it at).
            warehouse.execute("DELETE FROM silver.merge_marks");
            warehouse.holdWritesTo("silver.fact_ohlcv", "NEW.interval_start = '2026-11-24T10:10:00Z'");
            try {
                Future<WorkerCli.Run> older = executor.submit(() -> scene.cli.run(database, silver()));
                warehouse.awaitHeldWorker(SEEN_WITHIN);
                warehouse.execute("UPDATE bronze.bronze_ohclv_native SET close = close + 7, ingestion_ts = ingestion_ts + interval '1 hour'"
                        + " WHERE interval_start = '2026-11-24T10:40:00Z' AND is_final");
                Future<WorkerCli.Run> newer = executor.submit(() -> scene.cli.run(database,
                        silverOver("2026-11-24T10:30:00Z", "2026-11-24T11:00:00Z")));
                // With the lock the newer run waits for the older; without it, it runs to its end.
                long deadline = System.nanoTime() + SEEN_WITHIN.toNanos();
                while (!newer.isDone() && warehouse.awaitLockWaiter(Duration.ofMillis(100)).isEmpty()) {
                    assertThat(System.nanoTime()).as("the newer run neither waits nor ends").isLessThan(deadline);
                }
                warehouse.release();
                for (WorkerCli.Run run : new WorkerCli.Run[] {older.get(60, TimeUnit.SECONDS), newer.get(60, TimeUnit.SECONDS)}) {
                    assertThat(run.exitCode()).as(run.toString()).isZero();
                }
            } finally {
                warehouse.stopHolding("silver.fact_ohlcv");
            }
            Warehouse.Contents after = warehouse.contents();
            scene.runAll(database, silver());
            Warehouse.Contents oneMoreRun = warehouse.contents();
            stale += FaultScene.lost(oneMoreRun.silver(), after.silver());
            silverMinutes += after.silver().size();
            assertThat(after.silver()).as("silver after both runs, against one more run over the same bronze")
                    .isEqualTo(oneMoreRun.silver());
        }
        ChaosRow.of("worker", "silver runs overlapping while bronze changes").trials(trials).silverMinutes(silverMinutes)
                .lost(stale).duplicates(0).unrecoveredErrors(0)
                .notes("a run started after a bronze correction waits for the older run's lock and merges last: "
                        + "silver ends as one run over the corrected bronze (without the lock the older run puts the old candle back)")
                .record();
    }

    @Test
    void aSecondRunThatWouldWaitLongerThanTheLockWaitFailsNamingTheRunItWaitedFor() throws Exception {
        scene.capture(50_000, 5, Set.of());
        Database database = TestDatabases.migrated();
        Warehouse warehouse = new Warehouse(database);
        scene.runAll(database, extToBronze());
        Warehouse.Contents before = warehouse.contents();
        warehouse.holdWritesTo("silver.fact_ohlcv", AT_HELD_MINUTE);

        Future<WorkerCli.Run> first = executor.submit(() -> scene.cli.run(database, silver()));
        int holder = warehouse.awaitHeldWorker(SEEN_WITHIN);
        WorkerCli.Run second = scene.cli.run(database, silver("--lock-wait", "1"));

        assertThat(second.exitCode()).as(second.toString()).isEqualTo(WorkerCli.DATABASE);
        assertThat(second.err().strip()).doesNotContain("\n")
                .startsWith("silver: lock 'silver' BTC-USDT is still held by another run (PostgreSQL pid " + holder + ", kline-worker")
                .contains("after waiting 1s");
        assertThat(warehouse.contents()).as("the waiting run wrote nothing").isEqualTo(before);
        warehouse.stopHolding("silver.fact_ohlcv");
        assertThat(first.get(60, TimeUnit.SECONDS).exitCode()).isZero();
    }
}
