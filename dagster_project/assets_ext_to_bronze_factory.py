"""One asset per exchange pair: the engine's captured WebSocket candles (JSONL) loaded into bronze."""

from dagster import AssetExecutionContext, AssetsDefinition, MaterializeResult, PartitionsDefinition, asset

from dagster_project.config import Exchange, Pair, PipelineConfig
from dagster_project.keys import BRONZE_GROUP, ext_to_bronze_key
from dagster_project.resources import KlineWorkerResource

def build_ext_to_bronze_assets(config: PipelineConfig, partitions_def: PartitionsDefinition) -> list[AssetsDefinition]:
    """One `ext-to-bronze` asset per configured (exchange, native symbol)."""
    return [_ext_to_bronze_asset(exchange, pair, partitions_def) for exchange in config.exchanges for pair in exchange.pairs]


def _ext_to_bronze_asset(exchange: Exchange, pair: Pair, partitions_def: PartitionsDefinition) -> AssetsDefinition:
    @asset(
        key=ext_to_bronze_key(exchange.name, pair.symbol),
        group_name=BRONZE_GROUP,
        partitions_def=partitions_def,
        kinds={"java", "postgres"},
        metadata={"exchange": exchange.name, "symbol": pair.symbol},
    )
    def ext_to_bronze(context: AssetExecutionContext, kline_worker: KlineWorkerResource) -> MaterializeResult:
        """Candles the ingestion engine captured from the exchange's WebSocket (JSONL files of the
        hour, by received_at), every update as received, in bronze.bronze_ohclv_native with
        source 'websocket'. Malformed lines go to the dead-letter folder."""
        return kline_worker.run(context, "ext-to-bronze", exchange=exchange.name, symbol=pair.symbol)

    return ext_to_bronze
