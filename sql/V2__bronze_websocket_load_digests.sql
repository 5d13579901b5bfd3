-- kline-pipeline schema, version 2: what ext-to-bronze last loaded, per stream and hour, so that a
-- rerun over unchanged input (a retried run, a backfill started twice, the sensor reloading an
-- hour) leaves the hour's rows in place instead of deleting and inserting the same rows again:
-- that delete-and-insert wrote about twice the WAL of the first load and left a dead copy of every
-- row for vacuum. bronze.bronze_ohclv_native itself is unchanged.

-- One row per stream and loaded range (a UTC hour, or the part of it a window covers): how many
-- websocket rows the load wrote for it and a SHA-256 of those rows as ext-to-bronze encodes them.
-- A rerun whose rows for the range have the same digest and count, while bronze still holds that
-- many rows there, keeps them. Deleting bronze rows by hand (or by retention) changes the count,
-- so the next load of the range rewrites it; delete the range's row here too to force that.
CREATE TABLE bronze.websocket_load_ranges (
    exchange     text        NOT NULL,
    symbol       text        NOT NULL,
    range_start  timestamptz NOT NULL,
    range_end    timestamptz NOT NULL CHECK (range_end > range_start),
    row_count    bigint      NOT NULL CHECK (row_count >= 0),
    digest       text        NOT NULL,
    loaded_at    timestamptz NOT NULL,
    PRIMARY KEY (exchange, symbol, range_start, range_end)
);
