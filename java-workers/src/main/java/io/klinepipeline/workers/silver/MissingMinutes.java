package io.klinepipeline.workers.silver;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.val;
import static org.jooq.impl.DSL.values;

import io.klinepipeline.config.PipelineConfig.Listing;
import io.klinepipeline.workers.db.MissingMinuteRule;
import io.klinepipeline.workers.report.Listed;
import io.klinepipeline.workers.report.Offending;
import io.klinepipeline.workers.window.TimeWindow;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.Row2;
import org.jooq.RowN;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Per exchange listing a pair: the minutes of a window that are due and missing by
 * {@link MissingMinuteRule} under any of that exchange's symbols for the pair, counted and the first
 * listed; all exchanges in one query.
 */
final class MissingMinutes {
    private static final int MINUTE_SECONDS = MissingMinuteRule.MINUTE_SECONDS;

    private MissingMinutes() {}

    /**
     * Every listed exchange, in listing order, with its count (0 included) and its first missing minutes.
     *
     * @param dueBy the latest minute end that counts ({@link MissingMinuteRule#dueBy})
     */
    static Map<String, Offending<Instant>> byExchange(DSLContext dsl, List<Listing> listings, TimeWindow window, Instant dueBy) {
        Map<String, Offending<Instant>> out = new LinkedHashMap<>();
        listings.forEach(l -> out.put(l.exchange(), Offending.none()));

        List<Row2<String, String>> listing = listings.stream().map(l -> row(l.exchange(), l.pair().symbol())).toList();
        Table<?> exchanges = values(out.keySet().stream().map(e -> row(List.of(val(e)))).toArray(RowN[]::new)).as("e", "exchange");
        Table<?> minutes = table("generate_series({0}, {1}, interval '1 minute')",
                val(window.start(), SQLDataType.INSTANT),
                val(window.end().minusSeconds(MINUTE_SECONDS), SQLDataType.INSTANT)).as("m", "minute");

        Field<String> exchange = field(name("e", "exchange"), SQLDataType.VARCHAR);
        Field<Instant> minute = field(name("m", "minute"), SQLDataType.INSTANT);
        // The first minutes as ISO text: a bounded list for the check's metadata, in the same query (the
        // spaces around the slice colon keep jOOQ from reading ":50" as a named parameter).
        Field<String[]> first = field("(array_agg(to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') ORDER BY {0}))[1 : "
                + Listed.LIMIT + "]", SQLDataType.VARCHAR.getArrayDataType(), minute);

        for (Record3<String, Integer, String[]> r : dsl.select(exchange, DSL.count(), first)
                .from(exchanges)
                .crossJoin(minutes)
                .where(MissingMinuteRule.isDue(minute, dueBy))
                .and(MissingMinuteRule.isMissing(minute, (e, s) -> e.eq(exchange).and(row(e, s).in(listing))))
                .groupBy(exchange)
                .fetch()) {
            out.put(r.value1(), new Offending<>(r.value2(), Arrays.stream(r.value3()).map(Instant::parse).toList()));
        }
        return out;
    }
}
