package io.klinepipeline.workers.faults;

import static io.klinepipeline.workers.faults.FaultScene.AT_HELD_MINUTE;
import static io.klinepipeline.workers.faults.FaultScene.bronzeRest;
import static io.klinepipeline.workers.faults.FaultScene.extToBronze;
import static io.klinepipeline.workers.faults.FaultScene.silver;
import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.chaos.ChaosRow;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL going away under each worker while its window's transaction is open (held there by a
 * trigger that waits at one row, so the fault lands mid-write every time): connections reset as by
 * a crash or a broken link, then refused while the server is down; and the worker's backend
 * terminated, which is what a restart does to a session. Each worker exits with the database code
 * and a message saying a rerun is safe, the tables hold exactly the window's old rows, and a rerun
 * makes them equal to a fault-free run's.
 */
@Tag("chaos")
class DatabaseFaultsTest {
    private static final Duration SEEN_WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private FaultScene scene;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

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
    void extToBronzeCutMidCopyAndThenRefusedKeepsTheOldWindowAndARerunLoadsTheNewOneWhole() throws Exception {
        int trials = ChaosRow.scale();
        long sent = 0;
        long lost = 0;
        long extra = 0;
        for (int trial = 1; trial <= trials; trial++) {
            Database database = TestDatabases.migrated();
            Warehouse warehouse = new Warehouse(database);
            scene.capture(50_000, 10, Set.of());
            scene.runAll(database, extToBronze());
            Warehouse.Contents old = warehouse.contents();
            sent += scene.capture(60_000 + trial, 10, Set.of());  // the engine captured the hour again, differently
            Warehouse.Contents expected = scene.reference(extToBronze());

            warehouse.holdWritesTo("bronze.bronze_ohclv_native", AT_HELD_MINUTE);
            try (TcpProxy proxy = new TcpProxy("127.0.0.1", WorkerCli.port(database))) {
                Future<WorkerCli.Run> cut = executor.submit(() -> scene.cli.run(database, proxy.port(), extToBronze()));
                warehouse.awaitHeldWorker(SEEN_WITHIN);
                proxy.refuse();
                proxy.cutAll();
                WorkerCli.Run failed = cut.get(60, TimeUnit.SECONDS);

                assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(WorkerCli.DATABASE);
                assertThat(failed.err()).as("one line naming the stream and saying a rerun is safe")
                        .startsWith("ext-to-bronze: ").contains("running again is safe");
                assertThat(warehouse.contents()).as("the window's old rows, all of them, and nothing of the new").isEqualTo(old);

                // The server is still down when the rerun starts: the worker retries connecting
                // (a few seconds, at start-up) and carries on once it is back.
                warehouse.stopHolding("bronze.bronze_ohclv_native");
                Future<WorkerCli.Run> rerun = executor.submit(() -> scene.cli.run(database, proxy.port(), extToBronze()));
                Thread.sleep(1_500);
                assertThat(rerun).as("still trying to connect").isNotDone();
                proxy.accept();
                WorkerCli.Run recovered = rerun.get(60, TimeUnit.SECONDS);
                assertThat(recovered.exitCode()).as(recovered.toString()).isZero();
            }
            Warehouse.Contents after = warehouse.contents();
            assertThat(after).as("identical to a fault-free load of the new capture").isEqualTo(expected);
            lost += FaultScene.lost(expected.bronze(), after.bronze());
            extra += FaultScene.extra(expected.bronze(), after.bronze());
        }
        ChaosRow.of("postgresql", "connections reset mid-COPY, then refused for a while (ext-to-bronze)").trials(trials).sent(sent)
                .lost(lost).duplicates(extra).unrecoveredErrors(0)
                .notes("exit 3, old window intact; a rerun started while refused connects when the server is back and equals a fault-free run").record();
    }

    @Test
    void extToBronzeThroughACrashAndRestartOfItsServerKeepsTheOldWindowAndARerunLoadsTheNewOneWhole() throws Exception {
        Optional<Path> bin = PrivateCluster.binaries();
        Assumptions.assumeTrue(bin.isPresent(),
                "no PostgreSQL server binaries under /usr/lib/postgresql: the crash test needs a server of its own to crash");
        int trials = ChaosRow.scale();
        long sent = 0;
        long lost = 0;
        long extra = 0;
        try (PrivateCluster cluster = PrivateCluster.start(bin.get())) {
            for (int trial = 1; trial <= trials; trial++) {
                Database database = cluster.createDatabase("kline_crash_" + trial);
                Warehouse warehouse = new Warehouse(database);
                scene.capture(50_000, 10, Set.of());
                scene.runAll(database, extToBronze());
                Warehouse.Contents old = warehouse.contents();
                sent += scene.capture(70_000 + trial, 10, Set.of());
                Warehouse.Contents expected = scene.reference(extToBronze());

                warehouse.holdWritesTo("bronze.bronze_ohclv_native", AT_HELD_MINUTE);
                Future<WorkerCli.Run> crashed = executor.submit(() -> scene.cli.run(database, extToBronze()));
                warehouse.awaitHeldWorker(SEEN_WITHIN);
                cluster.crash();
                WorkerCli.Run failed = crashed.get(60, TimeUnit.SECONDS);

                assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(WorkerCli.DATABASE);
                assertThat(failed.err()).startsWith("ext-to-bronze: ").contains("running again is safe");
                cluster.startServer();
                assertThat(warehouse.contents()).as("after crash recovery: the old window, whole").isEqualTo(old);

                warehouse.stopHolding("bronze.bronze_ohclv_native");
                scene.runAll(database, extToBronze());
                Warehouse.Contents after = warehouse.contents();
                assertThat(after).isEqualTo(expected);
                lost += FaultScene.lost(expected.bronze(), after.bronze());
                extra += FaultScene.extra(expected.bronze(), after.bronze());
            }
        }
        ChaosRow.of("postgresql", "server crash (immediate stop) and restart mid-COPY (ext-to-bronze)").trials(trials).sent(sent)
                .lost(lost).duplicates(extra).unrecoveredErrors(0)
                .notes("a private server (initdb, pg_ctl -m immediate); exit 3, crash recovery keeps the old window; rerun equals a fault-free run")
                .record();
    }

    @Test
    void bronzeRestTerminatedMidWriteStoresNothingAndARerunFillsTheGapWhole() throws Exception {
        int trials = ChaosRow.scale();
        long lost = 0;
        long extra = 0;
        for (int trial = 1; trial <= trials; trial++) {
            Database database = TestDatabases.migrated();
            Warehouse warehouse = new Warehouse(database);
            scene.capture(50_000, 5, gap());
            scene.runAll(database, extToBronze());
            Warehouse.Contents old = warehouse.contents();
            Warehouse.Contents expected = scene.reference(extToBronze(), bronzeRest());

            // Held at the empty minute's record, after the fills' insert: the fault lands between the
            // two statements of the transaction, with the candles written and not committed.
            warehouse.holdWritesTo("bronze.rest_checked_minutes", "true");
            Future<WorkerCli.Run> terminated = executor.submit(() -> scene.cli.run(database, bronzeRest()));
            warehouse.terminate(warehouse.awaitHeldWorker(SEEN_WITHIN));
            WorkerCli.Run failed = terminated.get(60, TimeUnit.SECONDS);

            assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(WorkerCli.DATABASE);
            assertThat(failed.err()).startsWith("bronze-rest: ").contains("administrator command").contains("running again is safe");
            assertThat(warehouse.contents()).as("no REST row of the gap committed, and no empty minute").isEqualTo(old);

            warehouse.stopHolding("bronze.rest_checked_minutes");
            scene.runAll(database, bronzeRest());
            Warehouse.Contents after = warehouse.contents();
            assertThat(after).isEqualTo(expected);
            assertThat(after.restChecked()).hasSize(1);
            lost += FaultScene.lost(FaultScene.all(expected), FaultScene.all(after));
            extra += FaultScene.extra(FaultScene.all(expected), FaultScene.all(after));
        }
        ChaosRow.of("postgresql", "backend terminated mid-write (bronze-rest)").trials(trials).sent(19L * trials)
                .lost(lost).duplicates(extra).unrecoveredErrors(0)
                .notes("sent = candles REST served for the gap; exit 3, nothing of the fill committed; rerun fills the gap").record();
    }

    @Test
    void silverTerminatedMidMergeKeepsTheOldSilverAndARerunMergesTheWholeWindow() throws Exception {
        int trials = ChaosRow.scale();
        long lost = 0;
        long extra = 0;
        long silverMinutes = 0;
        for (int trial = 1; trial <= trials; trial++) {
            Database database = TestDatabases.migrated();
            Warehouse warehouse = new Warehouse(database);
            scene.capture(50_000, 5, Set.of());
            scene.runAll(database, extToBronze(), silver());
            scene.capture(60_000 + trial, 5, Set.of());
            scene.runAll(database, extToBronze());
            Warehouse.Contents old = warehouse.contents();
            Warehouse.Contents expected = scene.reference(extToBronze(), silver());

            warehouse.holdWritesTo("silver.fact_ohlcv", AT_HELD_MINUTE);
            Future<WorkerCli.Run> terminated = executor.submit(() -> scene.cli.run(database, silver()));
            warehouse.terminate(warehouse.awaitHeldWorker(SEEN_WITHIN));
            WorkerCli.Run failed = terminated.get(60, TimeUnit.SECONDS);

            assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(WorkerCli.DATABASE);
            assertThat(failed.err()).startsWith("silver: ").contains("administrator command").contains("running again is safe");
            assertThat(warehouse.contents()).as("silver as before the merge: no minute of the new bronze in it").isEqualTo(old);

            warehouse.stopHolding("silver.fact_ohlcv");
            scene.runAll(database, silver());
            Warehouse.Contents after = warehouse.contents();
            assertThat(after).isEqualTo(expected);
            assertThat(after.silver()).hasSize(60);
            silverMinutes += after.silver().size();
            lost += FaultScene.lost(expected.silver(), after.silver());
            extra += after.silverDuplicates() + FaultScene.extra(expected.silver(), after.silver());
        }
        ChaosRow.of("postgresql", "backend terminated mid-merge (silver)").trials(trials).silverMinutes(silverMinutes)
                .lost(lost).duplicates(extra).unrecoveredErrors(0)
                .notes("exit 3, silver unchanged until a rerun; rerun equals a fault-free merge").record();
    }

    /** Minutes 20-39: the capture missed them, bronze-rest fills them (the held minute, 30, among them). */
    static Set<Integer> gap() {
        Set<Integer> gap = new java.util.HashSet<>();
        for (int m = 20; m < 40; m++) {
            gap.add(m);
        }
        return gap;
    }
}
