package io.klinepipeline.workers.faults;

import static io.klinepipeline.workers.faults.FaultScene.AT_HELD_MINUTE;
import static io.klinepipeline.workers.faults.FaultScene.extToBronze;
import static io.klinepipeline.workers.faults.FaultScene.silver;
import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.chaos.ChaosRow;
import io.klinepipeline.workers.cli.KlineWorker;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.DatabaseUrl;
import io.klinepipeline.workers.db.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a worker process mid-load: kline-worker runs in a JVM of its own, is held mid-write
 * (ext-to-bronze inside its COPY, silver inside its merge) and killed; nothing of the window is
 * visible then or after the server has rolled the transaction back, and a rerun completes it,
 * equal to a fault-free run.
 */
@Tag("chaos")
class WorkerKilledTest {
    /** A JVM's start on a loaded machine included. */
    private static final Duration SEEN_WITHIN = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private FaultScene scene;

    @BeforeEach
    void setUp() throws Exception {
        scene = new FaultScene(dir);
    }

    @AfterEach
    void tearDown() {
        scene.close();
    }

    @Test
    void killedMidCopyOrMidMergeShowsNothingOfTheWindowAndARerunCompletesIt() throws Exception {
        int trials = ChaosRow.scale();
        long sent = 0;
        long lost = 0;
        long extra = 0;
        long silverMinutes = 0;
        for (int trial = 1; trial <= trials; trial++) {
            Database database = TestDatabases.migrated();
            Warehouse warehouse = new Warehouse(database);
            scene.capture(50_000, 20, Set.of());
            scene.runAll(database, extToBronze(), silver());
            sent += scene.capture(60_000 + trial, 20, Set.of());
            Warehouse.Contents expected = scene.reference(extToBronze(), silver());

            Warehouse.Contents beforeLoad = warehouse.contents();
            killMidWrite(warehouse, database, "bronze.bronze_ohclv_native", extToBronze());
            assertThat(warehouse.contents()).as("the old window, whole: nothing of the killed load").isEqualTo(beforeLoad);
            scene.runAll(database, extToBronze());

            Warehouse.Contents beforeMerge = warehouse.contents();
            killMidWrite(warehouse, database, "silver.fact_ohlcv", silver());
            assertThat(warehouse.contents()).as("silver as before: nothing of the killed merge").isEqualTo(beforeMerge);
            scene.runAll(database, silver());

            Warehouse.Contents after = warehouse.contents();
            assertThat(after).as("identical to fault-free runs").isEqualTo(expected);
            silverMinutes += after.silver().size();
            lost += FaultScene.lost(FaultScene.all(expected), FaultScene.all(after));
            extra += FaultScene.extra(FaultScene.all(expected), FaultScene.all(after)) + after.silverDuplicates();
        }
        ChaosRow.of("worker", "kill -9 mid-COPY (ext-to-bronze) and mid-merge (silver)").trials(2 * trials).sent(sent)
                .silverMinutes(silverMinutes).lost(lost).duplicates(extra).unrecoveredErrors(0)
                .notes("worker in its own JVM, SIGKILLed inside its transaction; nothing visible until a rerun commits").record();
    }

    /** Runs the worker as its own process, held at the table's row, and kills it with SIGKILL there. */
    private void killMidWrite(Warehouse warehouse, Database database, String table, String[] args) throws Exception {
        warehouse.holdWritesTo(table, AT_HELD_MINUTE);
        Process worker = start(database, args);
        try {
            int backend = warehouse.awaitHeldWorker(SEEN_WITHIN);
            worker.destroyForcibly();  // SIGKILL: no shutdown hook, no rollback from the client
            assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(worker.exitValue()).as("killed by SIGKILL").isEqualTo(137);
            warehouse.release();  // the backend goes on, finds its client gone and rolls back
            warehouse.awaitEnded(backend, Duration.ofSeconds(60));
        } finally {
            worker.destroyForcibly();
            warehouse.stopHolding(table);
        }
    }

    private Process start(Database database, String[] args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                KlineWorker.class.getName(), "--config", scene.config.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("worker-" + args[0] + ".log").toFile());
        builder.environment().put(DatabaseUrl.ENV, WorkerCli.url(database, WorkerCli.port(database)));
        return builder.start();
    }
}
