"""One asset per exchange pair: the minutes the WebSocket capture missed, fetched from REST.

The assets of one exchange form one subsettable batch, filled by a single worker launch (pairs one
after another, so the batch asks the venue no faster than one pair would)."""

from dagster import AssetCheckSpec, AssetsDefinition, PartitionsDefinition

from dagster_project.batches import exchange_pair_specs, worker_batch
from dagster_project.config import Exchange, PipelineConfig
from dagster_project.keys import (
    BRONZE_GROUP,
    NO_MISSING_MINUTES_CHECK,
    bronze_rest_batch_name,
    bronze_rest_key,
    ext_to_bronze_key,
    rest_pool,
)
from dagster_project.targets import WorkerTarget

_DESCRIPTION = (
    "Minutes of the window that bronze holds no final candle for, fetched from the exchange's REST "
    "API into bronze.bronze_ohclv_native with source 'rest'. Minutes the exchange has no candle for "
    "are recorded as checked, so they are not asked for again."
)
_CHECK_DESCRIPTION = (
    "Every minute of the partition that is over has a final candle in bronze for this exchange "
    "pair, minutes the exchange has no candle for excused (warns otherwise). The metadata splits "
    "the minutes without a candle: empty (the exchange has none), unfillable (beyond its REST "
    "history) and failed (not published yet, or the run stopped: asked again next run)."
)


def build_bronze_rest_assets(config: PipelineConfig, partitions_def: PartitionsDefinition) -> list[AssetsDefinition]:
    """One `bronze-rest` asset per configured (exchange, native symbol), after its `ext-to-bronze` asset, batched per exchange."""
    return [_exchange_batch(exchange, partitions_def, config.worker_version) for exchange in config.exchanges]


def _exchange_batch(exchange: Exchange, partitions_def: PartitionsDefinition, code_version: str) -> AssetsDefinition:
    targets = [
        WorkerTarget(bronze_rest_key(exchange.name, p.symbol), p.symbol, exchange.name, checks=(NO_MISSING_MINUTES_CHECK,))
        for p in exchange.pairs
    ]
    return worker_batch(
        name=bronze_rest_batch_name(exchange.name),
        subcommand="bronze-rest",
        description=f"Fills the selected {exchange.name} pairs' missing minutes from its REST API, in one worker launch.",
        targets=targets,
        specs=exchange_pair_specs(
            exchange,
            targets,
            group=BRONZE_GROUP,
            layer="bronze_rest",
            description=_DESCRIPTION,
            deps=lambda target: [ext_to_bronze_key(exchange.name, target.symbol)],
        ),
        check_specs=[AssetCheckSpec(NO_MISSING_MINUTES_CHECK, asset=t.key, description=_CHECK_DESCRIPTION) for t in targets],
        partitions_def=partitions_def,
        code_version=code_version,
        # One venue's rate limit, shared by every run: a large backfill cannot multiply it by the number of runs.
        pool=rest_pool(exchange.name),
    )
