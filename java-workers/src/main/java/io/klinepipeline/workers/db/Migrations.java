package io.klinepipeline.workers.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the schema in sql/ (packaged in the jar as db/migration) with Flyway.
 *
 * <p>Flyway's history table lives in {@code bronze}, a schema the pipeline owns, not in
 * {@code public}: the workers' database role then needs to own nothing but {@code bronze} and
 * {@code silver} (PostgreSQL 15 lets no other role create in {@code public}). Databases migrated
 * before that keep their history: it is moved from {@code public} on the first run.
 */
public final class Migrations {
    static final String HISTORY_SCHEMA = "bronze";
    private static final String HISTORY_TABLE = "flyway_schema_history";
    /** A server that is restarting gets 1 + 2 + 4 s to come back, before the move and in Flyway alike. */
    private static final int CONNECT_RETRIES = 3;

    private final Database database;

    public Migrations(Database database) {
        this.database = database;
    }

    /**
     * Applies pending migrations; returns how many were applied. Safe to run concurrently: Flyway locks.
     * When the history already holds every packaged version, applied successfully, Flyway is not
     * started at all: it costs a worker launch about half a CPU-second (scanning the jar, parsing
     * and checksumming every script), more than a silver rerun with nothing to change. Checksums
     * are then validated by {@code kline-worker migrate}, which always runs Flyway.
     */
    public int apply() {
        return PackagedMigrations.versions().filter(this::allApplied).isPresent() ? 0 : migrate();
    }

    /** Always through Flyway: applies what is pending and validates the checksums of what was applied. */
    public int migrate() {
        moveLegacyHistory();
        DatabaseUrl url = database.url();
        MigrateResult result = Flyway.configure()
                .dataSource(url.jdbcUrl(), url.user(), url.password())
                .locations("classpath:db/migration")
                .schemas(HISTORY_SCHEMA, "silver")
                .table(HISTORY_TABLE)
                .connectRetries(CONNECT_RETRIES)
                .load()
                .migrate();
        return result.migrationsExecuted;
    }

    /** The history in bronze holds each of these versions applied successfully, and no failed one. */
    private boolean allApplied(java.util.Set<String> packaged) {
        String sql = "SELECT version, success FROM " + HISTORY_SCHEMA + "." + HISTORY_TABLE + " WHERE version IS NOT NULL";
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            try (java.sql.ResultSet exists = s.executeQuery("SELECT to_regclass('" + HISTORY_SCHEMA + "." + HISTORY_TABLE + "')")) {
                if (!exists.next() || exists.getString(1) == null) {
                    return false;
                }
            }
            java.util.Set<String> applied = new java.util.HashSet<>();
            try (java.sql.ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    if (!rs.getBoolean("success")) {
                        return false;
                    }
                    applied.add(rs.getString("version"));
                }
            }
            return applied.containsAll(packaged);
        } catch (SQLException e) {
            // Flyway will say what is wrong (and retry a refused connection).
            return false;
        }
    }

    /**
     * public.flyway_schema_history (where databases migrated before kept it) → bronze, once. One
     * statement under a transaction-scoped advisory lock, so two workers starting together cannot both try.
     */
    private void moveLegacyHistory() {
        String legacy = "public." + HISTORY_TABLE;
        String moved = HISTORY_SCHEMA + "." + HISTORY_TABLE;
        try (Connection c = connectRetrying(); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN PERFORM pg_advisory_xact_lock(hashtext('kline-pipeline migrations'));"
                    + " IF to_regclass('" + legacy + "') IS NOT NULL AND to_regclass('" + moved + "') IS NULL"
                    + " AND to_regnamespace('" + HISTORY_SCHEMA + "') IS NOT NULL THEN"
                    + " ALTER TABLE " + legacy + " SET SCHEMA " + HISTORY_SCHEMA + "; END IF; END $$");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot move Flyway's history table from public to " + HISTORY_SCHEMA + ": "
                    + e.getMessage(), e);
        }
    }

    /** Like Flyway's connectRetries: a refused connection (SQLState 08...) is tried again after 1, 2, 4 s. */
    private Connection connectRetrying() throws SQLException {
        for (int attempt = 0; ; attempt++) {
            try {
                return database.connect();
            } catch (SQLException e) {
                boolean refused = e.getSQLState() != null && e.getSQLState().startsWith("08");
                if (!refused || attempt == CONNECT_RETRIES) {
                    throw e;
                }
                try {
                    Thread.sleep(1000L << attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
