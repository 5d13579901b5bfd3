package io.klinepipeline.workers.retention;

import io.klinepipeline.workers.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Bronze retention: drops the month partitions older than the months kept, through sql/V3's
 * {@code bronze.drop_bronze_partitions(keep_months, as_of)}, which refuses a month silver has not
 * merged. The rule lives in that one SQL function; this class only calls it, and for a dry run calls
 * it in a transaction it rolls back, so "would drop" is exactly what a real run would drop at that
 * moment (the drops' locks are held only until the rollback).
 */
public final class BronzeRetention {
    /** The one statement: sql/V3's function, one row per month partition that is old enough to go. */
    private static final String DROP_PARTITIONS = "SELECT partition_name, range_start, range_end, dropped, unmerged_minutes"
            + " FROM bronze.drop_bronze_partitions(?, ?)";

    /** One old month partition: dropped (or, in a dry run, droppable), or kept for its unmerged minutes. */
    public record Partition(String name, Instant rangeStart, Instant rangeEnd, boolean dropped, long unmergedMinutes) {}

    private final Database database;

    public BronzeRetention(Database database) {
        this.database = database;
    }

    /**
     * @param keepMonths whole months kept before the month of {@code asOf} (0: only that month)
     * @param asOf "now" for the cut-off: partitions ending on or before the first of the month
     *     {@code keepMonths} months before it go
     * @param dryRun roll the drops back: the answer says what a real run would do
     * @return the old partitions, oldest first
     */
    public List<Partition> run(int keepMonths, Instant asOf, boolean dryRun) throws SQLException {
        if (keepMonths < 0) {
            throw new IllegalArgumentException("keep months must be 0 or more, not " + keepMonths);
        }
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            List<Partition> partitions = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(DROP_PARTITIONS)) {
                statement.setInt(1, keepMonths);
                statement.setObject(2, asOf.atOffset(ZoneOffset.UTC)); // timestamptz, whatever the JVM's zone
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        partitions.add(new Partition(rows.getString(1), rows.getObject(2, OffsetDateTime.class).toInstant(),
                                rows.getObject(3, OffsetDateTime.class).toInstant(),
                                rows.getBoolean(4), rows.getLong(5)));
                    }
                }
                if (dryRun) {
                    connection.rollback();
                } else {
                    connection.commit();
                }
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
            return partitions;
        }
    }

    /** The month a cut-off at {@code asOf} keeps last: partitions ending on or before its start go. */
    public static Instant cutoff(int keepMonths, Instant asOf) {
        return asOf.atZone(ZoneOffset.UTC).withDayOfMonth(1).toLocalDate().atStartOfDay(ZoneOffset.UTC)
                .minusMonths(keepMonths).toInstant();
    }
}
