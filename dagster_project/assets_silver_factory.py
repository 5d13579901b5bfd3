"""One asset per canonical pair: final candles of every exchange listing it, in silver.

All canonical pairs form one subsettable batch, merged by a single worker launch."""

from dagster import AssetCheckSpec, AssetsDefinition, AssetSpec, PartitionsDefinition

from dagster_project.batches import worker_batch
from dagster_project.config import PipelineConfig
from dagster_project.keys import NO_MISSING_MINUTES_CHECK, SILVER_BATCH_NAME, SILVER_GROUP, bronze_rest_key, silver_key
from dagster_project.targets import WorkerTarget

_DESCRIPTION = (
    "One final candle per exchange and minute for this canonical pair in silver.fact_ohlcv, chosen "
    "from the final rows bronze holds for the window by the exchange's source precedence."
)
_CHECK_DESCRIPTION = (
    "Every minute of the partition that is over has a final candle from every exchange listing "
    "the pair (warns otherwise)."
)


def build_silver_assets(config: PipelineConfig, partitions_def: PartitionsDefinition) -> list[AssetsDefinition]:
    """One `silver` asset per canonical pair, after the `bronze-rest` asset of every listing, in one batch."""
    targets = [WorkerTarget(silver_key(c), c, checks=(NO_MISSING_MINUTES_CHECK,)) for c in config.canonical_pairs()]
    if not targets:
        return []
    return [
        worker_batch(
            name=SILVER_BATCH_NAME,
            subcommand="silver",
            description="Merges the selected canonical pairs, every exchange listing them, into silver, in one worker launch.",
            targets=targets,
            specs=[_spec(config, target) for target in targets],
            check_specs=[AssetCheckSpec(NO_MISSING_MINUTES_CHECK, asset=t.key, description=_CHECK_DESCRIPTION) for t in targets],
            partitions_def=partitions_def,
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
    )
