-- kline-pipeline schema, version 5: what silver needs to know that nothing changed since its last
-- merge of a window, so that a rerun over unchanged bronze reads almost nothing (issue 10, row 4).
--
-- Every bronze row records the transaction that wrote it (written_by, a DEFAULT: no loader names
-- the column). A transaction id rather than a sequence: sequence values are handed out in the
-- order rows are written, not in the order their transactions commit, so a mark "merged up to
-- value N" would skip a row numbered below N whose load committed after the merge read bronze.
-- A merge instead keeps the snapshot it read bronze with (silver.merge_marks.merged_snapshot):
-- a row it did not see is exactly one whose written_by is not visible in that snapshot, and the
-- rows it may not have seen all have written_by >= the snapshot's xmin, which the index finds.
--
-- Rows written before this version have no written_by (adding the column with a volatile default
-- would rewrite every partition): they are older than any mark, which is all a merge asks.

ALTER TABLE bronze.bronze_ohclv_native ADD COLUMN written_by xid8;
ALTER TABLE bronze.bronze_ohclv_native ALTER COLUMN written_by SET DEFAULT pg_current_xact_id();
-- Partial: the rows before this version are never looked up by it, and are not indexed (or sorted) here.
CREATE INDEX bronze_ohclv_native_written_by ON bronze.bronze_ohclv_native (written_by) WHERE written_by IS NOT NULL;

-- Minutes bronze-rest found empty count for silver's missing-minutes check, so they are tracked alike.
ALTER TABLE bronze.rest_checked_minutes ADD COLUMN written_by xid8;
ALTER TABLE bronze.rest_checked_minutes ALTER COLUMN written_by SET DEFAULT pg_current_xact_id();

-- Rows deleted or updated leave no row with a new written_by behind (a reload that drops a minute
-- another source still has would change silver's choice): each such statement notes the final
-- rows' listing and UTC hour here, with its transaction.
CREATE TABLE silver.bronze_rewrites (
    exchange     text        NOT NULL,
    symbol       text        NOT NULL,   -- exchange-native, as in bronze
    hour_start   timestamptz NOT NULL,
    written_by   xid8        NOT NULL DEFAULT pg_current_xact_id(),
    PRIMARY KEY (exchange, symbol, hour_start)
);

CREATE FUNCTION silver.note_bronze_rewrites() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO silver.bronze_rewrites AS r (exchange, symbol, hour_start)
        SELECT DISTINCT exchange, symbol, date_trunc('hour', interval_start, 'UTC') FROM old_rows WHERE is_final
        ON CONFLICT (exchange, symbol, hour_start) DO UPDATE SET written_by = EXCLUDED.written_by;
    ELSE
        INSERT INTO silver.bronze_rewrites AS r (exchange, symbol, hour_start)
        SELECT exchange, symbol, date_trunc('hour', interval_start, 'UTC') FROM old_rows WHERE is_final
         UNION
        SELECT exchange, symbol, date_trunc('hour', interval_start, 'UTC') FROM new_rows WHERE is_final
        ON CONFLICT (exchange, symbol, hour_start) DO UPDATE SET written_by = EXCLUDED.written_by;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER bronze_deletes_noted AFTER DELETE ON bronze.bronze_ohclv_native
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION silver.note_bronze_rewrites();
CREATE TRIGGER bronze_updates_noted AFTER UPDATE ON bronze.bronze_ohclv_native
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION silver.note_bronze_rewrites();

-- Writes no mark can account for: TRUNCATE of bronze, and silver.fact_ohlcv written by anything but
-- the merge (which sets kline.silver_merge for its transaction). The one row's transaction, when
-- not visible in a mark's snapshot, voids the mark.
CREATE TABLE silver.untracked_writes (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    written_by  xid8    NOT NULL DEFAULT pg_current_xact_id()
);
INSERT INTO silver.untracked_writes DEFAULT VALUES;

CREATE FUNCTION silver.note_untracked_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_SCHEMA = 'bronze' OR current_setting('kline.silver_merge', true) IS DISTINCT FROM 'on' THEN
        UPDATE silver.untracked_writes SET written_by = pg_current_xact_id();
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER bronze_truncates_noted AFTER TRUNCATE ON bronze.bronze_ohclv_native
    FOR EACH STATEMENT EXECUTE FUNCTION silver.note_untracked_write();
CREATE TRIGGER bronze_truncates_noted AFTER TRUNCATE ON bronze.rest_checked_minutes
    FOR EACH STATEMENT EXECUTE FUNCTION silver.note_untracked_write();
CREATE TRIGGER outside_writes_noted AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON silver.fact_ohlcv
    FOR EACH STATEMENT EXECUTE FUNCTION silver.note_untracked_write();

-- One row per canonical pair and window a merge completed: the snapshot it read bronze with, what
-- it was merged under (signature: the listings, their source precedence, the rule's version, the
-- checks' bounds), and what the run reported, which a rerun over unchanged inputs reports again
-- without reading bronze or silver. Only windows wholly due are marked (a window still under way
-- gains missing minutes as time passes). A merge that changes silver drops the marks of the
-- pair's other windows overlapping its own.
CREATE TABLE silver.merge_marks (
    symbol           text        NOT NULL,   -- canonical BASE-QUOTE
    window_start     timestamptz NOT NULL,
    window_end       timestamptz NOT NULL,
    signature        text        NOT NULL,
    merged_snapshot  pg_snapshot NOT NULL,
    merged_at        timestamptz NOT NULL DEFAULT now(),
    report           jsonb       NOT NULL,
    PRIMARY KEY (symbol, window_start, window_end)
);
