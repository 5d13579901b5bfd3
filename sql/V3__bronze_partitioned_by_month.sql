-- kline-pipeline schema, version 3: bronze.bronze_ohclv_native range-partitioned by month of
-- interval_start (UTC), so that retention is dropping a month's table, not a DELETE that writes
-- every old row to the WAL and leaves them all for vacuum. Same name, columns (in the same order),
-- constraints and lookup index as V1; every row is copied over.
--
-- Why months: a 1-minute stream is 43,200 rows a month, so 500 streams make ~22 M rows a month, a
-- few GB with the index: large enough that there are few partitions (12 a year; the planner's cost
-- grows with their number), small enough that retention's grain is fine. Every window the workers
-- load or merge (an hour to a few days) touches one partition, two at a month's end.
--
-- Partitions are made on demand: the workers call bronze.ensure_bronze_partitions for the months a
-- load will write, in a short transaction of its own before the load's, so a new month never fails
-- a load. A DEFAULT partition takes any row written another way (by hand, or a load racing
-- retention), so no INSERT fails for want of a partition; ensure_bronze_partitions moves a month's
-- rows out of it when it creates that month's partition.

ALTER TABLE bronze.bronze_ohclv_native RENAME TO bronze_ohclv_native_v2;
ALTER INDEX bronze.bronze_ohclv_native_lookup RENAME TO bronze_ohclv_native_v2_lookup;
-- The constraints keep V1's names on the new table.
ALTER TABLE bronze.bronze_ohclv_native_v2 RENAME CONSTRAINT bronze_ohclv_native_check TO bronze_ohclv_native_v2_check;
ALTER TABLE bronze.bronze_ohclv_native_v2
    RENAME CONSTRAINT bronze_ohclv_native_interval_seconds_check TO bronze_ohclv_native_v2_interval_seconds_check;
ALTER TABLE bronze.bronze_ohclv_native_v2 RENAME CONSTRAINT bronze_ohclv_native_source_check TO bronze_ohclv_native_v2_source_check;

CREATE TABLE bronze.bronze_ohclv_native (
    exchange          text             NOT NULL,
    symbol            text             NOT NULL,
    interval_seconds  integer          NOT NULL CHECK (interval_seconds > 0),
    interval_start    timestamptz      NOT NULL,
    interval_end      timestamptz      NOT NULL,
    open              double precision NOT NULL,
    high              double precision NOT NULL,
    low               double precision NOT NULL,
    close             double precision NOT NULL,
    volume            double precision NOT NULL,
    quote_volume      double precision,
    vwap              double precision,
    trade_count       integer,
    source            text             NOT NULL CHECK (source IN ('websocket', 'rest')),
    ingestion_ts      timestamptz      NOT NULL,
    is_final          boolean          NOT NULL,
    CHECK (interval_end = interval_start + make_interval(secs => interval_seconds))
) PARTITION BY RANGE (interval_start);

CREATE INDEX bronze_ohclv_native_lookup
    ON bronze.bronze_ohclv_native (exchange, symbol, interval_start);

CREATE TABLE bronze.bronze_ohclv_native_default PARTITION OF bronze.bronze_ohclv_native DEFAULT;

-- The partitions of every UTC month that [from_ts, to_ts) touches, created where missing; returns
-- how many it created. A month's partition is made apart and ATTACHed (which locks the parent only
-- in SHARE UPDATE EXCLUSIVE mode, so readers and writers of other months go on), after moving in
-- any rows of that month the default partition holds. Callers must not hold other locks on bronze:
-- call it in a transaction of its own.
CREATE FUNCTION bronze.ensure_bronze_partitions(from_ts timestamptz, to_ts timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    month_start timestamptz;
    month_end   timestamptz;
    part        text;
    created     integer := 0;
    locked      boolean := false;
BEGIN
    IF from_ts IS NULL OR to_ts IS NULL OR to_ts <= from_ts THEN
        RETURN 0;
    END IF;
    month_start := date_trunc('month', from_ts, 'UTC');
    WHILE month_start < to_ts LOOP
        month_end := month_start + interval '1 month';
        part := 'bronze_ohclv_native_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
        IF to_regclass('bronze.' || part) IS NULL THEN
            IF NOT locked THEN
                -- Two workers needing the same new month take turns; the second finds it made.
                PERFORM pg_advisory_xact_lock(hashtext('kline-pipeline bronze partitions'));
                locked := true;
            END IF;
            IF to_regclass('bronze.' || part) IS NULL THEN
                EXECUTE format('CREATE TABLE bronze.%I (LIKE bronze.bronze_ohclv_native'
                        || ' INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
                EXECUTE format('WITH moved AS (DELETE FROM bronze.bronze_ohclv_native_default'
                        || ' WHERE interval_start >= %L AND interval_start < %L RETURNING *)'
                        || ' INSERT INTO bronze.%I SELECT * FROM moved', month_start, month_end, part);
                EXECUTE format('ALTER TABLE bronze.bronze_ohclv_native ATTACH PARTITION bronze.%I'
                        || ' FOR VALUES FROM (%L) TO (%L)', part, month_start, month_end);
                created := created + 1;
            END IF;
        END IF;
        month_start := month_end;
    END LOOP;
    RETURN created;
END $$;

-- The V2 table's rows, month by month into their partitions.
SELECT bronze.ensure_bronze_partitions(min(interval_start), max(interval_start) + interval '1 minute')
  FROM bronze.bronze_ohclv_native_v2;
INSERT INTO bronze.bronze_ohclv_native SELECT * FROM bronze.bronze_ohclv_native_v2;
DROP TABLE bronze.bronze_ohclv_native_v2;

-- Retention: drops bronze's monthly partitions that end on or before the start of the UTC month
-- keep_months before as_of's (keep_months = 1 on 2026-12-06 keeps November and December), except
-- those silver has not merged. One row per partition considered: dropped, or kept with the count
-- of its unmerged minutes.
--
-- "Merged" is decided by counting, as bronze's native symbols map to silver's canonical pairs only
-- through pipeline.yaml: a minute (exchange, interval_seconds, interval_start) is merged when
-- silver.fact_ohlcv holds at least as many rows for it as bronze has symbols with a final row
-- there. Bronze rows that are not final never reach silver and do not count. A listing removed from
-- pipeline.yaml leaves its rows unmerged, so their month is kept until they are merged or deleted.
-- Rows of old months in the default partition are moved to partitions of their own first, and the
-- websocket_load_ranges records of a dropped month go with it.
CREATE FUNCTION bronze.drop_bronze_partitions(keep_months integer, as_of timestamptz DEFAULT now())
RETURNS TABLE (partition_name text, range_start timestamptz, range_end timestamptz, dropped boolean,
               unmerged_minutes bigint)
LANGUAGE plpgsql AS $$
DECLARE
    cutoff timestamptz;
    oldest timestamptz;
BEGIN
    IF keep_months IS NULL OR keep_months < 0 THEN
        RAISE EXCEPTION 'keep_months must be 0 or more, not %', keep_months;
    END IF;
    cutoff := date_trunc('month', as_of, 'UTC') - make_interval(months => keep_months);
    SELECT min(d.interval_start) INTO oldest FROM bronze.bronze_ohclv_native_default d WHERE d.interval_start < cutoff;
    PERFORM bronze.ensure_bronze_partitions(oldest, cutoff);
    PERFORM pg_advisory_xact_lock(hashtext('kline-pipeline bronze partitions'));
    FOR partition_name, range_start IN
        SELECT c.relname::text, to_date(substring(c.relname FROM '(\d{4}_\d{2})$'), 'YYYY_MM')::timestamp AT TIME ZONE 'UTC'
          FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'bronze.bronze_ohclv_native'::regclass
           AND c.relname ~ '^bronze_ohclv_native_\d{4}_\d{2}$'
         ORDER BY 1
    LOOP
        range_end := range_start + interval '1 month';
        CONTINUE WHEN range_end > cutoff;
        EXECUTE format($q$
            WITH b AS (SELECT exchange, interval_seconds, interval_start, count(DISTINCT symbol) AS listings
                         FROM bronze.%I WHERE is_final GROUP BY 1, 2, 3),
                 s AS (SELECT exchange, interval_seconds, interval_start, count(*) AS merged
                         FROM silver.fact_ohlcv WHERE interval_start >= %L AND interval_start < %L GROUP BY 1, 2, 3)
            SELECT count(*) FROM b LEFT JOIN s USING (exchange, interval_seconds, interval_start)
             WHERE coalesce(s.merged, 0) < b.listings$q$, partition_name, range_start, range_end)
            INTO unmerged_minutes;
        dropped := unmerged_minutes = 0;
        IF dropped THEN
            EXECUTE format('DROP TABLE bronze.%I', partition_name);
            DELETE FROM bronze.websocket_load_ranges r WHERE r.range_start >= drop_bronze_partitions.range_start
               AND r.range_end <= drop_bronze_partitions.range_end;
        ELSE
            RAISE WARNING 'bronze partition % kept: % minutes of it are not in silver', partition_name, unmerged_minutes;
        END IF;
        RETURN NEXT;
    END LOOP;
END $$;
