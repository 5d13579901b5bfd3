package io.klinepipeline.workers.db;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.time.Instant;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/** The bronze tables of sql/V1__bronze_and_silver.sql as jOOQ names: the one place the queries the workers compose take them from. */
public final class BronzeTables {

    private BronzeTables() {}

    private static Name column(String alias, String column) {
        return alias == null ? name(column) : name(alias, column);
    }

    /** bronze.bronze_ohclv_native; with a null alias, its columns are unqualified (INSERT targets). */
    public static final class Ohlcv {
        public final Table<Record> table;
        public final Field<String> exchange;
        public final Field<String> symbol;
        public final Field<Integer> intervalSeconds;
        public final Field<Instant> intervalStart;
        public final Field<Instant> intervalEnd;
        public final Field<Double> open;
        public final Field<Double> high;
        public final Field<Double> low;
        public final Field<Double> close;
        public final Field<Double> volume;
        public final Field<Double> quoteVolume;
        public final Field<Double> vwap;
        public final Field<Integer> tradeCount;
        public final Field<String> source;
        public final Field<Instant> ingestionTs;
        public final Field<Boolean> isFinal;

        public Ohlcv(String alias) {
            Table<Record> base = table(name("bronze", "bronze_ohclv_native"));
            table = alias == null ? base : base.as(alias);
            exchange = field(column(alias, "exchange"), SQLDataType.VARCHAR);
            symbol = field(column(alias, "symbol"), SQLDataType.VARCHAR);
            intervalSeconds = field(column(alias, "interval_seconds"), SQLDataType.INTEGER);
            intervalStart = field(column(alias, "interval_start"), SQLDataType.INSTANT);
            intervalEnd = field(column(alias, "interval_end"), SQLDataType.INSTANT);
            open = field(column(alias, "open"), SQLDataType.DOUBLE);
            high = field(column(alias, "high"), SQLDataType.DOUBLE);
            low = field(column(alias, "low"), SQLDataType.DOUBLE);
            close = field(column(alias, "close"), SQLDataType.DOUBLE);
            volume = field(column(alias, "volume"), SQLDataType.DOUBLE);
            quoteVolume = field(column(alias, "quote_volume"), SQLDataType.DOUBLE);
            vwap = field(column(alias, "vwap"), SQLDataType.DOUBLE);
            tradeCount = field(column(alias, "trade_count"), SQLDataType.INTEGER);
            source = field(column(alias, "source"), SQLDataType.VARCHAR);
            ingestionTs = field(column(alias, "ingestion_ts"), SQLDataType.INSTANT);
            isFinal = field(column(alias, "is_final"), SQLDataType.BOOLEAN);
        }
    }

    /** bronze.rest_checked_minutes: minutes the exchange was asked for and had no candle. */
    public static final class CheckedMinutes {
        public final Table<Record> table;
        public final Field<String> exchange;
        public final Field<String> symbol;
        public final Field<Integer> intervalSeconds;
        public final Field<Instant> intervalStart;
        public final Field<Instant> checkedAt;

        public CheckedMinutes(String alias) {
            Table<Record> base = table(name("bronze", "rest_checked_minutes"));
            table = alias == null ? base : base.as(alias);
            exchange = field(column(alias, "exchange"), SQLDataType.VARCHAR);
            symbol = field(column(alias, "symbol"), SQLDataType.VARCHAR);
            intervalSeconds = field(column(alias, "interval_seconds"), SQLDataType.INTEGER);
            intervalStart = field(column(alias, "interval_start"), SQLDataType.INSTANT);
            checkedAt = field(column(alias, "checked_at"), SQLDataType.INSTANT);
        }
    }
}
