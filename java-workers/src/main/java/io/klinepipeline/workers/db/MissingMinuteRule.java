package io.klinepipeline.workers.db;

import static org.jooq.impl.DSL.notExists;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.val;

import io.klinepipeline.config.PipelineConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiFunction;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.impl.SQLDataType;

/**
 * The one rule for a missing minute, shared by bronze-rest (what to fetch) and silver (what is
 * still missing): no final bronze row from any source, and not known to be empty (bronze-rest asked
 * the exchange and it had no candle: an empty minute is not a missing one), among the minutes that
 * are due ({@link #isDue}: over, and past the time the capture's file would have brought them).
 */
public final class MissingMinuteRule {
    public static final int MINUTE_SECONDS = 60;
    /** A minute's closing frame reaches the engine and its file a moment after the minute ends. */
    static final Duration CLOSE_LATENCY = Duration.ofSeconds(5);
    /**
     * How long an upload of a finished file normally takes: with S3 on, a minute's capture reaches the
     * workers this long after its file finishes. An S3 outage lasts longer; then REST fills the
     * minute and the late file's reload replaces it in silver.
     */
    static final Duration UPLOAD_MARGIN = Duration.ofSeconds(30);

    /**
     * The latest minute end that may count as missing at {@code now}. The engine's file holding a
     * minute's close finishes at most engine.roll_max_age_seconds after the close (and is then
     * uploaded, with S3 on); until then a run of the hour under way would find the minute missing
     * only because its file is still open, and bronze-rest would spend REST weight on a minute the
     * capture has. With the defaults, 65 s (95 s with S3).
     */
    public static Instant dueBy(Instant now, PipelineConfig config) {
        Duration lag = config.engine().rollMaxAge().plus(CLOSE_LATENCY);
        return now.minus(config.storage().s3().enabled() ? lag.plus(UPLOAD_MARGIN) : lag);
    }

    /**
     * The minute is due at {@code dueBy}: it ended by then ({@link #dueBy}), so neither the still-open
     * minute nor one whose capture file may still be open counts.
     */
    public static Condition isDue(Field<Instant> minute, Instant dueBy) {
        return minute.le(val(dueBy.minusSeconds(MINUTE_SECONDS), SQLDataType.INSTANT));
    }

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
