package io.klinepipeline.workers.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Real PostgreSQL for tests: the server named by {@code KLINE_DATABASE_URL} when set (CI here, and
 * {@code make test}), else a Testcontainers container (a laptop with Docker). Every caller gets a
 * fresh database of its own, so test classes never see each other's rows.
 */
public final class TestDatabases {
    private static DatabaseUrl server;

    private TestDatabases() {}

    /** A new, empty database on the test server. */
    public static synchronized Database fresh() {
        DatabaseUrl admin = server();
        String name = "kline_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = new Database(admin).connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + admin + ": " + e.getMessage(), e);
        }
        return new Database(admin.withDatabase(name));
    }

    /** A fresh database with every migration applied. */
    public static Database migrated() {
        Database database = fresh();
        new Migrations(database).apply();
        return database;
    }

    @SuppressWarnings("resource") // the container lives as long as the test JVM; Testcontainers reaps it
    private static DatabaseUrl server() {
        if (server == null) {
            String env = System.getenv(DatabaseUrl.ENV);
            if (env != null && !env.isBlank()) {
                server = DatabaseUrl.parse(env);
            } else {
                PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
                container.start();
                server = new DatabaseUrl(container.getJdbcUrl(), container.getUsername(), container.getPassword());
            }
        }
        return server;
    }
}
