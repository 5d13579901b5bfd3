-- kline-pipeline schema, version 4: a ledger of the files each ext-to-bronze load read, so that a
-- rerun over a window whose files are byte for byte the ones its last load read (a retried run, a
-- backfill clicked twice, the sensor asking again) is skipped without parsing a line. Parsing is
-- what such a rerun cost even when V2's digests then kept every hour in place.

-- One row per stream and loaded window: the load's scope (the hours it replaced), the build of the
-- loader that made the rows, and what the load reported, so a skipped rerun reports the same.
CREATE TABLE bronze.websocket_load_windows (
    exchange            text        NOT NULL,
    symbol              text        NOT NULL,
    window_start        timestamptz NOT NULL,
    window_end          timestamptz NOT NULL CHECK (window_end > window_start),
    hours               timestamptz[] NOT NULL,
    loader              text        NOT NULL,
    objects             bigint      NOT NULL,
    lines               bigint      NOT NULL,
    row_count           bigint      NOT NULL CHECK (row_count >= 0),
    dead_lettered       bigint      NOT NULL,
    partial_lines       bigint      NOT NULL,
    first_minute        timestamptz,
    last_minute         timestamptz,
    final_minutes       bigint      NOT NULL,
    minutes_with_rows   bigint      NOT NULL,
    dead_letter_file    text,
    first_dead_letters  text[]      NOT NULL,
    loaded_at           timestamptz NOT NULL,
    PRIMARY KEY (exchange, symbol, window_start, window_end)
);

-- The identity of every object the load read (lead-in and spill-over files included): its name
-- below the source's root, its size and a SHA-256 of its whole content as it was when read. A file
-- the engine appended to since has another size and digest, so the window is loaded again (V2's
-- digests keep its unchanged hours); a load of an overlapping window deletes this window's record,
-- as it may have rewritten the rows the record vouches for.
CREATE TABLE bronze.websocket_load_files (
    exchange      text        NOT NULL,
    symbol        text        NOT NULL,
    window_start  timestamptz NOT NULL,
    window_end    timestamptz NOT NULL,
    object        text        NOT NULL,
    size          bigint      NOT NULL CHECK (size >= 0),
    sha256        text        NOT NULL,
    PRIMARY KEY (exchange, symbol, window_start, window_end, object),
    FOREIGN KEY (exchange, symbol, window_start, window_end)
        REFERENCES bronze.websocket_load_windows ON DELETE CASCADE
);
