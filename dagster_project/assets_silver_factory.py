"""One asset per canonical pair: final candles of every exchange listing it, in silver.

All canonical pairs form one subsettable batch, merged by a single worker launch."""

from datetime import timedelta

from dagster import AssetCheckSpec, AssetsDefinition, AssetSpec, FreshnessPolicy, PartitionsDefinition

from dagster_project.batches import worker_batch
from dagster_project.config import PipelineConfig
from dagster_project.keys import (
    CROSS_VENUE_DIVERGENCE_CHECK,
    NEWEST_MINUTE_FRESH_CHECK,
    NO_MISSING_MINUTES_CHECK,
    OHLC_CONSISTENT_CHECK,
    ONE_ROW_PER_KEY_CHECK,
    SILVER_BATCH_NAME,
    SILVER_GROUP,
    bronze_rest_key,
    silver_key,
)
from dagster_project.targets import WorkerTarget

# The sensor makes a finished minute silver within about five minutes while the engine captures;
# no new materialization for this long means the capture or the pipeline has stopped. Dagster's
# freshness daemon evaluates it continuously, also when no run happens (which is the failure).
SILVER_FRESHNESS = FreshnessPolicy.time_window(fail_window=timedelta(minutes=15), warn_window=timedelta(minutes=8))

_DESCRIPTION = (
    "One final candle per exchange and minute for this canonical pair in silver.fact_ohlcv, chosen "
    "from the final rows bronze holds for the window by the exchange's source precedence."
)
# Every silver asset declares these; the worker reports each, naming what failed.
_CHECK_DESCRIPTIONS = {
    NO_MISSING_MINUTES_CHECK: (
        "Every minute of the partition that is over has a final candle from every exchange listing "
        "the pair (warns otherwise, with the missing minutes per exchange)."
    ),
    ONE_ROW_PER_KEY_CHECK: (
        "No two rows share (exchange, symbol, interval_seconds, interval_start) in the partition "
        "(the table's key guarantees it; checked by SQL anyway), naming any duplicated key."
    ),
    OHLC_CONSISTENT_CHECK: (
        "low <= min(open, close) <= max(open, close) <= high and volume >= 0 in every row of the "
        "partition (warns otherwise, listing the first offending rows and their count)."
    ),
    CROSS_VENUE_DIVERGENCE_CHECK: (
        "No venue's close lies farther than checks.max_close_divergence (pipeline.yaml, default 0.02) "
        "from the median close of the other venues for the same minute; with two venues each is "
        "compared with the other, with one there is nothing to compare. Warns naming venue and minutes."
    ),
    NEWEST_MINUTE_FRESH_CHECK: (
        "Every exchange listing the pair has a minute in silver that ended at most "
        "checks.max_silver_lag_seconds (pipeline.yaml, default 600) before the run, whatever partition "
        "it merged: fails (ERROR) naming the stale exchanges and each one's newest minute and lag."
    ),
}


def build_silver_assets(config: PipelineConfig, partitions_def: PartitionsDefinition) -> list[AssetsDefinition]:
    """One `silver` asset per canonical pair, after the `bronze-rest` asset of every listing, in one batch."""
    targets = [WorkerTarget(silver_key(c), c, checks=tuple(_CHECK_DESCRIPTIONS)) for c in config.canonical_pairs()]
    if not targets:
        return []
    return [
        worker_batch(
            name=SILVER_BATCH_NAME,
            subcommand="silver",
            description="Merges the selected canonical pairs, every exchange listing them, into silver, in one worker launch.",
            targets=targets,
            specs=[_spec(config, target) for target in targets],
            check_specs=[
                AssetCheckSpec(name, asset=t.key, description=description)
                for t in targets
                for name, description in _CHECK_DESCRIPTIONS.items()
            ],
            partitions_def=partitions_def,
            code_version=config.worker_version,
        )
    ]


def _spec(config: PipelineConfig, target: WorkerTarget) -> AssetSpec:
    listings = config.listings(target.symbol)
    return AssetSpec(
        target.key,
        group_name=SILVER_GROUP,
        description=_DESCRIPTION,
        deps=[bronze_rest_key(exchange.name, pair.symbol) for exchange, pair in listings],
        kinds={"java", "postgres"},
        metadata={"symbol": target.symbol, "exchanges": ", ".join(exchange.name for exchange, _ in listings)},
        tags={"pair": target.symbol, "layer": "silver"},
        freshness_policy=SILVER_FRESHNESS,
    )
