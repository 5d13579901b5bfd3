-- kline-pipeline schema, version 1. Applied by Flyway (`kline-worker migrate`, and before every
-- other subcommand). Never edit an applied migration: add V2__... instead.

CREATE SCHEMA IF NOT EXISTS bronze;
CREATE SCHEMA IF NOT EXISTS silver;

-- Every candle as received, websocket updates and REST fills alike. Duplicates and unfinished
-- rows are expected here by design; silver picks one final row per minute.
-- The table name (ohclv) is the one the users have, spelled exactly so.
CREATE TABLE bronze.bronze_ohclv_native (
    exchange          text             NOT NULL,
    symbol            text             NOT NULL,   -- exchange-native, e.g. BTCUSDT
    interval_seconds  integer          NOT NULL CHECK (interval_seconds > 0),
    interval_start    timestamptz      NOT NULL,
    interval_end      timestamptz      NOT NULL,
    open              double precision NOT NULL,
    high              double precision NOT NULL,
    low               double precision NOT NULL,
    close             double precision NOT NULL,
    volume            double precision NOT NULL,
    quote_volume      double precision,            -- the exchange's quote volume; null where it gives none
    vwap              double precision,            -- null where unknown or volume is 0
    trade_count       integer,                     -- null where the exchange gives none
    source            text             NOT NULL CHECK (source IN ('websocket', 'rest')),
    ingestion_ts      timestamptz      NOT NULL,   -- websocket: received_at; rest: fetch time
    -- The interval is over and these values are the exchange's last word: the exchange marked it
    -- closed (Binance k.x), or, for exchanges with no such mark, a later interval was seen on the
    -- same stream, or it came from REST for a minute already over.
    is_final          boolean          NOT NULL,
    CHECK (interval_end = interval_start + make_interval(secs => interval_seconds))
);

CREATE INDEX bronze_ohclv_native_lookup
    ON bronze.bronze_ohclv_native (exchange, symbol, interval_start);

-- Minutes that bronze-rest asked the exchange for and got no candle: an empty minute is not a
-- missing minute, and must not be fetched forever.
CREATE TABLE bronze.rest_checked_minutes (
    exchange          text        NOT NULL,
    symbol            text        NOT NULL,
    interval_seconds  integer     NOT NULL,
    interval_start    timestamptz NOT NULL,
    checked_at        timestamptz NOT NULL,
    PRIMARY KEY (exchange, symbol, interval_seconds, interval_start)
);

-- One de-duplicated, final candle per exchange, canonical pair and interval.
CREATE TABLE silver.fact_ohlcv (
    exchange          text             NOT NULL,
    symbol            text             NOT NULL,   -- canonical BASE-QUOTE, e.g. BTC-USDT
    quote_asset       text             NOT NULL,
    interval_seconds  integer          NOT NULL,
    interval_start    timestamptz      NOT NULL,
    interval_end      timestamptz      NOT NULL,
    open              double precision NOT NULL,
    high              double precision NOT NULL,
    low               double precision NOT NULL,
    close             double precision NOT NULL,
    volume            double precision NOT NULL,
    quote_volume      double precision,
    trade_count       integer,
    vwap              double precision,
    source            text             NOT NULL,
    ingestion_ts      timestamptz      NOT NULL,
    PRIMARY KEY (exchange, symbol, interval_seconds, interval_start)
);

CREATE INDEX fact_ohlcv_by_time ON silver.fact_ohlcv (symbol, interval_start);
