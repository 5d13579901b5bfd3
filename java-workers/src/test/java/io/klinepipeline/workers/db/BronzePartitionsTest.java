package io.klinepipeline.workers.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** sql/V3: bronze partitioned by month, partitions made on demand, retention by dropping merged months. */
class BronzePartitionsTest {
    /** Every column, in a text form that changes if any value does; ordered so the digest is stable. */
    private static final String CHECKSUM = "SELECT count(*), md5(coalesce(string_agg(b::text, '|' ORDER BY b::text), ''))"
            + " FROM bronze.bronze_ohclv_native b";

    @Test
    void migratingAFilledV2TableKeepsEveryRowAndPutsEachInItsMonth() throws Exception {
        Database database = TestDatabases.fresh();
        DatabaseUrl url = database.url();
        Flyway.configure().dataSource(url.jdbcUrl(), url.user(), url.password()).locations("classpath:db/migration")
                .schemas("bronze", "silver").table("flyway_schema_history").target("2").load().migrate();
        // Three months and a month's edge, websocket and REST rows, nulls where the exchange gives none.
        execute(database, """
                INSERT INTO bronze.bronze_ohclv_native
                SELECT 'binance', 'BTCUSDT', 60, t, t + interval '1 minute', 1 + n, 2 + n, 0.5, 1.5, n * 0.25,
                       CASE WHEN n % 3 = 0 THEN NULL ELSE n * 10.0 END, NULL, CASE WHEN n % 2 = 0 THEN n END,
                       CASE WHEN n % 5 = 0 THEN 'rest' ELSE 'websocket' END, t + interval '2 seconds', n % 4 <> 0
                  FROM generate_series(timestamptz '2026-09-30 22:00:00+00', timestamptz '2026-11-01 01:00:00+00',
                                       interval '17 minutes') WITH ORDINALITY AS g(t, n)""");
        String before = query(database, CHECKSUM);

        // V3 alone (later versions add columns, which the row checksum would see).
        assertThat(Flyway.configure().dataSource(url.jdbcUrl(), url.user(), url.password()).locations("classpath:db/migration")
                .schemas("bronze", "silver").table("flyway_schema_history").target("3").load().migrate().migrationsExecuted)
                .isEqualTo(1);

        assertThat(query(database, CHECKSUM)).isEqualTo(before);
        assertThat(before).startsWith("2637|");
        assertThat(query(database, "SELECT string_agg(p, ',' ORDER BY p) FROM (SELECT DISTINCT tableoid::regclass::text p"
                + " FROM bronze.bronze_ohclv_native) x"))
                .isEqualTo("bronze.bronze_ohclv_native_2026_09,bronze.bronze_ohclv_native_2026_10,bronze.bronze_ohclv_native_2026_11");
        assertThat(query(database, "SELECT relkind FROM pg_class WHERE oid = 'bronze.bronze_ohclv_native'::regclass")).isEqualTo("p");
        assertThat(query(database, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'bronze'"
                + " AND indexname = 'bronze_ohclv_native_lookup'")).isEqualTo("1");
        assertThat(query(database, "SELECT to_regclass('bronze.bronze_ohclv_native_v2') IS NULL")).isEqualTo("t");
        assertThatThrownBy(() -> execute(database, "INSERT INTO bronze.bronze_ohclv_native VALUES ('binance', 'BTCUSDT', 60,"
                + " '2026-11-02T00:00Z', '2026-11-02T00:02Z', 1, 1, 1, 1, 1, NULL, NULL, NULL, 'websocket', now(), true)"))
                .as("V1's checks hold on the partitioned table").hasMessageContaining("violates check constraint");
    }

    @Test
    void ensureCreatesTheMonthsARangeTouchesOnceAndMovesTheirRowsOutOfTheDefault() throws Exception {
        Database database = TestDatabases.migrated();
        execute(database, "INSERT INTO bronze.bronze_ohclv_native VALUES ('kraken', 'XBT/USD', 60, '2027-01-31T23:59Z',"
                + " '2027-02-01T00:00Z', 1, 1, 1, 1, 1, NULL, NULL, NULL, 'rest', now(), true)");
        assertThat(partitionOf(database, "2027-01-31T23:59Z")).isEqualTo("bronze.bronze_ohclv_native_default");

        try (Connection c = database.connect()) {
            assertThat(BronzePartitions.ensure(c, Instant.parse("2027-01-31T23:00:00Z"), Instant.parse("2027-02-01T01:00:00Z")))
                    .isEqualTo(2);
            assertThat(BronzePartitions.ensure(c, Instant.parse("2027-01-31T23:00:00Z"), Instant.parse("2027-02-01T01:00:00Z")))
                    .as("made once").isZero();
        }
        assertThat(partitionOf(database, "2027-01-31T23:59Z")).isEqualTo("bronze.bronze_ohclv_native_2027_01");
        assertThat(query(database, "SELECT count(*) FROM bronze.bronze_ohclv_native_default")).isEqualTo("0");
        assertThat(query(database, "SELECT to_regclass('bronze.bronze_ohclv_native_2027_02') IS NOT NULL")).isEqualTo("t");
    }

    @Test
    void retentionDropsOldMonthsSilverHasMergedAndKeepsTheOthers() throws Exception {
        Database database = TestDatabases.migrated();
        // August, September and October 2026: two Binance listings a minute, some rows not final.
        execute(database, """
                INSERT INTO bronze.bronze_ohclv_native
                SELECT 'binance', s, 60, t, t + interval '1 minute', 1, 2, 0.5, 1.5, 3, NULL, NULL, NULL, 'websocket', t, f
                  FROM generate_series(timestamptz '2026-08-31 23:00:00+00', timestamptz '2026-10-01 01:00:00+00',
                                       interval '1 hour') t,
                       unnest(ARRAY['BTCUSDT', 'ETHUSDT']) s, unnest(ARRAY[false, true]) f""");
        execute(database, "SELECT bronze.ensure_bronze_partitions('2026-08-01', '2026-11-01')");
        // Silver has both pairs for August and September; for October only BTC.
        execute(database, """
                INSERT INTO silver.fact_ohlcv
                SELECT exchange, replace(symbol, 'USDT', '-USDT'), 'USDT', interval_seconds, interval_start, interval_end,
                       open, high, low, close, volume, quote_volume, trade_count, vwap, source, ingestion_ts
                  FROM bronze.bronze_ohclv_native WHERE is_final AND (interval_start < '2026-10-01T00:00Z' OR symbol = 'BTCUSDT')""");
        execute(database, "INSERT INTO bronze.websocket_load_ranges VALUES ('binance', 'BTCUSDT', '2026-08-31T23:00Z',"
                + " '2026-09-01T00:00Z', 2, 'x', now()), ('binance', 'BTCUSDT', '2026-10-01T00:00Z', '2026-10-01T01:00Z', 2, 'x', now())");

        List<String> outcome = retention(database, 1, "2026-12-06T06:00:00Z");

        assertThat(outcome).containsExactly(
                "bronze_ohclv_native_2026_08 2026-08-01 dropped 0",
                "bronze_ohclv_native_2026_09 2026-09-01 dropped 0",
                "bronze_ohclv_native_2026_10 2026-10-01 kept 2");
        assertThat(query(database, "SELECT to_regclass('bronze.bronze_ohclv_native_2026_09') IS NULL")).isEqualTo("t");
        assertThat(query(database, "SELECT min(interval_start) FROM bronze.bronze_ohclv_native"))
                .startsWith("2026-10-01 00:00:00");
        assertThat(query(database, "SELECT count(*) FROM bronze.bronze_ohclv_native")).isEqualTo("8");
        assertThat(query(database, "SELECT string_agg(range_start::date::text, ',') FROM bronze.websocket_load_ranges"))
                .isEqualTo("2026-10-01");
        assertThat(retention(database, 2, "2026-12-06T06:00:00Z")).as("October is within two months").isEmpty();
        assertThatThrownBy(() -> retention(database, -1, "2026-12-06T06:00:00Z")).hasMessageContaining("keep_months");
    }

    private static List<String> retention(Database database, int keepMonths, String asOf) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT partition_name, (range_start AT TIME ZONE 'UTC')::date, dropped,"
                        + " unmerged_minutes FROM bronze.drop_bronze_partitions(" + keepMonths + ", '" + asOf + "')")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + (rs.getBoolean(3) ? "dropped" : "kept") + " " + rs.getLong(4));
            }
        }
        return rows;
    }

    private static String partitionOf(Database database, String intervalStart) throws SQLException {
        return query(database, "SELECT tableoid::regclass::text FROM bronze.bronze_ohclv_native WHERE interval_start = '"
                + intervalStart + "'");
    }

    static String query(Database database, String sql) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                columns.add(rs.getString(i));
            }
            return String.join("|", columns);
        }
    }

    private static void execute(Database database, String sql) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'America/New_York'");
            s.execute(sql);
        }
    }
}
