from collections.abc import Callable
from datetime import timedelta

from dagster import AssetsDefinition, BackfillPolicy, HourlyPartitionsDefinition

from dagster_project.assets_bronze_rest_factory import build_bronze_rest_assets
from dagster_project.assets_ext_to_bronze_factory import build_ext_to_bronze_assets
from dagster_project.assets_silver_factory import build_silver_assets
from dagster_project.config import PipelineConfig
from dagster_project.partitions import hourly_partitions
from dagster_project.tests.conftest import TWO_BINANCE_PAIRS

OKX_LISTING_BTC_USDT = TWO_BINANCE_PAIRS.replace(
    "storage:",
    "  okx:\n    ws_url: wss://ws.okx.com:8443\n    rest_url: https://www.okx.com\n    pairs: [BTC-USDT]\nstorage:",
)


def _all_assets(config: PipelineConfig) -> list[AssetsDefinition]:
    partitions_def = hourly_partitions(config)
    return [
        *build_ext_to_bronze_assets(config, partitions_def),
        *build_bronze_rest_assets(config, partitions_def),
        *build_silver_assets(config, partitions_def),
    ]


def _deps(assets: list[AssetsDefinition]) -> dict[str, set[str]]:
    return {k.to_user_string(): {d.to_user_string() for d in a.asset_deps[k]} for a in assets for k in a.keys}


def test_generates_a_websocket_and_a_rest_bronze_asset_per_pair_and_a_silver_asset_per_canonical_pair(
    write_pipeline_config: Callable[[str], PipelineConfig],
) -> None:
    assets = _all_assets(write_pipeline_config(TWO_BINANCE_PAIRS))

    assert _deps(assets) == {
        "bronze/binance_btcusdt_ws": set(),
        "bronze/binance_ethusdt_ws": set(),
        "bronze/binance_btcusdt_rest": {"bronze/binance_btcusdt_ws"},
        "bronze/binance_ethusdt_rest": {"bronze/binance_ethusdt_ws"},
        "silver/btc_usdt": {"bronze/binance_btcusdt_rest"},
        "silver/eth_usdt": {"bronze/binance_ethusdt_rest"},
    }
    groups = {k.to_user_string(): a.group_names_by_key[k] for a in assets for k in a.keys}
    assert groups == {key: key.split("/")[0] for key in groups}


def test_silver_depends_on_the_rest_asset_of_every_exchange_listing_the_pair(
    write_pipeline_config: Callable[[str], PipelineConfig],
) -> None:
    deps = _deps(_all_assets(write_pipeline_config(OKX_LISTING_BTC_USDT)))

    assert deps["bronze/okx_btc_usdt_rest"] == {"bronze/okx_btc_usdt_ws"}
    assert deps["silver/btc_usdt"] == {"bronze/binance_btcusdt_rest", "bronze/okx_btc_usdt_rest"}
    assert deps["silver/eth_usdt"] == {"bronze/binance_ethusdt_rest"}


def test_every_asset_shares_one_hourly_partitioning_from_partitions_start(
    write_pipeline_config: Callable[[str], PipelineConfig],
) -> None:
    assets = _all_assets(write_pipeline_config(TWO_BINANCE_PAIRS.replace("2026-11-01T00:00:00Z", "2026-11-24T10:00:00Z")))

    partitions = {a.partitions_def for a in assets}
    assert len(partitions) == 1
    partitions_def = partitions.pop()
    assert isinstance(partitions_def, HourlyPartitionsDefinition)
    assert partitions_def.get_first_partition_key() == "2026-11-24-10:00"
    window = partitions_def.time_window_for_partition_key("2026-11-24-10:00")
    assert (window.start.isoformat(), window.end.isoformat()) == ("2026-11-24T10:00:00+00:00", "2026-11-24T11:00:00+00:00")


def test_assets_need_the_worker_resource_and_describe_themselves(
    write_pipeline_config: Callable[[str], PipelineConfig],
) -> None:
    for asset in _all_assets(write_pipeline_config(TWO_BINANCE_PAIRS)):
        assert "kline_worker" in asset.required_resource_keys
        assert all(asset.descriptions_by_key[k] for k in asset.keys)


def test_the_pairs_of_one_exchange_and_layer_share_one_subsettable_step(
    write_pipeline_config: Callable[[str], PipelineConfig],
) -> None:
    assets = _all_assets(write_pipeline_config(OKX_LISTING_BTC_USDT))

    steps = {a.node_def.name: sorted(k.to_user_string() for k in a.keys) for a in assets}
    assert steps == {
        "ext_to_bronze_binance": ["bronze/binance_btcusdt_ws", "bronze/binance_ethusdt_ws"],
        "ext_to_bronze_okx": ["bronze/okx_btc_usdt_ws"],
        "bronze_rest_binance": ["bronze/binance_btcusdt_rest", "bronze/binance_ethusdt_rest"],
        "bronze_rest_okx": ["bronze/okx_btc_usdt_rest"],
        "silver_merge": ["silver/btc_usdt", "silver/eth_usdt"],
    }
    assert all(a.can_subset for a in assets)


def test_rest_backfills_share_one_pool_per_exchange_and_every_batch_backfills_a_range_in_one_run(
    write_pipeline_config: Callable[[str], PipelineConfig],
) -> None:
    assets = _all_assets(write_pipeline_config(OKX_LISTING_BTC_USDT))

    pools = {a.node_def.name: a.node_def.pool for a in assets}
    assert pools == {
        "ext_to_bronze_binance": None,
        "ext_to_bronze_okx": None,
        "bronze_rest_binance": "rest_binance",
        "bronze_rest_okx": "rest_okx",
        "silver_merge": None,
    }
    assert all(a.backfill_policy == BackfillPolicy.single_run() for a in assets)


def test_assets_are_tagged_with_exchange_pair_and_layer(write_pipeline_config: Callable[[str], PipelineConfig]) -> None:
    assets = _all_assets(write_pipeline_config(OKX_LISTING_BTC_USDT))

    tags = {
        k.to_user_string(): {n: v for n, v in a.specs_by_key[k].tags.items() if not n.startswith("dagster/kind/")}
        for a in assets
        for k in a.keys
    }
    assert tags["bronze/okx_btc_usdt_ws"] == {"exchange": "okx", "pair": "BTC-USDT", "layer": "bronze_ws"}
    assert tags["bronze/binance_ethusdt_rest"] == {"exchange": "binance", "pair": "ETH-USDT", "layer": "bronze_rest"}
    assert tags["silver/btc_usdt"] == {"pair": "BTC-USDT", "layer": "silver"}


def test_every_asset_carries_the_workers_version_as_its_code_version(
    write_pipeline_config: Callable[[str], PipelineConfig],
) -> None:
    config = write_pipeline_config(OKX_LISTING_BTC_USDT)

    versions = {a.code_versions_by_key[k] for a in _all_assets(config) for k in a.keys}

    assert versions == {config.worker_version}
    assert config.worker_version.startswith("0."), "the jar's Implementation-Version, from the Maven project version"


def test_silver_assets_fail_freshness_after_fifteen_minutes_without_a_materialization(
    write_pipeline_config: Callable[[str], PipelineConfig],
) -> None:
    assets = _all_assets(write_pipeline_config(TWO_BINANCE_PAIRS))

    policies = {k.to_user_string(): a.specs_by_key[k].freshness_policy for a in assets for k in a.keys}

    assert {key for key, policy in policies.items() if policy is not None} == {"silver/btc_usdt", "silver/eth_usdt"}
    assert policies["silver/btc_usdt"].fail_window.to_timedelta() == timedelta(minutes=15)
