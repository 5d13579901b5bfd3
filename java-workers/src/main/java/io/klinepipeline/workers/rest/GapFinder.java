package io.klinepipeline.workers.rest;

import io.klinepipeline.workers.db.BronzeTables;
import io.klinepipeline.workers.db.MissingMinuteRule;
import io.klinepipeline.workers.report.Offending;
import static org.jooq.impl.DSL.selectOne;
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
 * The minutes bronze-rest should ask the exchange for: in the window, ended by {@code dueBy}
 * ({@link MissingMinuteRule#dueBy}: over, and past the time the capture's file would have brought
 * them), with no final bronze row from any source, and not already known to be empty.
 */
final class GapFinder {
    static final int MINUTE_SECONDS = MissingMinuteRule.MINUTE_SECONDS;

    private GapFinder() {}

    /** The missing minute starts, oldest first, in one set-based query over the window's minutes. */
    static List<Instant> missingMinutes(DSLContext dsl, String exchange, String symbol, TimeWindow window, Instant dueBy) {
        Table<?> minutes = table("generate_series({0}, {1}, interval '1 minute')",
                val(window.start(), SQLDataType.INSTANT),
                val(window.end().minusSeconds(MINUTE_SECONDS), SQLDataType.INSTANT)).as("m", "minute");
        Field<Instant> minute = field(name("m", "minute"), SQLDataType.INSTANT);
        return dsl.select(minute)
                .from(minutes)
                .where(MissingMinuteRule.isDue(minute, dueBy))
                .and(MissingMinuteRule.isMissing(minute, (e, s) -> e.eq(exchange).and(s.eq(symbol))))
                .orderBy(minute)
                .fetch(minute);
    }

    /**
     * The minutes of the window the exchange had no candle for (recorded by this or an earlier run)
     * and that still have no final row: the minutes the no-missing-minutes check excuses, oldest first.
     */
    static Offending<Instant> emptyMinutes(DSLContext dsl, String exchange, String symbol, TimeWindow window) {
        BronzeTables.CheckedMinutes c = new BronzeTables.CheckedMinutes("c");
        BronzeTables.Ohlcv b = new BronzeTables.Ohlcv("b");
        List<Instant> empty = dsl.select(c.intervalStart)
                .from(c.table)
                .where(c.exchange.eq(exchange), c.symbol.eq(symbol), c.intervalSeconds.eq(MINUTE_SECONDS),
                        c.intervalStart.ge(val(window.start(), SQLDataType.INSTANT)),
                        c.intervalStart.lt(val(window.end(), SQLDataType.INSTANT)))
                .andNotExists(selectOne().from(b.table).where(b.exchange.eq(exchange), b.symbol.eq(symbol),
                        b.intervalSeconds.eq(MINUTE_SECONDS), b.intervalStart.eq(c.intervalStart), b.isFinal.isTrue()))
                .orderBy(c.intervalStart)
                .fetch(c.intervalStart);
        return new Offending<>(empty.size(), empty);
    }
}
