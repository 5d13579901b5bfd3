package io.klinepipeline.workers.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes two runs of one job over one stream or pair take turns (a double-clicked backfill, a
 * schedule overlapping a manual run): a session-level PostgreSQL advisory lock per (job, key),
 * waited for at most {@link #maxWait()}. The lock is the server's, so a killed worker releases it
 * with its connection, and a second run that gives up names the run it waited for.
 */
public final class RunLock {
    /** How long a run waits for another run of the same job and key by default. */
    public static final Duration DEFAULT_WAIT = Duration.ofMinutes(10);
    /** PostgreSQL's lock_not_available: the exit code mapping counts it as a database failure, which a retry may cure. */
    static final String LOCK_NOT_AVAILABLE = "55P03";

    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

    private final Duration maxWait;

    public RunLock(Duration maxWait) {
        if (maxWait.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("the lock wait must be positive, not " + maxWait);
        }
        this.maxWait = maxWait;
    }

    public static RunLock withDefaultWait() {
        return new RunLock(DEFAULT_WAIT);
    }

    public Duration maxWait() {
        return maxWait;
    }

    /**
     * Takes the lock of {@code job} and {@code key} on this session (autocommit, outside any
     * transaction: a failed wait must not abort one), waiting up to {@link #maxWait()} for a run
     * that holds it. It is held until the connection closes.
     *
     * @return how long it waited (zero when the lock was free)
     * @throws SQLException with SQLState 55P03 naming the job, the key and the holder's backend pid
     *     when the wait runs out
     */
    public Duration hold(Connection connection, String job, String key) throws SQLException {
        if (tryLock(connection, job, key)) {
            return Duration.ZERO;
        }
        String holder = holder(connection, job, key).orElse("a session that has just released it");
        LOG.info("{} {}: another run holds the lock ({}); waiting up to {}s for it to finish", job, key, holder, maxWait.toSeconds());
        long started = System.nanoTime();
        // lock_timeout bounds the server-side wait of pg_advisory_lock; set for this wait and reset after it.
        try (PreparedStatement timeout = connection.prepareStatement("SELECT set_config('lock_timeout', ?, false)")) {
            timeout.setString(1, maxWait.toMillis() + "ms");
            timeout.execute();
        }
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(hashtext(?), hashtext(?))")) {
            lock.setString(1, job);
            lock.setString(2, key);
            lock.execute();
        } catch (SQLException e) {
            if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                throw e;
            }
            String stillHeldBy = holder(connection, job, key).orElse(holder);
            throw new SQLException("lock '" + job + "' " + key + " is still held by another run (" + stillHeldBy
                    + ") after waiting " + maxWait.toSeconds() + "s; run again once it has finished, or wait longer"
                    + " (--lock-wait)", LOCK_NOT_AVAILABLE, e);
        } finally {
            try (PreparedStatement reset = connection.prepareStatement("RESET lock_timeout")) {
                reset.execute();
            } catch (SQLException ignored) {
                // The connection is gone or the statement failed: the caller's failure says why.
            }
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("{} {}: waited {} ms for another run ({}) to finish", job, key, waited.toMillis(), holder);
        return waited;
    }

    /**
     * Takes, without waiting, the locks of {@code job} for every key that no other run holds, in one
     * round trip (a launch merging many pairs takes many locks); returns the keys not granted, in
     * their order, which the caller then waits for one by one with {@link #hold}.
     */
    public List<String> holdFree(Connection connection, String job, List<String> keys) throws SQLException {
        List<String> taken = new ArrayList<>();
        try (PreparedStatement lock = connection.prepareStatement("SELECT k.key FROM unnest(?::text[]) WITH ORDINALITY AS k(key, n)"
                + " WHERE pg_try_advisory_lock(hashtext(?), hashtext(k.key)) ORDER BY k.n")) {
            lock.setArray(1, connection.createArrayOf("text", keys.toArray()));
            lock.setString(2, job);
            try (ResultSet rs = lock.executeQuery()) {
                while (rs.next()) {
                    taken.add(rs.getString(1));
                }
            }
        }
        return keys.stream().filter(k -> !taken.contains(k)).toList();
    }

    /** Releases locks this session holds (a batch that could not take them all at once, before waiting in order). */
    public void release(Connection connection, String job, List<String> keys) throws SQLException {
        try (PreparedStatement unlock = connection.prepareStatement(
                "SELECT pg_advisory_unlock(hashtext(?), hashtext(k.key)) FROM unnest(?::text[]) AS k(key)")) {
            unlock.setString(1, job);
            unlock.setArray(2, connection.createArrayOf("text", keys.toArray()));
            unlock.execute();
        }
    }

    private static boolean tryLock(Connection connection, String job, String key) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?), hashtext(?))")) {
            lock.setString(1, job);
            lock.setString(2, key);
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The session holding the lock: its pid, application and since when its current transaction or connection runs. */
    private static Optional<String> holder(Connection connection, String job, String key) throws SQLException {
        // A two-key advisory lock shows its keys as classid and objid, with objsubid 2.
        String sql = """
                SELECT l.pid, coalesce(nullif(a.application_name, ''), 'unnamed client') AS application,
                       coalesce(a.xact_start, a.backend_start) AS since
                  FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
                 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                   AND l.classid = hashtext(?)::oid AND l.objid = hashtext(?)::oid
                   AND l.pid <> pg_backend_pid()
                 LIMIT 1
                """;
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, job);
            query.setString(2, key);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of("PostgreSQL pid " + rs.getInt("pid") + ", " + rs.getString("application") + ", since "
                        + rs.getObject("since", java.time.OffsetDateTime.class));
            }
        }
    }
}
