package io.klinepipeline.workers.silver;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.val;
import static org.jooq.impl.DSL.values;

import io.klinepipeline.config.PipelineConfig.Listing;
import io.klinepipeline.workers.db.BronzeTables;
import io.klinepipeline.workers.window.TimeWindow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record2;
import org.jooq.RowN;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Per exchange listing a pair: the minutes of a window that are over, have no final bronze row
 * under any of that exchange's symbols for the pair, and are not known to be empty (bronze-rest
 * asked the exchange and it has no candle: an empty minute is not a missing one). The same rule as
 * bronze-rest's GapFinder, for all exchanges in one query.
 */
final class MissingMinutes {
    private static final int MINUTE_SECONDS = 60;

    private MissingMinutes() {}

    /** Every listed exchange, in listing order, with its count (0 included). */
    static Map<String, Long> byExchange(DSLContext dsl, List<Listing> listings, TimeWindow window, Instant now) {
        Map<String, Long> out = new LinkedHashMap<>();
        listings.forEach(l -> out.put(l.exchange(), 0L));

        Table<?> listing = values(listings.stream()
                .map(l -> row(List.of(val(l.exchange()), val(l.pair().symbol()))))
                .toArray(RowN[]::new)).as("l", "exchange", "symbol");
        Table<?> exchanges = values(out.keySet().stream().map(e -> row(List.of(val(e)))).toArray(RowN[]::new)).as("e", "exchange");
        Table<?> minutes = table("generate_series({0}, {1}, interval '1 minute')",
                val(window.start(), SQLDataType.INSTANT),
                val(window.end().minusSeconds(MINUTE_SECONDS), SQLDataType.INSTANT)).as("m", "minute");

        Field<String> exchange = field(name("e", "exchange"), SQLDataType.VARCHAR);
        Field<Instant> minute = field(name("m", "minute"), SQLDataType.INSTANT);
        Field<String> listingExchange = field(name("l", "exchange"), SQLDataType.VARCHAR);
        Field<String> listingSymbol = field(name("l", "symbol"), SQLDataType.VARCHAR);
        BronzeTables.Ohlcv b = new BronzeTables.Ohlcv("b");
        BronzeTables.CheckedMinutes c = new BronzeTables.CheckedMinutes("c");

        for (Record2<String, Integer> r : dsl.select(exchange, DSL.count())
                .from(exchanges)
                .crossJoin(minutes)
                // interval_end <= now: the still-open minute is not missing yet.
                .where(minute.le(val(now.minusSeconds(MINUTE_SECONDS), SQLDataType.INSTANT)))
                .andNotExists(selectOne()
                        .from(b.table)
                        .join(listing).on(listingExchange.eq(b.exchange), listingSymbol.eq(b.symbol))
                        .where(b.exchange.eq(exchange), b.intervalSeconds.eq(MINUTE_SECONDS), b.intervalStart.eq(minute),
                                b.isFinal.isTrue()))
                .andNotExists(selectOne()
                        .from(c.table)
                        .join(listing).on(listingExchange.eq(c.exchange), listingSymbol.eq(c.symbol))
                        .where(c.exchange.eq(exchange), c.intervalSeconds.eq(MINUTE_SECONDS), c.intervalStart.eq(minute)))
                .groupBy(exchange)
                .fetch()) {
            out.put(r.value1(), r.value2().longValue());
        }
        return out;
    }
}
