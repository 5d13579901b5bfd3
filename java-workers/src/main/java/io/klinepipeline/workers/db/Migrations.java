package io.klinepipeline.workers.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies the schema in sql/ (packaged in the jar as db/migration) with Flyway. */
public final class Migrations {
    private final Database database;

    public Migrations(Database database) {
        this.database = database;
    }

    /** Applies pending migrations; returns how many were applied. Safe to run concurrently: Flyway locks. */
    public int apply() {
        DatabaseUrl url = database.url();
        MigrateResult result = Flyway.configure()
                .dataSource(url.jdbcUrl(), url.user(), url.password())
                .locations("classpath:db/migration")
                .connectRetries(3)
                .load()
                .migrate();
        return result.migrationsExecuted;
    }
}
