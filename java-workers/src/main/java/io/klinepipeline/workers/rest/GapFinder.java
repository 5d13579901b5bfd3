package io.klinepipeline.workers.rest;

import io.klinepipeline.workers.db.MissingMinuteRule;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.val;

import io.klinepipeline.workers.window.TimeWindow;
import java.time.Instant;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * The minutes bronze-rest should ask the exchange for: in the window, already over at {@code now},
 * with no final bronze row from any source, and not already known to be empty.
 */
final class GapFinder {
    static final int MINUTE_SECONDS = MissingMinuteRule.MINUTE_SECONDS;

    private GapFinder() {}

    /** The missing minute starts, oldest first, in one set-based query over the window's minutes. */
    static List<Instant> missingMinutes(DSLContext dsl, String exchange, String symbol, TimeWindow window, Instant now) {
        Table<?> minutes = table("generate_series({0}, {1}, interval '1 minute')",
                val(window.start(), SQLDataType.INSTANT),
                val(window.end().minusSeconds(MINUTE_SECONDS), SQLDataType.INSTANT)).as("m", "minute");
        Field<Instant> minute = field(name("m", "minute"), SQLDataType.INSTANT);
        return dsl.select(minute)
                .from(minutes)
                // interval_end <= now: the still-open minute is never missing.
                .where(minute.le(val(now.minusSeconds(MINUTE_SECONDS), SQLDataType.INSTANT)))
                .and(MissingMinuteRule.isMissing(minute, (e, s) -> e.eq(exchange).and(s.eq(symbol))))
                .orderBy(minute)
                .fetch(minute);
    }
}
