import warnings
from datetime import datetime, timezone
from pathlib import Path

import pytest
from dagster import DagsterInstance, DefaultScheduleStatus, DefaultSensorStatus, build_schedule_context

from dagster_project.definitions import defs
from dagster_project.tests.conftest import TWO_BINANCE_PAIRS


def test_definitions_resolve_without_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KLINE_PIPELINE_CONFIG", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        repository = defs().get_repository_def()
        jobs = {job.name for job in repository.get_all_jobs()}
        assets = {key.to_user_string() for key in repository.assets_defs_by_key}

    assert "kline_pipeline_job" in jobs
    assert assets == {
        "bronze/binance_btcusdt_ws",
        "bronze/binance_ethusdt_ws",
        "bronze/binance_btcusdt_rest",
        "bronze/binance_ethusdt_rest",
        "silver/btc_usdt",
        "silver/eth_usdt",
    }


def _hourly_requests(repository, at: datetime) -> list:  # noqa: ANN001 - dagster's RepositoryDefinition
    (schedule,) = repository.schedule_defs
    with DagsterInstance.ephemeral() as instance:
        tick = schedule.evaluate_tick(
            build_schedule_context(instance, scheduled_execution_time=at, repository_def=repository)
        )
    return list(tick.run_requests or [])


def _hourly_tick(repository, at: datetime) -> list[str | None]:  # noqa: ANN001 - dagster's RepositoryDefinition
    return [request.partition_key for request in _hourly_requests(repository, at)]


def test_the_schedule_runs_the_whole_job_for_the_hour_that_ended_once_its_files_are_finished(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KLINE_PIPELINE_CONFIG", raising=False)
    repository = defs().get_repository_def()
    (schedule,) = repository.schedule_defs

    assert schedule.job_name == "kline_pipeline_job"
    # The engine's default roll age (60 s, from `kline-worker describe`) plus five minutes to upload.
    assert schedule.cron_schedule == "6 * * * *"
    assert schedule.execution_timezone == "UTC"
    assert schedule.default_status == DefaultScheduleStatus.RUNNING
    # The partitions include the hour under way; the schedule still takes the hour that ended.
    assert _hourly_tick(repository, datetime(2026, 11, 24, 11, 6, tzinfo=timezone.utc)) == ["2026-11-24-10:00"]
    # The whole job with every asset check of it: the sensor's runs leave the checks to this one.
    (request,) = _hourly_requests(repository, datetime(2026, 11, 24, 11, 6, tzinfo=timezone.utc))
    assert request.asset_selection is None and request.asset_check_keys is None


def test_the_schedule_minute_follows_the_engine_roll_age(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "pipeline.yaml"
    config.write_text(TWO_BINANCE_PAIRS + "engine: {roll_max_age_seconds: 300}\n", encoding="utf-8")
    monkeypatch.setenv("KLINE_PIPELINE_CONFIG", str(config))

    (schedule,) = defs().get_repository_def().schedule_defs

    assert schedule.cron_schedule == "10 * * * *"


def test_the_freshness_sensor_is_on_by_default_and_the_hour_under_way_is_a_partition(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KLINE_PIPELINE_CONFIG", raising=False)
    repository = defs().get_repository_def()
    sensor = repository.get_sensor_def("fresh_jsonl_objects")

    assert sensor.job_name == "kline_pipeline_job"
    assert sensor.default_status == DefaultSensorStatus.RUNNING
    assert sensor.minimum_interval_seconds == 30
    partitions = repository.get_job("kline_pipeline_job").partitions_def
    current_hour = datetime.now(timezone.utc).strftime("%Y-%m-%d-%H:00")
    assert partitions.get_last_partition_key() == current_hour


def test_assets_follow_the_config_file_named_by_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "pipeline.yaml"
    config.write_text(TWO_BINANCE_PAIRS.replace("pairs: [BTCUSDT, ETHUSDT]", "pairs: [BTCUSDT]"), encoding="utf-8")
    monkeypatch.setenv("KLINE_PIPELINE_CONFIG", str(config))

    keys = {key.to_user_string() for key in defs().get_repository_def().assets_defs_by_key}

    assert keys == {"bronze/binance_btcusdt_ws", "bronze/binance_btcusdt_rest", "silver/btc_usdt"}


def test_the_engine_silence_sensor_reads_the_engine_pipeline_yaml_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KLINE_PIPELINE_CONFIG", raising=False)
    monkeypatch.delenv("KLINE_ENGINE_STATUS_URL", raising=False)
    sensor = defs().get_repository_def().get_sensor_def("engine_stream_silence")

    # The shipped pipeline.yaml leaves engine.status_address at its default, and checks.max_stream_silence_seconds too.
    assert "http://127.0.0.1:9464" in sensor.description
    assert "more than 180 s" in sensor.description
    assert sensor.default_status == DefaultSensorStatus.RUNNING
    assert sensor.minimum_interval_seconds == 30
