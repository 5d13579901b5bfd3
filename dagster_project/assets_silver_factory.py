"""One asset per canonical pair: final candles of every exchange listing it, in silver."""

from dagster import AssetCheckSpec, AssetExecutionContext, AssetsDefinition, MaterializeResult, PartitionsDefinition, asset

from dagster_project.config import PipelineConfig
from dagster_project.keys import NO_MISSING_MINUTES_CHECK, SILVER_GROUP, bronze_rest_key, silver_key
from dagster_project.resources import KlineWorkerResource

_CHECK_DESCRIPTION = (
    "Every minute of the partition that is over has a final candle from every exchange listing "
    "the pair (warns otherwise)."
)


def build_silver_assets(config: PipelineConfig, partitions_def: PartitionsDefinition) -> list[AssetsDefinition]:
    """One `silver` asset per canonical pair, after the `bronze-rest` asset of every listing."""
    return [_silver_asset(config, canonical, partitions_def) for canonical in config.canonical_pairs()]


def _silver_asset(config: PipelineConfig, canonical: str, partitions_def: PartitionsDefinition) -> AssetsDefinition:
    listings = config.listings(canonical)

    key = silver_key(canonical)

    @asset(
        key=key,
        check_specs=[AssetCheckSpec(NO_MISSING_MINUTES_CHECK, asset=key, description=_CHECK_DESCRIPTION)],
        group_name=SILVER_GROUP,
        deps=[bronze_rest_key(exchange.name, pair.symbol) for exchange, pair in listings],
        partitions_def=partitions_def,
        kinds={"java", "postgres"},
        metadata={"symbol": canonical, "exchanges": ", ".join(exchange.name for exchange, _ in listings)},
    )
    def silver(context: AssetExecutionContext, kline_worker: KlineWorkerResource) -> MaterializeResult:
        """One final candle per exchange and minute for this canonical pair in silver.fact_ohlcv,
        chosen from the final rows bronze holds for the window, whichever source they came from."""
        return kline_worker.run(
            context, "silver", symbol=canonical, checks=[NO_MISSING_MINUTES_CHECK]
        )

    return silver
