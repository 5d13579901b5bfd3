package io.klinepipeline.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One row of the fault-injection table ({@code make chaos}, README "Reliability"): what a fault
 * test did and what survived. Each fault test records its row once its assertions have run;
 * {@code scripts/chaos-table.py} collects the rows every module wrote under
 * {@code target/chaos/} and prints the table.
 *
 * <p>Counts that do not apply to a fault stay {@code null} and print as "-". {@code lost} and
 * {@code duplicates} are what the test measured, not what it asserted: a row is written only when
 * the test passed, so a failing safeguard shows as a failed test, and the numbers show scale.
 */
public final class ChaosRow {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String fault;
    private final String component;
    private int trials;
    private Long sent;
    private Long onDisk;
    private Long silverMinutes;
    private Long lost;
    private Long duplicates;
    private long unrecoveredErrors;
    private String notes = "";

    private ChaosRow(String component, String fault) {
        this.component = component;
        this.fault = fault;
    }

    /** A row for {@code fault} (a short phrase, unique per table) injected into {@code component}. */
    public static ChaosRow of(String component, String fault) {
        return new ChaosRow(component, fault);
    }

    /**
     * How large a chaos test should be: 1 in {@code make test}, more under {@code make chaos}
     * ({@code KLINE_CHAOS_SCALE}, a positive integer). Tests multiply their trial counts by it.
     */
    public static int scale() {
        String value = System.getenv("KLINE_CHAOS_SCALE");
        if (value == null || value.isBlank()) {
            return 1;
        }
        try {
            int scale = Integer.parseInt(value.trim());
            if (scale < 1) {
                throw new NumberFormatException("below 1");
            }
            return scale;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("KLINE_CHAOS_SCALE must be a positive integer, got '" + value + "'", e);
        }
    }

    public ChaosRow trials(int n) { trials = n; return this; }
    public ChaosRow sent(long n) { sent = n; return this; }
    public ChaosRow onDisk(long n) { onDisk = n; return this; }
    public ChaosRow silverMinutes(long n) { silverMinutes = n; return this; }
    public ChaosRow lost(long n) { lost = n; return this; }
    public ChaosRow duplicates(long n) { duplicates = n; return this; }
    public ChaosRow unrecoveredErrors(long n) { unrecoveredErrors = n; return this; }
    public ChaosRow notes(String text) { notes = text; return this; }

    /**
     * Writes the row to {@code <KLINE_CHAOS_DIR or target/chaos>/<component>-<fault slug>.json},
     * replacing an earlier run's row for the same fault.
     */
    public void record() {
        Path dir = Path.of(System.getenv().getOrDefault("KLINE_CHAOS_DIR", "target/chaos"));
        ObjectNode row = JSON.createObjectNode()
                .put("component", component)
                .put("fault", fault)
                .put("trials", trials)
                .put("unrecovered_errors", unrecoveredErrors)
                .put("notes", notes)
                .put("scale", scale());
        putNullable(row, "messages_sent", sent);
        putNullable(row, "messages_on_disk", onDisk);
        putNullable(row, "minutes_in_silver", silverMinutes);
        putNullable(row, "lost", lost);
        putNullable(row, "duplicates", duplicates);
        String slug = (component + "-" + fault).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-|-$)", "");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(slug + ".json"), JSON.writeValueAsString(row) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chaos row for '" + fault + "' under " + dir, e);
        }
    }

    private static void putNullable(ObjectNode row, String field, Long value) {
        if (value == null) {
            row.putNull(field);
        } else {
            row.put(field, value);
        }
    }
}
