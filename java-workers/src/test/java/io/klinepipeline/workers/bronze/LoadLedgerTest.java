package io.klinepipeline.workers.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import io.klinepipeline.workers.window.TimeWindow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file ledger (sql/V4): a rerun over the files its window's last load read is skipped without
 * reading a line; a file that grew since is loaded again, its new lines once and its old ones not
 * twice; a load that dies after its COPY and ledger write but before its commit leaves neither, so
 * the retry loads every row, once.
 */
class LoadLedgerTest {
    private static final Instant HOUR = Instant.parse("2026-11-24T10:00:00Z");
    private static final TimeWindow WINDOW = new TimeWindow(HOUR, HOUR.plusSeconds(3600));

    @TempDir
    Path dir;

    @Test
    void aRerunOverTheFilesItsLastLoadReadIsSkippedWithoutReadingALine() throws Exception {
        Database database = TestDatabases.migrated();
        Path file = writeMinutes(0, 30, true);
        ExtToBronzeReport first = job(database, HOUR.plusSeconds(7200)).run("binance", "BTCUSDT", WINDOW);
        assertThat(first.rowsLoaded()).isEqualTo(60);
        assertThat(first.deadLettered()).isEqualTo(1);
        Instant recordedAt = loadedAt(database);

        // A later run, with a clock that would name a dead-letter file of its own had it read the lines.
        ExtToBronzeReport again = job(database, HOUR.plusSeconds(9000)).run("binance", "BTCUSDT", WINDOW);

        assertThat(again.rowsLoaded()).isEqualTo(60);
        assertThat(again.rowsUnchanged()).isEqualTo(60);
        assertThat(again.lines()).isEqualTo(first.lines());
        assertThat(again.finalMinutes()).isEqualTo(first.finalMinutes());
        assertThat(again.deadLettered()).isEqualTo(1);
        assertThat(again.deadLetterFile()).isEqualTo(first.deadLetterFile());
        assertThat(deadLetterFiles()).as("no line was read, so none was refused again").hasSize(1);
        assertThat(loadedAt(database)).as("the ledger's record was not rewritten").isEqualTo(recordedAt);
        assertThat(count(database, "SELECT count(*) FROM bronze.bronze_ohclv_native")).isEqualTo(60);
        assertThat(Files.size(file)).isPositive();
    }

    @Test
    void aFileThatGrewSinceItsLoadIsLoadedAgainWithItsNewLinesOnce() throws Exception {
        Database database = TestDatabases.migrated();
        Path file = writeMinutes(0, 30, false);
        assertThat(job(database, HOUR.plusSeconds(7200)).run("binance", "BTCUSDT", WINDOW).rowsLoaded()).isEqualTo(60);

        // The engine appends to its open file: the same name, more lines.
        Files.writeString(file, lines(30, 60), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        ExtToBronzeReport again = job(database, HOUR.plusSeconds(7300)).run("binance", "BTCUSDT", WINDOW);

        assertThat(again.rowsLoaded()).isEqualTo(120);
        assertThat(count(database, "SELECT count(*) FROM bronze.bronze_ohclv_native")).isEqualTo(120);
        assertThat(count(database, "SELECT count(DISTINCT (interval_start, ingestion_ts)) FROM bronze.bronze_ohclv_native"))
                .as("no row twice").isEqualTo(120);
        assertThat(count(database, "SELECT size FROM bronze.websocket_load_files")).isEqualTo(Files.size(file));
    }

    @Test
    void aLoadThatDiesBeforeItsCommitLeavesNeitherRowsNorRecordAndItsRetryLoadsEveryRowOnce() throws Exception {
        Database database = TestDatabases.migrated();
        writeMinutes(0, 60, false);
        // The fault: the commit fails after the COPY, the digests and the ledger were written
        // (a deferred check on the load's last statements, as a crash at that moment would).
        execute(database, "CREATE FUNCTION public.fail_commit() RETURNS trigger LANGUAGE plpgsql AS"
                + " $$ BEGIN RAISE EXCEPTION 'the worker died at its commit'; END $$");
        execute(database, "CREATE CONSTRAINT TRIGGER die_at_commit AFTER INSERT ON bronze.websocket_load_ranges"
                + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.fail_commit()");

        assertThatThrownBy(() -> job(database, HOUR.plusSeconds(7200)).run("binance", "BTCUSDT", WINDOW))
                .hasStackTraceContaining("the worker died at its commit");
        assertThat(count(database, "SELECT count(*) FROM bronze.bronze_ohclv_native")).isZero();
        assertThat(count(database, "SELECT count(*) FROM bronze.websocket_load_windows")).isZero();

        execute(database, "DROP TRIGGER die_at_commit ON bronze.websocket_load_ranges");
        ExtToBronzeReport retry = job(database, HOUR.plusSeconds(7300)).run("binance", "BTCUSDT", WINDOW);

        assertThat(retry.rowsLoaded()).isEqualTo(120);
        assertThat(count(database, "SELECT count(*) FROM bronze.bronze_ohclv_native")).isEqualTo(120);
        assertThat(count(database, "SELECT count(DISTINCT (interval_start, ingestion_ts)) FROM bronze.bronze_ohclv_native"))
                .isEqualTo(120);
        assertThat(count(database, "SELECT row_count FROM bronze.websocket_load_windows")).isEqualTo(120);
    }

    private ExtToBronzeJob job(Database database, Instant now) {
        return new ExtToBronzeJob(BronzeFixtures.config(dir), BronzeFixtures.EXCHANGES, database,
                new LocalJsonlSource(BronzeFixtures.config(dir).storage().localDir()), Clock.fixed(now, ZoneOffset.UTC));
    }

    /** The hour's file with two updates (the second closing) for minutes [from, to), and a refused line when asked. */
    private Path writeMinutes(int from, int to, boolean withRefusedLine) throws Exception {
        Path file = BronzeFixtures.config(dir).storage().localDir().resolve(BronzeFixtures.JsonlFile.nameFor("BTCUSDT", HOUR));
        Files.createDirectories(file.getParent());
        Files.writeString(file, (withRefusedLine ? "not json\n" : "") + lines(from, to), StandardCharsets.UTF_8);
        return file;
    }

    private static String lines(int from, int to) {
        StringBuilder out = new StringBuilder();
        for (int minute = from; minute < to; minute++) {
            Instant start = HOUR.plusSeconds(60L * minute);
            BinanceKlineFrame update = BinanceKlineFrame.update(start, start.plusSeconds(20), "50000.00", "50010.00", "49990.00",
                    "50005.00", "1.5", "75000.0", 10 + minute);
            out.append(BronzeFixtures.event(start.plusSeconds(20), update)).append('\n');
            out.append(BronzeFixtures.event(start.plusSeconds(60), update.closing())).append('\n');
        }
        return out.toString();
    }

    private List<Path> deadLetterFiles() throws Exception {
        Path root = BronzeFixtures.config(dir).storage().deadLetterDir();
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static Instant loadedAt(Database database) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT loaded_at FROM bronze.websocket_load_windows")) {
            assertThat(r.next()).as("the load is recorded").isTrue();
            return r.getTimestamp(1).toInstant();
        }
    }

    private static long count(Database database, String query) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void execute(Database database, String statement) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
