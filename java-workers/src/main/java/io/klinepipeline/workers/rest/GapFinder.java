package io.klinepipeline.workers.rest;

import io.klinepipeline.workers.db.BronzeTables;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.selectOne;
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
    static final int MINUTE_SECONDS = 60;

    private GapFinder() {}

    /** The missing minute starts, oldest first, in one set-based query over the window's minutes. */
    static List<Instant> missingMinutes(DSLContext dsl, String exchange, String symbol, TimeWindow window, Instant now) {
        Table<?> minutes = table("generate_series({0}, {1}, interval '1 minute')",
                val(window.start(), SQLDataType.INSTANT),
                val(window.end().minusSeconds(MINUTE_SECONDS), SQLDataType.INSTANT)).as("m", "minute");
        Field<Instant> minute = field(name("m", "minute"), SQLDataType.INSTANT);
        BronzeTables.Ohlcv b = new BronzeTables.Ohlcv("b");
        BronzeTables.CheckedMinutes c = new BronzeTables.CheckedMinutes("c");
        return dsl.select(minute)
                .from(minutes)
                // interval_end <= now: the still-open minute is never missing.
                .where(minute.le(val(now.minusSeconds(MINUTE_SECONDS), SQLDataType.INSTANT)))
                .andNotExists(selectOne().from(b.table).where(
                        b.exchange.eq(exchange), b.symbol.eq(symbol), b.intervalSeconds.eq(MINUTE_SECONDS),
                        b.intervalStart.eq(minute), b.isFinal.isTrue()))
                .andNotExists(selectOne().from(c.table).where(
                        c.exchange.eq(exchange), c.symbol.eq(symbol), c.intervalSeconds.eq(MINUTE_SECONDS),
                        c.intervalStart.eq(minute)))
                .orderBy(minute)
                .fetch(minute);
    }
}
