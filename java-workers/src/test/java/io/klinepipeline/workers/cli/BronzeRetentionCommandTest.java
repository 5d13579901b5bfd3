package io.klinepipeline.workers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.DatabaseUrl;
import io.klinepipeline.workers.db.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code bronze-retention} against PostgreSQL: August to October 2026 of two Binance listings in
 * bronze, silver holding both for August and September and only BTC for October.
 */
class BronzeRetentionCommandTest {
    private static final String AS_OF = "2026-12-06T06:00:00Z";
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Database database;

    @BeforeEach
    void setUp() throws Exception {
        database = TestDatabases.migrated();
        execute("""
                INSERT INTO bronze.bronze_ohclv_native
                SELECT 'binance', s, 60, t, t + interval '1 minute', 1, 2, 0.5, 1.5, 3, NULL, NULL, NULL, 'websocket', t, true
                  FROM generate_series(timestamptz '2026-08-31 23:00:00+00', timestamptz '2026-10-01 01:00:00+00',
                                       interval '1 hour') t, unnest(ARRAY['BTCUSDT', 'ETHUSDT']) s""");
        execute("SELECT bronze.ensure_bronze_partitions('2026-08-01', '2026-11-01')");
        execute("""
                INSERT INTO silver.fact_ohlcv
                SELECT exchange, replace(symbol, 'USDT', '-USDT'), 'USDT', interval_seconds, interval_start, interval_end,
                       open, high, low, close, volume, quote_volume, trade_count, vwap, source, ingestion_ts
                  FROM bronze.bronze_ohclv_native WHERE interval_start < '2026-10-01T00:00Z' OR symbol = 'BTCUSDT'""");
    }

    @Test
    void aDryRunSaysWhatWouldGoAndWhatIsRefusedAndDropsNothing() throws Exception {
        String before = query("SELECT count(*) FROM bronze.bronze_ohclv_native");

        assertThat(run("bronze-retention", "--keep-months", "1", "--as-of", AS_OF, "--dry-run")).isZero();

        assertThat(out.toString()).contains("dry run: nothing is dropped")
                .contains("would drop bronze.bronze_ohclv_native_2026_08 [2026-08-01T00:00:00Z, 2026-09-01T00:00:00Z)")
                .contains("would drop bronze.bronze_ohclv_native_2026_09")
                .contains("refused bronze.bronze_ohclv_native_2026_10 [2026-10-01T00:00:00Z, 2026-11-01T00:00:00Z): 2 minute(s)")
                .contains("would_drop: 2").contains("refused: 1");
        assertThat(query("SELECT count(*) FROM bronze.bronze_ohclv_native")).isEqualTo(before);
        assertThat(query("SELECT to_regclass('bronze.bronze_ohclv_native_2026_08') IS NOT NULL")).isEqualTo("t");
    }

    @Test
    void dropsTheMergedOldMonthsAndKeepsTheOneSilverLacks() throws Exception {
        assertThat(run("bronze-retention", "--keep-months", "1", "--as-of", AS_OF)).isZero();

        assertThat(out.toString()).contains("dropped bronze.bronze_ohclv_native_2026_08")
                .contains("dropped bronze.bronze_ohclv_native_2026_09")
                .contains("refused bronze.bronze_ohclv_native_2026_10").contains("dropped: 2").contains("refused: 1");
        assertThat(query("SELECT to_regclass('bronze.bronze_ohclv_native_2026_09') IS NULL")).isEqualTo("t");
        assertThat(query("SELECT to_regclass('bronze.bronze_ohclv_native_2026_10') IS NOT NULL")).isEqualTo("t");
        assertThat(query("SELECT min(interval_start) FROM bronze.bronze_ohclv_native")).startsWith("2026-10-01 00:00:00");
    }

    @Test
    void aNegativeKeepIsAUsageErrorAndTouchesNothing() throws Exception {
        assertThat(run("bronze-retention", "--keep-months", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("--keep-months must be 0 or more, got -1");
        assertThat(query("SELECT to_regclass('bronze.bronze_ohclv_native_2026_08') IS NOT NULL")).isEqualTo("t");
        assertThat(run("bronze-retention")).as("--keep-months is required").isEqualTo(2);
    }

    @Test
    void helpSaysWhatItDropsAndWhatItRefuses() {
        assertThat(run("bronze-retention", "--help")).isZero();
        assertThat(out.toString()).contains("--keep-months=N").contains("--dry-run").contains("refused")
                .contains("bronze.drop_bronze_partitions");
    }

    private int run(String... args) {
        String jdbc = database.url().jdbcUrl();
        Map<String, String> env = Map.of(DatabaseUrl.ENV, jdbc + (jdbc.contains("?") ? "&" : "?") + "user=" + database.url().user()
                + "&password=" + database.url().password());
        CommandLine cli = KlineWorker.commandLine(env);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private String query(String sql) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
