package io.klinepipeline.workers.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

class MigrationsTest {

    @Test
    void createsBronzeAndSilverTablesOnceAndIsIdempotent() throws Exception {
        Database database = TestDatabases.fresh();
        Migrations migrations = new Migrations(database);

        assertThat(migrations.apply()).isGreaterThanOrEqualTo(1);
        assertThat(migrations.apply()).isZero();

        try (Connection c = database.connect();
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT table_schema || '.' || table_name FROM information_schema.tables"
                                + " WHERE table_schema IN ('bronze', 'silver') ORDER BY 1")) {
            List<String> tables = new ArrayList<>();
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
            assertThat(tables).contains("bronze.bronze_ohclv_native", "bronze.rest_checked_minutes", "silver.fact_ohlcv",
                    "bronze.flyway_schema_history");
        }
    }

    @Test
    void keepsFlywaysHistoryInBronzeAndMovesItThereFromPublicWhereAnOlderVersionPutIt() throws Exception {
        Database database = TestDatabases.fresh();
        DatabaseUrl url = database.url();
        // What the worker did before: Flyway's defaults, so the history table in public.
        Flyway.configure().dataSource(url.jdbcUrl(), url.user(), url.password()).locations("classpath:db/migration")
                .load().migrate();
        assertThat(regclass(database, "public.flyway_schema_history")).isTrue();

        assertThat(new Migrations(database).apply()).as("nothing re-applied: the history moved with its rows").isZero();

        assertThat(regclass(database, "public.flyway_schema_history")).isFalse();
        assertThat(regclass(database, "bronze.flyway_schema_history")).isTrue();
        assertThat(new Migrations(database).apply()).isZero();
    }

    /** The launch's shortcut (no Flyway when the history holds every bundled version) must not skip a pending one. */
    @Test
    void aHistoryThatLacksABundledVersionIsMigratedThoughItHoldsTheEarlierOnes() throws Exception {
        Database database = TestDatabases.fresh();
        DatabaseUrl url = database.url();
        Flyway.configure().dataSource(url.jdbcUrl(), url.user(), url.password()).locations("classpath:db/migration")
                .schemas("bronze", "silver").table("flyway_schema_history").target("1").load().migrate();

        assertThat(new Migrations(database).apply()).isEqualTo(PackagedMigrations.versions().orElseThrow().size() - 1);
        assertThat(new Migrations(database).apply()).isZero();
    }

    private static boolean regclass(Database database, String name) throws Exception {
        try (Connection c = database.connect();
                ResultSet rs = c.createStatement().executeQuery("SELECT to_regclass('" + name + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    @Test
    void parsesLibpqAndJdbcUrls() {
        DatabaseUrl libpq = DatabaseUrl.parse("postgresql://u%40x:p%3Aw@db.example:6543/kline?sslmode=require");
        assertThat(libpq.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/kline?sslmode=require");
        assertThat(libpq.user()).isEqualTo("u@x");
        assertThat(libpq.password()).isEqualTo("p:w");
        assertThat(libpq.toString()).doesNotContain("p:w");

        DatabaseUrl jdbc = DatabaseUrl.parse("jdbc:postgresql://h:5432/d?user=a&password=b");
        assertThat(jdbc.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/d?user=a&password=b");
        assertThat(jdbc.withDatabase("other").jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/other?user=a&password=b");
        assertThat(jdbc.toString()).doesNotContain("password=b");
    }
}
