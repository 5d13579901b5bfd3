package io.klinepipeline.workers.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Makes bronze's monthly partitions (sql/V3) exist before a load writes into them. Called on an
 * autocommit connection before the load's own transaction: creating a partition takes locks on
 * bronze that must not be held for the whole load, nor taken after the load's own (two loads
 * would wait for each other). When the months exist already it takes no lock at all.
 */
public final class BronzePartitions {
    private static final String ENSURE = "SELECT bronze.ensure_bronze_partitions(?, ?)";

    private BronzePartitions() {}

    /** The partitions of every UTC month [from, to) touches; returns how many were created. */
    public static int ensure(Connection connection, Instant from, Instant to) throws SQLException {
        if (!connection.getAutoCommit()) {
            throw new IllegalStateException("bronze partitions are created in a transaction of their own, before the load's");
        }
        try (PreparedStatement statement = connection.prepareStatement(ENSURE)) {
            statement.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            statement.setObject(2, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
