"""One asset per exchange pair: the engine's captured WebSocket candles (JSONL) loaded into bronze.

The assets of one exchange form one subsettable batch, loaded by a single worker launch."""

from dagster import AssetCheckSpec, AssetsDefinition, PartitionsDefinition

from dagster_project.batches import exchange_pair_specs, worker_batch
from dagster_project.config import Exchange, PipelineConfig
from dagster_project.keys import BRONZE_GROUP, DEAD_LETTER_SHARE_CHECK, ext_to_bronze_batch_name, ext_to_bronze_key
from dagster_project.targets import WorkerTarget

_DESCRIPTION = (
    "Candles the ingestion engine captured from the exchange's WebSocket (JSONL files of the hour, "
    "by received_at), every update as received, in bronze.bronze_ohclv_native with source "
    "'websocket'. Malformed lines go to the dead-letter folder."
)
_CHECK_DESCRIPTION = (
    "At most checks.max_dead_letter_share (pipeline.yaml, default 0.01) of the lines read for the "
    "window were dead-lettered (warns otherwise, listing the first refused lines and the dead-letter file)."
)


def build_ext_to_bronze_assets(config: PipelineConfig, partitions_def: PartitionsDefinition) -> list[AssetsDefinition]:
    """One `ext-to-bronze` asset per configured (exchange, native symbol), batched per exchange."""
    return [_exchange_batch(exchange, partitions_def, config.worker_version) for exchange in config.exchanges]


def _exchange_batch(exchange: Exchange, partitions_def: PartitionsDefinition, code_version: str) -> AssetsDefinition:
    targets = [
        WorkerTarget(ext_to_bronze_key(exchange.name, p.symbol), p.symbol, exchange.name, checks=(DEAD_LETTER_SHARE_CHECK,))
        for p in exchange.pairs
    ]
    return worker_batch(
        name=ext_to_bronze_batch_name(exchange.name),
        subcommand="ext-to-bronze",
        description=f"Loads the selected {exchange.name} pairs' captured candles into bronze, in one worker launch.",
        targets=targets,
        specs=exchange_pair_specs(
            exchange, targets, group=BRONZE_GROUP, layer="bronze_ws", description=_DESCRIPTION
        ),
        check_specs=[AssetCheckSpec(DEAD_LETTER_SHARE_CHECK, asset=t.key, description=_CHECK_DESCRIPTION) for t in targets],
        partitions_def=partitions_def,
        code_version=code_version,
    )
