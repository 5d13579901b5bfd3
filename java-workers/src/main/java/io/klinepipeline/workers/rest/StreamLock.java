package io.klinepipeline.workers.rest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A session-level PostgreSQL advisory lock per (job, stream): held until the connection closes, so
 * it spans work outside any transaction (REST requests), and taken with the same keys as the
 * transaction-level lock of {@link RestFillWriter}, which the holding session re-enters.
 */
final class StreamLock {
    private StreamLock() {
    }

    /** Blocks until this session holds the lock of {@code job} and {@code stream}. */
    static void hold(Connection connection, String job, String stream) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(hashtext(?), hashtext(?))")) {
            lock.setString(1, job);
            lock.setString(2, stream);
            lock.execute();
        }
    }
}
