package io.klinepipeline.pipes;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Parses timestamps written by Python's {@code datetime.isoformat()}, e.g. {@code 2026-11-24T10:00:00+00:00}. */
final class IsoTimestamps {

    private IsoTimestamps() {
    }

    /**
     * Accepts an offset ({@code +00:00} or {@code Z}) and optional fractional seconds; also the
     * space separator of Python's {@code str(datetime)}. A timestamp without offset is rejected:
     * it does not name an instant.
     */
    static Instant parse(String text, String where) {
        if (text == null) {
            throw new DagsterPipesException(where + ": expected an ISO-8601 timestamp, got null");
        }
        String normalized = text.length() > 10 && text.charAt(10) == ' '
                ? text.substring(0, 10) + 'T' + text.substring(11)
                : text;
        try {
            return OffsetDateTime.parse(normalized).toInstant();
        } catch (DateTimeParseException e) {
            throw new DagsterPipesException(where + ": cannot parse \"" + text
                    + "\" as an ISO-8601 timestamp with offset, like 2026-11-24T10:00:00+00:00", e);
        }
    }
}
