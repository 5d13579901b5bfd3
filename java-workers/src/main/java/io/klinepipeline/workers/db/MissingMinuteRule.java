package io.klinepipeline.workers.db;

import static org.jooq.impl.DSL.notExists;
import static org.jooq.impl.DSL.selectOne;

import java.time.Instant;
import java.util.function.BiFunction;
import org.jooq.Condition;
import org.jooq.Field;

/**
 * The one rule for a missing minute, shared by bronze-rest (what to fetch) and silver (what is
 * still missing): no final bronze row from any source, and not known to be empty (bronze-rest asked
 * the exchange and it had no candle: an empty minute is not a missing one). Whether the minute is
 * over is the caller's business.
 */
public final class MissingMinuteRule {
    public static final int MINUTE_SECONDS = 60;

    private MissingMinuteRule() {}

    /**
     * @param minute the minute start being tested
     * @param ofStream which rows belong to the stream(s): a condition on a table's exchange and symbol columns
     */
    public static Condition isMissing(Field<Instant> minute, BiFunction<Field<String>, Field<String>, Condition> ofStream) {
        BronzeTables.Ohlcv b = new BronzeTables.Ohlcv("final_row");
        BronzeTables.CheckedMinutes c = new BronzeTables.CheckedMinutes("checked_empty");
        return notExists(selectOne().from(b.table).where(ofStream.apply(b.exchange, b.symbol),
                        b.intervalSeconds.eq(MINUTE_SECONDS), b.intervalStart.eq(minute), b.isFinal.isTrue()))
                .and(notExists(selectOne().from(c.table).where(ofStream.apply(c.exchange, c.symbol),
                        c.intervalSeconds.eq(MINUTE_SECONDS), c.intervalStart.eq(minute))));
    }
}
