"""Asset keys and group names, in one place: the factories and the tests build keys only here."""

from __future__ import annotations

import re

from dagster import AssetKey

BRONZE_GROUP = "bronze"
SILVER_GROUP = "silver"

# Asset checks, reported by the worker under these names (java-workers' CheckNames); WARN when failed unless said.
# bronze-rest, silver: every minute of the window that is over has a final candle (silver: per venue).
NO_MISSING_MINUTES_CHECK = "no_missing_minutes"
# ext-to-bronze: dead-lettered lines / lines of the window <= checks.max_dead_letter_share.
DEAD_LETTER_SHARE_CHECK = "dead_letter_share"
# silver: no two rows per (exchange, symbol, interval_seconds, interval_start) in the window.
ONE_ROW_PER_KEY_CHECK = "one_row_per_key"
# silver: low <= min(open, close) <= max(open, close) <= high, and volume >= 0, in every row.
OHLC_CONSISTENT_CHECK = "ohlc_consistent"
# silver: no venue's close farther than checks.max_close_divergence from the other venues' median.
CROSS_VENUE_DIVERGENCE_CHECK = "cross_venue_divergence"
# silver: every venue's newest minute in silver ended at most checks.max_silver_lag_seconds ago (ERROR when failed).
NEWEST_MINUTE_FRESH_CHECK = "newest_minute_fresh"


def ext_to_bronze_key(exchange: str, symbol: str) -> AssetKey:
    """bronze/<exchange>_<symbol>_ws: the pair's captured WebSocket candles."""
    return AssetKey([BRONZE_GROUP, f"{_part(exchange)}_{_part(symbol)}_ws"])


def bronze_rest_key(exchange: str, symbol: str) -> AssetKey:
    """bronze/<exchange>_<symbol>_rest: the pair's minutes filled from the exchange's REST API."""
    return AssetKey([BRONZE_GROUP, f"{_part(exchange)}_{_part(symbol)}_rest"])


def silver_key(canonical: str) -> AssetKey:
    """silver/<base>_<quote>: one canonical pair across exchanges."""
    return AssetKey([SILVER_GROUP, _part(canonical)])


def _part(text: str) -> str:
    # Asset key parts allow letters, digits and underscores; symbols may carry - _ / (BTC-USD, BTC/USD).
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def ext_to_bronze_batch_name(exchange: str) -> str:
    """The step that loads every selected pair of one exchange into bronze."""
    return f"ext_to_bronze_{_part(exchange)}"


def bronze_rest_batch_name(exchange: str) -> str:
    """The step that fills every selected pair of one exchange from its REST API."""
    return f"bronze_rest_{_part(exchange)}"


SILVER_BATCH_NAME = "silver_merge"


def rest_pool(exchange: str) -> str:
    """The Dagster pool of one exchange's REST backfills (limit 1 per pool in `make run`'s instance)."""
    return f"rest_{_part(exchange)}"
