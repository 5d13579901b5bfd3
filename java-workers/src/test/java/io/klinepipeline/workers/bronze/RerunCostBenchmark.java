package io.klinepipeline.workers.bronze;

import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.jsonl.BronzeLayout;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import io.klinepipeline.workers.window.TimeWindow;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Not a test: measures what a first load and a rerun of one large ext-to-bronze window cost, so the
 * numbers in the README can be reproduced. Run it with the test classpath and KLINE_DATABASE_URL:
 * {@code java -cp ... io.klinepipeline.workers.bronze.RerunCostBenchmark [hours] [updatesPerMinute] [runs] [unchanged|changed|forgotten]}
 * (default 24 hours of 960 updates a minute: 1.38M rows, the size the rerun cost was first measured at).
 */
public final class RerunCostBenchmark {
    /** Bronze's partitions (sql/V3): the partitioned table itself has no rows, counters or size of its own. */
    private static final String PARTITIONS = "(SELECT inhrelid FROM pg_inherits WHERE inhparent = 'bronze.bronze_ohclv_native'::regclass)";


    private RerunCostBenchmark() {}

    public static void main(String[] args) throws Exception {
        int hours = args.length > 0 ? Integer.parseInt(args[0]) : 24;
        int updatesPerMinute = args.length > 1 ? Integer.parseInt(args[1]) : 960;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        // "changed": before each rerun, make every hour's record differ from its rows, so every hour
        // is staged, then deleted and inserted again (the worst case of a rerun); "forgotten": drop
        // the records, so the rerun deletes and COPYs straight in.
        String mode = args.length > 3 ? args[3] : "unchanged";
        Instant start = Instant.parse("2026-11-24T00:00:00Z");
        TimeWindow window = new TimeWindow(start, start.plus(hours, ChronoUnit.HOURS));
        Path dir = Files.createTempDirectory("rerun-cost");
        PipelineConfig config = BronzeFixtures.config(dir);
        Database database = TestDatabases.migrated();
        HoursSource source = new HoursSource(start, hours, updatesPerMinute);
        ExtToBronzeJob job = new ExtToBronzeJob(config, BronzeFixtures.EXCHANGES, database, source, Clock.systemUTC());
        for (int run = 0; run < runs; run++) {
            if (mode.equals("changed") && run > 0) {
                size(database, "WITH c AS (UPDATE bronze.websocket_load_ranges SET digest = 'changed' RETURNING 1) SELECT count(*) FROM c");
            } else if (mode.equals("forgotten") && run > 0) {
                size(database, "WITH f AS (DELETE FROM bronze.websocket_load_ranges RETURNING 1) SELECT count(*) FROM f");
            }
            long walBefore = walPosition(database);
            long began = System.nanoTime();
            ExtToBronzeReport report = job.run("binance", "BTCUSDT", window);
            long millis = (System.nanoTime() - began) / 1_000_000;
            // Rows written and deleted and the table's size do not depend on how busy the machine is;
            // the wall time and the server-wide WAL (other databases write too) do.
            Thread.sleep(1500); // PostgreSQL publishes a backend's table counters within a second
            long written = size(database, "SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables WHERE relid IN " + PARTITIONS);
            long deleted = size(database, "SELECT coalesce(sum(n_tup_del), 0) FROM pg_stat_user_tables WHERE relid IN " + PARTITIONS);
            System.out.printf("run %d: %d ms, %d rows loaded, %d replaced; rows written to bronze so far %d, deleted %d;"
                    + " server WAL %d MB; bronze table+indexes %d MB%n", run + 1,
                    millis, report.rowsLoaded(), report.rowsReplaced(), written, deleted, (walPosition(database) - walBefore) >> 20,
                    size(database, "SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits"
                            + " WHERE inhparent = 'bronze.bronze_ohclv_native'::regclass") >> 20);
        }
    }

    private static long walPosition(Database database) throws java.sql.SQLException {
        return size(database, "SELECT pg_current_wal_lsn() - '0/0'");
    }

    private static long size(Database database, String query) throws java.sql.SQLException {
        try (java.sql.Connection c = database.connect(); java.sql.Statement s = c.createStatement();
                java.sql.ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** One generated object per hour folder of the window. */
    private static final class HoursSource implements JsonlObjectSource {
        private final Map<String, GeneratedSource> byFolder = new LinkedHashMap<>();

        HoursSource(Instant start, int hours, int updatesPerMinute) {
            for (int h = 0; h < hours; h++) {
                Instant hour = start.plus(h, ChronoUnit.HOURS);
                byFolder.put(BronzeLayout.hourPrefix(BronzeFixtures.BINANCE, "BTCUSDT", hour), new GeneratedSource(hour, 60, updatesPerMinute));
            }
        }

        @Override
        public List<String> fileNames(String folder) {
            GeneratedSource hour = byFolder.get(folder);
            return hour == null ? List.of() : hour.fileNames(folder);
        }

        @Override
        public InputStream open(String name) {
            return byFolder.get(name.substring(0, name.lastIndexOf('/') + 1)).open(name);
        }

        @Override
        public String describe(String name) {
            return "generated:" + name;
        }
    }
}
