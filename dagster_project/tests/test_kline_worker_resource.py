"""The resource's side of the contract, against a stand-in worker that speaks Pipes (dagster_pipes)."""

import stat
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from dagster import AssetsDefinition, materialize

from dagster_project.assets_bronze_rest_factory import build_bronze_rest_assets
from dagster_project.assets_silver_factory import build_silver_assets
from dagster_project.config import PipelineConfig
from dagster_project.keys import (
    CROSS_VENUE_DIVERGENCE_CHECK,
    NEWEST_MINUTE_FRESH_CHECK,
    NO_MISSING_MINUTES_CHECK,
    OHLC_CONSISTENT_CHECK,
    ONE_ROW_PER_KEY_CHECK,
    bronze_rest_key,
    silver_key,
)
from dagster_project.partitions import hourly_partitions
from dagster_project.resources import KlineWorkerResource
from dagster_project.worker_jvm import DEFAULT_WORKER_JVM_OPTIONS
from dagster_project.tests.conftest import TWO_BINANCE_PAIRS

# Stands in for `java`: reports, as metadata, the command line, the extras and the window it was given.
STAND_IN_WORKER = f"""#!{sys.executable}
import json, os, sys
from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as pipes:
    for stream in pipes.extras["streams"]:  # as the real worker: each asset of the batch, and its checks
        pipes.report_asset_materialization(asset_key=stream["asset_key"], metadata={{
            "argv": {{"raw_value": sys.argv[1:], "type": "json"}},
            "extras": {{"raw_value": pipes.extras, "type": "json"}},
            "database_url": os.environ.get("KLINE_DATABASE_URL"),
            "rows": {{"raw_value": 7, "type": "int"}},
        }})
        for check in stream["checks"]:
            pipes.report_asset_check(asset_key=stream["asset_key"], check_name=check, passed=True)
"""


@pytest.fixture
def stand_in_java(tmp_path: Path) -> Path:
    path = tmp_path / "java"
    path.write_text(STAND_IN_WORKER, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _reported(assets: list[AssetsDefinition], resource: KlineWorkerResource, **kwargs: object) -> dict:
    """The metadata the stand-in reported (for the first asset), the partitions Dagster recorded,
    the assets materialized and the checks evaluated."""
    result = materialize(assets, resources={"kline_worker": resource}, **kwargs)
    events = result.get_asset_materialization_events()
    metadata = {name: value.value for name, value in events[0].materialization.metadata.items()}
    return {
        **metadata,
        "partitions": sorted({e.partition for e in events}),
        "assets": sorted({e.asset_key.to_user_string() for e in events}),
        "checks": sorted(f"{c.asset_key.to_user_string()}:{c.check_name}" for c in result.get_asset_check_evaluations()),
    }


def test_launches_the_subcommand_once_for_the_batch_with_every_selected_stream_and_the_partition_window(
    write_pipeline_config: Callable[[str], PipelineConfig], stand_in_java: Path, tmp_path: Path
) -> None:
    config = write_pipeline_config(TWO_BINANCE_PAIRS)
    (rest_binance,) = build_bronze_rest_assets(config, hourly_partitions(config))
    resource = KlineWorkerResource(
        database_url="postgresql://u:p@db:5432/kline", worker_jar="w.jar", pipeline_config=str(config.path), java=str(stand_in_java)
    )

    reported = _reported([rest_binance], resource, partition_key="2026-11-24-10:00")

    assert reported["argv"] == [*DEFAULT_WORKER_JVM_OPTIONS, "-jar", str(Path("w.jar").resolve()), "--config", str(config.path), "bronze-rest"]
    assert reported["extras"] == {
        "window_start": "2026-11-24T10:00:00+00:00",
        "window_end": "2026-11-24T11:00:00+00:00",
        "streams": [
            {"asset_key": "bronze/binance_btcusdt_rest", "symbol": "BTCUSDT", "exchange": "binance", "checks": ["no_missing_minutes"]},
            {"asset_key": "bronze/binance_ethusdt_rest", "symbol": "ETHUSDT", "exchange": "binance", "checks": ["no_missing_minutes"]},
        ],
    }
    assert reported["database_url"] == "postgresql://u:p@db:5432/kline"
    assert reported["rows"] == 7
    assert reported["partitions"] == ["2026-11-24-10:00"]
    assert reported["assets"] == ["bronze/binance_btcusdt_rest", "bronze/binance_ethusdt_rest"]
    assert reported["checks"] == ["bronze/binance_btcusdt_rest:no_missing_minutes", "bronze/binance_ethusdt_rest:no_missing_minutes"]


def test_a_selection_passes_only_the_selected_assets_and_checks(
    write_pipeline_config: Callable[[str], PipelineConfig], stand_in_java: Path
) -> None:
    config = write_pipeline_config(TWO_BINANCE_PAIRS)
    (rest_binance,) = build_bronze_rest_assets(config, hourly_partitions(config))
    eth = bronze_rest_key("binance", "ETHUSDT")
    resource = KlineWorkerResource(database_url="x", pipeline_config=str(config.path), java=str(stand_in_java))

    reported = _reported([rest_binance], resource, selection=[eth], partition_key="2026-11-24-10:00")

    assert reported["extras"]["streams"] == [
        {"asset_key": "bronze/binance_ethusdt_rest", "symbol": "ETHUSDT", "exchange": "binance", "checks": ["no_missing_minutes"]},
    ]
    assert reported["assets"] == ["bronze/binance_ethusdt_rest"]
    assert reported["checks"] == ["bronze/binance_ethusdt_rest:no_missing_minutes"]


def test_a_run_over_a_partition_range_passes_the_whole_range_as_one_window(
    write_pipeline_config: Callable[[str], PipelineConfig], stand_in_java: Path
) -> None:
    config = write_pipeline_config(TWO_BINANCE_PAIRS)
    (silver,) = build_silver_assets(config, hourly_partitions(config))
    resource = KlineWorkerResource(database_url="jdbc:postgresql://db/kline", pipeline_config=str(config.path), java=str(stand_in_java))

    reported = _reported(
        [silver],
        resource,
        selection=[silver_key("BTC-USDT")],
        tags={"dagster/asset_partition_range_start": "2026-11-24-10:00", "dagster/asset_partition_range_end": "2026-11-24-12:00"},
    )

    silver_checks = [
        NO_MISSING_MINUTES_CHECK, ONE_ROW_PER_KEY_CHECK, OHLC_CONSISTENT_CHECK, CROSS_VENUE_DIVERGENCE_CHECK, NEWEST_MINUTE_FRESH_CHECK
    ]
    assert reported["partitions"] == ["2026-11-24-10:00", "2026-11-24-11:00", "2026-11-24-12:00"]
    assert reported["argv"][-1] == "silver"
    assert reported["extras"] == {
        "window_start": "2026-11-24T10:00:00+00:00",
        "window_end": "2026-11-24T13:00:00+00:00",
        "streams": [{"asset_key": "silver/btc_usdt", "symbol": "BTC-USDT", "checks": silver_checks}],
    }


def test_the_jar_and_config_default_to_the_environment_then_the_repository(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, write_pipeline_config: Callable[[str], PipelineConfig], stand_in_java: Path
) -> None:
    config = write_pipeline_config(TWO_BINANCE_PAIRS)
    monkeypatch.setenv("KLINE_WORKER_JAR", str(tmp_path / "elsewhere.jar"))
    monkeypatch.setenv("KLINE_PIPELINE_CONFIG", str(config.path))
    (rest_binance,) = build_bronze_rest_assets(config, hourly_partitions(config))

    reported = _reported(
        [rest_binance], KlineWorkerResource(database_url="x", java=str(stand_in_java)), partition_key="2026-11-24-10:00"
    )

    assert reported["argv"][-5:-1] == ["-jar", str(tmp_path / "elsewhere.jar"), "--config", str(config.path)]


# Stands in for a worker whose batch partly failed: it reports the first stream, then exits 4.
PARTLY_FAILING_WORKER = f"""#!{sys.executable}
import sys
from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as pipes:
    stream = pipes.extras["streams"][0]
    pipes.report_asset_materialization(asset_key=stream["asset_key"], metadata={{"rows": {{"raw_value": 1, "type": "int"}}}})
    for check in stream["checks"]:
        pipes.report_asset_check(asset_key=stream["asset_key"], check_name=check, passed=True)
sys.exit(4)
"""


def test_when_part_of_a_batch_fails_the_pairs_that_were_done_keep_their_materializations(
    write_pipeline_config: Callable[[str], PipelineConfig], tmp_path: Path
) -> None:
    config = write_pipeline_config(TWO_BINANCE_PAIRS)
    (rest_binance,) = build_bronze_rest_assets(config, hourly_partitions(config))
    java = tmp_path / "partly-failing-java"
    java.write_text(PARTLY_FAILING_WORKER, encoding="utf-8")
    java.chmod(java.stat().st_mode | stat.S_IXUSR)
    resource = KlineWorkerResource(database_url="x", pipeline_config=str(config.path), java=str(java), max_retries=0)

    result = materialize(
        [rest_binance], resources={"kline_worker": resource}, partition_key="2026-11-24-10:00", raise_on_error=False
    )

    assert not result.success
    assert [e.asset_key.to_user_string() for e in result.get_asset_materialization_events()] == ["bronze/binance_btcusdt_rest"]
    assert [c.asset_key.to_user_string() for c in result.get_asset_check_evaluations()] == ["bronze/binance_btcusdt_rest"]
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    assert "exited 4 (exchange or object store failing) after 0 retries" in failure.step_failure_data.error.to_string()


def test_every_launch_bounds_the_workers_heap_unless_told_otherwise(
    write_pipeline_config: Callable[[str], PipelineConfig], stand_in_java: Path
) -> None:
    config = write_pipeline_config(TWO_BINANCE_PAIRS)
    (rest_binance,) = build_bronze_rest_assets(config, hourly_partitions(config))

    default = _reported([rest_binance], KlineWorkerResource(database_url="x", pipeline_config=str(config.path), java=str(stand_in_java)),
                        partition_key="2026-11-24-10:00")
    told = _reported([rest_binance], KlineWorkerResource(database_url="x", pipeline_config=str(config.path), java=str(stand_in_java),
                                                         jvm_options=["-Xmx1g", "-XX:+UseSerialGC"]), partition_key="2026-11-24-10:00")

    assert [a for a in default["argv"] if a.startswith("-Xmx")] == ["-Xmx256m"]
    assert told["argv"][:2] == ["-Xmx1g", "-XX:+UseSerialGC"]
