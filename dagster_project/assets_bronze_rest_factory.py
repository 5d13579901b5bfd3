"""One asset per exchange pair: the minutes the WebSocket capture missed, fetched from REST."""

from dagster import AssetCheckSpec, AssetExecutionContext, AssetsDefinition, MaterializeResult, PartitionsDefinition, asset

from dagster_project.config import Exchange, Pair, PipelineConfig
from dagster_project.keys import BRONZE_GROUP, NO_MISSING_MINUTES_CHECK, bronze_rest_key, ext_to_bronze_key
from dagster_project.resources import KlineWorkerResource

_CHECK_DESCRIPTION = (
    "Every minute of the partition that is over has a final candle in bronze for this exchange "
    "pair (warns otherwise: the exchange may not have the minute yet)."
)


def build_bronze_rest_assets(config: PipelineConfig, partitions_def: PartitionsDefinition) -> list[AssetsDefinition]:
    """One `bronze-rest` asset per configured (exchange, native symbol), after its `ext-to-bronze` asset."""
    return [_bronze_rest_asset(exchange, pair, partitions_def) for exchange in config.exchanges for pair in exchange.pairs]


def _bronze_rest_asset(exchange: Exchange, pair: Pair, partitions_def: PartitionsDefinition) -> AssetsDefinition:
    key = bronze_rest_key(exchange.name, pair.symbol)

    @asset(
        key=key,
        check_specs=[AssetCheckSpec(NO_MISSING_MINUTES_CHECK, asset=key, description=_CHECK_DESCRIPTION)],
        group_name=BRONZE_GROUP,
        deps=[ext_to_bronze_key(exchange.name, pair.symbol)],
        partitions_def=partitions_def,
        kinds={"java", "postgres"},
        metadata={"exchange": exchange.name, "symbol": pair.symbol},
    )
    def bronze_rest(context: AssetExecutionContext, kline_worker: KlineWorkerResource) -> MaterializeResult:
        """Minutes of the window that bronze holds no final candle for, fetched from the exchange's
        REST API into bronze.bronze_ohclv_native with source 'rest'. Minutes the exchange has no
        candle for are recorded as checked, so they are not asked for again."""
        return kline_worker.run(
            context, "bronze-rest", exchange=exchange.name, symbol=pair.symbol, checks=[NO_MISSING_MINUTES_CHECK]
        )

    return bronze_rest
