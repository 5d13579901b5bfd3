package io.klinepipeline.workers.bronze;

import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.window.TimeWindow;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The ledger of what each ext-to-bronze load read (sql/V4): per stream and window, the identity of
 * every object read and what the load reported. A rerun whose objects are the ones its window's
 * last load read, with the same scope and by the same build, while bronze still holds the rows
 * that load recorded (V2's per-hour counts), is skipped without parsing a line: the rows it would
 * write are the rows already there.
 *
 * <p>The record is written in the load's own transaction, so a load that dies before its commit
 * leaves neither rows nor record, and one that commits leaves both: a crash between COPY and the
 * record cannot make a rerun skip rows that are not there, nor load them twice.
 */
final class LoadLedger {
    private static final String FIND_WINDOW = "SELECT loader, hours = ?::timestamptz[], objects, lines, row_count, dead_lettered,"
            + " partial_lines, first_minute, last_minute, final_minutes, minutes_with_rows, dead_letter_file, first_dead_letters"
            + " FROM bronze.websocket_load_windows WHERE exchange = ? AND symbol = ? AND window_start = ? AND window_end = ?";
    private static final String FIND_FILES = "SELECT object, size, sha256 FROM bronze.websocket_load_files"
            + " WHERE exchange = ? AND symbol = ? AND window_start = ? AND window_end = ?";
    /** Per hour range the last load recorded (V2), the websocket rows bronze holds there now. */
    private static final String HELD_ROWS = "SELECT r.range_start, r.range_end, r.row_count,"
            + " (SELECT count(*) FROM bronze.bronze_ohclv_native b WHERE b.exchange = r.exchange AND b.symbol = r.symbol"
            + "  AND b.source = 'websocket' AND b.interval_start >= r.range_start AND b.interval_start < r.range_end)"
            + " FROM bronze.websocket_load_ranges r WHERE r.exchange = ? AND r.symbol = ? AND r.range_start >= ? AND r.range_end <= ?";
    private static final String FORGET_OVERLAPPING = "DELETE FROM bronze.websocket_load_windows"
            + " WHERE exchange = ? AND symbol = ? AND window_start < ? AND window_end > ?";
    private static final String RECORD_WINDOW = "INSERT INTO bronze.websocket_load_windows (exchange, symbol, window_start,"
            + " window_end, hours, loader, objects, lines, row_count, dead_lettered, partial_lines, first_minute, last_minute,"
            + " final_minutes, minutes_with_rows, dead_letter_file, first_dead_letters, loaded_at)"
            + " VALUES (?, ?, ?, ?, ?::timestamptz[], ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())";
    private static final String RECORD_FILE = "INSERT INTO bronze.websocket_load_files"
            + " (exchange, symbol, window_start, window_end, object, size, sha256) VALUES (?, ?, ?, ?, ?, ?, ?)";

    private final Database database;
    private final String loader;

    /** @param loader the build of the loader; rows made by another build are loaded again, never trusted */
    LoadLedger(Database database, String loader) {
        this.database = database;
        this.loader = loader;
    }

    /** One load as it is recorded; {@code rows} is filled in from the COPY at commit. */
    record Entry(String exchange, String symbol, ReplaceScope scope, List<ObjectIdentity> objects, long lines, long deadLettered,
            long partialLines, WindowCoverage coverage, Path deadLetterFile, List<String> firstDeadLetters) {}

    /**
     * The report of the window's last load when this run would write the same rows, else empty.
     * The database is asked first; the objects are read (to their SHA-256) only when it vouches
     * for the same names.
     */
    Optional<ExtToBronzeReport> lastLoadIfUnchanged(String exchange, String symbol, ReplaceScope scope, List<String> objects,
            JsonlObjectSource source, long hoursWithoutSource, List<String> skippedFiles) throws SQLException, IOException {
        TimeWindow window = scope.window();
        ExtToBronzeReport recorded;
        Map<String, ObjectIdentity> files = new HashMap<>();
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (PreparedStatement find = connection.prepareStatement(FIND_WINDOW)) {
                find.setString(1, hoursLiteral(scope));
                bindStream(find, 2, exchange, symbol, window);
                try (ResultSet r = find.executeQuery()) {
                    if (!r.next() || !loader.equals(r.getString(1)) || !r.getBoolean(2)) {
                        return Optional.empty();
                    }
                    Timestamp firstMinute = r.getTimestamp(8);
                    Timestamp lastMinute = r.getTimestamp(9);
                    String deadLetterFile = r.getString(12);
                    long rows = r.getLong(5);
                    recorded = new ExtToBronzeReport(r.getLong(3), r.getLong(4), rows, rows, rows, r.getLong(6),
                            firstMinute == null ? null : firstMinute.toInstant(), lastMinute == null ? null : lastMinute.toInstant(),
                            r.getLong(10), deadLetterFile == null ? null : Path.of(deadLetterFile), window.minutes(), r.getLong(11),
                            r.getLong(7), hoursWithoutSource, Arrays.asList((String[]) r.getArray(13).getArray()), skippedFiles);
                }
            }
            try (PreparedStatement find = connection.prepareStatement(FIND_FILES)) {
                bindStream(find, 1, exchange, symbol, window);
                try (ResultSet r = find.executeQuery()) {
                    while (r.next()) {
                        files.put(r.getString(1), new ObjectIdentity(r.getString(1), r.getLong(2), r.getString(3)));
                    }
                }
            }
            if (!files.keySet().equals(Set.copyOf(objects)) || !rowsStillHeld(connection, exchange, symbol, scope, recorded.rowsLoaded())) {
                return Optional.empty();
            }
            connection.rollback();
        }
        for (String object : objects) {
            if (!ObjectIdentity.of(source, object).equals(files.get(object))) {
                return Optional.empty();
            }
        }
        return Optional.of(recorded);
    }

    /** Whether bronze holds, in every hour of the scope, the rows the last load recorded there. */
    private static boolean rowsStillHeld(Connection connection, String exchange, String symbol, ReplaceScope scope, long rows)
            throws SQLException {
        Map<TimeWindow, long[]> held = new HashMap<>();
        try (PreparedStatement count = connection.prepareStatement(HELD_ROWS)) {
            bindStream(count, 1, exchange, symbol, scope.window());
            try (ResultSet r = count.executeQuery()) {
                while (r.next()) {
                    held.put(new TimeWindow(r.getTimestamp(1).toInstant(), r.getTimestamp(2).toInstant()),
                            new long[] {r.getLong(3), r.getLong(4)});
                }
            }
        }
        long total = 0;
        for (TimeWindow range : scope.hourRanges()) {
            long[] recordedAndHeld = held.get(range);
            if (recordedAndHeld == null || recordedAndHeld[0] != recordedAndHeld[1]) {
                return false;
            }
            total += recordedAndHeld[1];
        }
        return total == rows;
    }

    /**
     * Records a load in its own transaction (on its connection, before its commit), replacing the
     * records of every window of the stream it overlaps: their rows may be the ones just rewritten.
     */
    void record(Connection connection, Entry entry, long rows) throws SQLException {
        TimeWindow window = entry.scope().window();
        try (PreparedStatement forget = connection.prepareStatement(FORGET_OVERLAPPING)) {
            forget.setString(1, entry.exchange());
            forget.setString(2, entry.symbol());
            forget.setObject(3, utc(window.end()));
            forget.setObject(4, utc(window.start()));
            forget.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement(RECORD_WINDOW)) {
            bindStream(insert, 1, entry.exchange(), entry.symbol(), window);
            insert.setString(5, hoursLiteral(entry.scope()));
            insert.setString(6, loader);
            insert.setLong(7, entry.objects().size());
            insert.setLong(8, entry.lines());
            insert.setLong(9, rows);
            insert.setLong(10, entry.deadLettered());
            insert.setLong(11, entry.partialLines());
            insert.setObject(12, entry.coverage().firstMinute() == null ? null : utc(entry.coverage().firstMinute()));
            insert.setObject(13, entry.coverage().lastMinute() == null ? null : utc(entry.coverage().lastMinute()));
            insert.setLong(14, entry.coverage().finalMinutes());
            insert.setLong(15, entry.coverage().minutesWithRows());
            insert.setString(16, entry.deadLetterFile() == null ? null : entry.deadLetterFile().toString());
            // PostgreSQL's text cannot hold NUL, which a refused line's reason may quote: kept as its escape.
            Array deadLetters = connection.createArrayOf("text",
                    entry.firstDeadLetters().stream().map(reason -> reason.replace("\u0000", "\\u0000")).toArray(String[]::new));
            insert.setArray(17, deadLetters);
            insert.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement(RECORD_FILE)) {
            for (ObjectIdentity object : entry.objects()) {
                bindStream(insert, 1, entry.exchange(), entry.symbol(), window);
                insert.setString(5, object.object());
                insert.setLong(6, object.size());
                insert.setString(7, object.sha256());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * The build of the running loader: the jar's name, size and modification time (a rebuilt jar
     * may parse or encode differently, so its first run over a window loads it again), or the
     * class folder when run from one (tests, an IDE).
     */
    static String runningBuild() {
        try {
            CodeSource code = LoadLedger.class.getProtectionDomain().getCodeSource();
            Path location = Path.of(code.getLocation().toURI());
            if (Files.isRegularFile(location)) {
                BasicFileAttributes attributes = Files.readAttributes(location, BasicFileAttributes.class);
                return location.getFileName() + " " + attributes.size() + " bytes " + attributes.lastModifiedTime();
            }
            return "classes " + location;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // Unknown: a build no record can name, so every load is done in full.
            return "unknown build " + System.nanoTime();
        }
    }

    private static void bindStream(PreparedStatement statement, int first, String exchange, String symbol, TimeWindow window)
            throws SQLException {
        statement.setString(first, exchange);
        statement.setString(first + 1, symbol);
        statement.setObject(first + 2, utc(window.start()));
        statement.setObject(first + 3, utc(window.end()));
    }

    private static String hoursLiteral(ReplaceScope scope) {
        return scope.hours().stream().sorted().map(Instant::toString).collect(Collectors.joining(",", "{", "}"));
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
