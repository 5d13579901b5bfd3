package io.klinepipeline.jsonl;

import io.klinepipeline.exchange.Exchange;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Where raw events live, the same below the local directory and below the S3 prefix:
 * {@code exchange=<exchange>/symbol=<symbol>/date=YYYY-MM-DD/hour=HH/<name>.jsonl}, with the UTC
 * hour of {@code received_at}. Names start with the file's opening time, so sorting names sorts
 * files in the order their events were received.
 */
public final class BronzeLayout {
    public static final String SUFFIX = ".jsonl";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter NAME_TIME =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern NAME = Pattern.compile("\\d{8}T\\d{9}Z-[A-Za-z0-9]+(-[A-Za-z0-9]+)*\\.jsonl");

    private BronzeLayout() {}

    /** The hour folder, relative, with '/' separators: usable as a path and as an S3 key prefix. */
    public static String hourPrefix(Exchange exchange, String symbol, Instant hour) {
        Instant h = hour.truncatedTo(ChronoUnit.HOURS);
        return "exchange=" + exchange.name() + "/symbol=" + exchange.symbols().pathSegment(symbol)
                + "/date=" + DATE.format(h) + "/hour=" + HOUR.format(h) + "/";
    }

    /** The hour folder below a local root. */
    public static Path hourDir(Path root, Exchange exchange, String symbol, Instant hour) {
        return root.resolve(hourPrefix(exchange, symbol, hour));
    }

    /** A new, unique file name for a file opened at {@code openedAt} by the writer {@code writerId}. */
    public static String newFileName(Instant openedAt, String writerId) {
        return NAME_TIME.format(openedAt) + "-" + writerId + "-" + UUID.randomUUID().toString().substring(0, 8) + SUFFIX;
    }

    /** Whether a name is a data file of this layout (not a temporary or foreign file). */
    public static boolean isDataFileName(String name) {
        return NAME.matcher(name).matches();
    }

    /** When a data file was opened, from its name (to the millisecond); throws for names not of the layout. */
    public static Instant openedAt(String name) {
        if (!isDataFileName(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a data file name of the bronze layout");
        }
        return NAME_TIME.parse(name.substring(0, 19), Instant::from);
    }

    /** The order in which readers must read the files of one hour. */
    public static Comparator<String> readOrder() {
        return Comparator.naturalOrder();
    }
}
