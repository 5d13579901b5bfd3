package io.klinepipeline.workers.bronze;

import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.DatabaseUrl;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;

/**
 * Not a test: the obvious loader {@code make bench} holds ext-to-bronze against, to show what it
 * costs: one INSERT per row over JDBC, autocommit off, one commit at the end. Reads the CSV that
 * {@code COPY bronze.bronze_ohclv_native TO ... CSV} writes (columns in the table's order) and inserts
 * its first LIMIT rows (all when absent) into TABLE, a clone of bronze with the same indexes.
 * {@code java -cp kline-worker.jar:test-classes io.klinepipeline.workers.bronze.NaiveInsertLoader CSV TABLE [LIMIT]},
 * KLINE_DATABASE_URL in the environment; prints the rows inserted.
 */
public final class NaiveInsertLoader {
    private static final int COLUMNS = 16;

    private NaiveInsertLoader() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: NaiveInsertLoader CSV TABLE [LIMIT]");
            System.exit(2);
        }
        Path csv = Path.of(args[0]);
        String table = args[1];
        long limit = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
        Database database = new Database(DatabaseUrl.fromEnvironment(System.getenv()));
        long rows = 0;
        try (Connection c = database.connect(); BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            c.setAutoCommit(false);
            // Casts on the server, as a hand-written loader passing strings would; the statement is
            // prepared once, which any JDBC loader gets for free.
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?::int, ?::timestamptz,"
                    + " ?::timestamptz, ?::float8, ?::float8, ?::float8, ?::float8, ?::float8, ?::float8, ?::float8, ?::int, ?,"
                    + " ?::timestamptz, ?::boolean)")) {
                String line;
                while (rows < limit && (line = in.readLine()) != null) {
                    // Bronze's CSV has no quoted fields: symbols, sources and numbers carry no commas.
                    String[] fields = line.split(",", -1);
                    if (fields.length != COLUMNS) {
                        throw new IllegalArgumentException(csv + " line " + (rows + 1) + ": " + fields.length + " fields, want " + COLUMNS);
                    }
                    for (int i = 0; i < COLUMNS; i++) {
                        insert.setString(i + 1, fields[i].isEmpty() ? null : fields[i]);
                    }
                    insert.executeUpdate();
                    rows++;
                }
            }
            c.commit();
        }
        System.out.println(rows);
    }
}
