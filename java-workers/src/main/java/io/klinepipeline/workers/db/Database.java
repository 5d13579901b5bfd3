package io.klinepipeline.workers.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/** Opens connections to the pipeline's PostgreSQL database. */
public final class Database {
    private final DatabaseUrl url;

    public Database(DatabaseUrl url) {
        this.url = url;
    }

    public DatabaseUrl url() {
        return url;
    }

    /** A new connection; the caller closes it. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        if (url.user() != null) {
            props.setProperty("user", url.user());
        }
        if (url.password() != null) {
            props.setProperty("password", url.password());
        }
        props.setProperty("ApplicationName", "kline-worker");
        try {
            return DriverManager.getConnection(url.jdbcUrl(), props);
        } catch (SQLException e) {
            throw new SQLException("cannot connect to " + url + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }

    /**
     * Rolls back after {@code failure}, keeping that failure the one to report: a rollback that
     * fails as well (the connection was lost, which rolls back on the server anyway) is attached
     * to it as suppressed, never thrown in its place.
     */
    public static void rollbackAfter(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** jOOQ over one connection, for queries the code composes. */
    public static DSLContext dsl(Connection connection) {
        return DSL.using(connection, SQLDialect.POSTGRES);
    }
}
