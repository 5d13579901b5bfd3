package io.klinepipeline.workers.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Real PostgreSQL for tests: the server named by {@code KLINE_DATABASE_URL} when set (CI here, and
 * {@code make test}), else a Testcontainers container (a laptop with Docker). Every caller gets a
 * fresh database of its own, so test classes never see each other's rows; the databases are
 * dropped when the test JVM exits.
 */
public final class TestDatabases {
    private static DatabaseUrl server;
    private static String migratedTemplate;
    private static final List<String> CREATED = new ArrayList<>();

    private TestDatabases() {}

    /** A new, empty database on the test server. */
    public static synchronized Database fresh() {
        return create(null);
    }

    /**
     * A fresh database with every migration applied. Migrations run once per test JVM, into a
     * template database; each caller gets a copy of it, which PostgreSQL makes in milliseconds.
     */
    public static synchronized Database migrated() {
        if (migratedTemplate == null) {
            Database template = create(null);
            new Migrations(template).apply();
            migratedTemplate = template.url().jdbcUrl().replaceAll("^.*/([^/?]+)(\\?.*)?$", "$1");
        }
        return create(migratedTemplate);
    }

    private static Database create(String template) {
        DatabaseUrl admin = server();
        String name = "kline_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(admin, "CREATE DATABASE " + name + (template == null ? "" : " TEMPLATE " + template));
        CREATED.add(name);
        return new Database(admin.withDatabase(name));
    }

    private static void execute(DatabaseUrl url, String sql) {
        try (Connection c = new Database(url).connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed on " + url + ": " + e.getMessage(), e);
        }
    }

    private static synchronized void dropAll() {
        // Newest first: the template goes last, after every copy of it.
        for (int i = CREATED.size() - 1; i >= 0; i--) {
            try {
                execute(server, "DROP DATABASE IF EXISTS " + CREATED.get(i) + " WITH (FORCE)");
            } catch (IllegalStateException e) {
                System.err.println("TestDatabases: could not drop " + CREATED.get(i) + ": " + e.getMessage());
            }
        }
    }

    @SuppressWarnings("resource") // the container lives as long as the test JVM; Testcontainers reaps it
    private static DatabaseUrl server() {
        if (server == null) {
            String env = System.getenv(DatabaseUrl.ENV);
            if (env != null && !env.isBlank()) {
                server = DatabaseUrl.parse(env);
                Runtime.getRuntime().addShutdownHook(new Thread(TestDatabases::dropAll, "drop-test-databases"));
            } else {
                PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
                try {
                    container.start();
                } catch (RuntimeException e) {
                    throw new IllegalStateException("no test database: set " + DatabaseUrl.ENV
                            + " to a PostgreSQL server (make test starts a local one), or run Docker for Testcontainers", e);
                }
                server = new DatabaseUrl(container.getJdbcUrl(), container.getUsername(), container.getPassword());
            }
        }
        return server;
    }
}
