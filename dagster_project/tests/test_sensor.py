"""The freshness sensor against a real directory of the engine's files, listed by the real worker jar."""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRun, DagsterRunStatus, RepositoryDefinition, build_sensor_context
from dagster._core.remote_origin import InProcessCodeLocationOrigin, RemoteJobOrigin, RemoteRepositoryOrigin
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

from dagster_project.definitions import defs
from dagster_project.keys import bronze_rest_key, ext_to_bronze_key, silver_key
from dagster_project.schedules import PIPELINE_JOB_NAME
from dagster_project.sensors import EXCHANGES_TAG, SENSOR_NAME
from dagster_project.tests.fake_binance import CapturedPair

NOW_HOUR = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
# Three hours ago: every file of it is finished by age and by hour, and well inside the lookback.
OLD_HOUR = NOW_HOUR - timedelta(hours=3)


def _key(hour: datetime) -> str:
    return hour.strftime("%Y-%m-%d-%H:%M")


def _write_file(local_dir: Path, symbol: str, opened: datetime, exchange: str = "binance") -> Path:
    """One file with the engine's name (<opened>-<writer>-<random>.jsonl) in its hour folder."""
    folder = local_dir / f"exchange={exchange}" / f"symbol={symbol}" / f"date={opened:%Y-%m-%d}" / f"hour={opened:%H}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{opened:%Y%m%dT%H%M%S}{opened.microsecond // 1000:03d}Z-test-late{symbol.lower()}.jsonl"
    path.write_text("{}\n", encoding="utf-8")
    return path


@pytest.fixture
def bronze(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pipeline.yaml").write_text(
        """\
exchanges:
  binance:
    ws_url: ws://127.0.0.1:9
    rest_url: http://127.0.0.1:9
    pairs: [BTCUSDT, ETHUSDT]
  bybit:
    ws_url: ws://127.0.0.1:9
    rest_url: http://127.0.0.1:9
    pairs: [BTCUSDT]
storage: {local_dir: bronze, dead_letter_dir: dead-letter, s3: {enabled: false}}
partitions: {start: "2026-11-01T00:00:00Z"}
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("KLINE_PIPELINE_CONFIG", str(tmp_path / "pipeline.yaml"))
    return tmp_path / "bronze"


def _tick(
    repository: RepositoryDefinition, cursor: str | None, instance: DagsterInstance | None = None
) -> tuple[list[str], str | None, list]:
    """One evaluation given only the stored cursor, against `instance` (its runs), else a fresh,
    empty one (as after a restart)."""
    sensor = repository.get_sensor_def(SENSOR_NAME)
    if instance is not None:
        result = sensor.evaluate_tick(build_sensor_context(instance, cursor=cursor, repository_def=repository))
    else:
        with DagsterInstance.ephemeral() as fresh:
            result = sensor.evaluate_tick(build_sensor_context(fresh, cursor=cursor, repository_def=repository))
    requests = result.run_requests or []
    return sorted(r.partition_key for r in requests), result.cursor, requests


def _add_run(instance: DagsterInstance, hour: datetime, exchanges: str, status: DagsterRunStatus) -> None:
    """A run of the job for `hour` as the sensor requests it (partition and exchanges tags), in `status`."""
    # Dagster refuses a queued run without the origin its daemon would launch it from; these runs are
    # never launched, so an in-process origin naming the job is enough (the classes are not exported).
    origin = RemoteJobOrigin(
        RemoteRepositoryOrigin(
            InProcessCodeLocationOrigin(LoadableTargetOrigin(module_name="dagster_project.definitions")), "__repository__"
        ),
        PIPELINE_JOB_NAME,
    )
    instance.add_run(
        DagsterRun(
            job_name=PIPELINE_JOB_NAME,
            status=status,
            remote_job_origin=origin,
            tags={"dagster/partition": _key(hour), EXCHANGES_TAG: exchanges},
        )
    )


def test_new_finished_files_run_their_hours_once_and_a_late_file_reruns_just_its_hour(bronze: Path) -> None:
    CapturedPair("BTCUSDT", OLD_HOUR).write_jsonl(bronze)  # folders OLD_HOUR and the hour after
    repository = defs().get_repository_def()

    first, cursor, requests = _tick(repository, None)
    # The file opened at OLD_HOUR holds the late closes of the hour before; the one opened at the
    # next hour holds OLD_HOUR's, so all three hours read new input.
    assert first == [_key(OLD_HOUR - timedelta(hours=1)), _key(OLD_HOUR), _key(OLD_HOUR + timedelta(hours=1))]
    assert set(requests[0].asset_selection) == {
        ext_to_bronze_key("binance", "BTCUSDT"), bronze_rest_key("binance", "BTCUSDT"), silver_key("BTC-USDT"),
        ext_to_bronze_key("binance", "ETHUSDT"), bronze_rest_key("binance", "ETHUSDT"), silver_key("ETH-USDT"),
    }, "binance's assets only: bybit has no new objects"
    assert requests[0].asset_check_keys == [], "checks wait for the hourly run: three run-storage writes per check and asset"

    again, cursor, _ = _tick(repository, cursor)
    assert again == []

    # An upload delayed by an S3 outage: a new file, mid-hour, for an hour already loaded.
    _write_file(bronze, "ETHUSDT", OLD_HOUR + timedelta(minutes=20, milliseconds=5))
    late, cursor, _ = _tick(repository, cursor)
    assert late == [_key(OLD_HOUR)]

    assert _tick(repository, cursor)[0] == []


def test_a_file_still_being_written_triggers_nothing_until_it_is_finished(bronze: Path) -> None:
    repository = defs().get_repository_def()
    _, cursor, _ = _tick(repository, None)

    # Opened now: younger than the roll age (60 s), so the engine may still be appending to it.
    _write_file(bronze, "BTCUSDT", datetime.now(timezone.utc))

    assert _tick(repository, cursor)[0] == []


def test_hours_before_the_first_partition_are_remembered_but_not_run(bronze: Path) -> None:
    config = bronze.parent / "pipeline.yaml"
    start = (NOW_HOUR - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    config.write_text(config.read_text(encoding="utf-8").replace("2026-11-01T00:00:00Z", start), encoding="utf-8")
    CapturedPair("BTCUSDT", OLD_HOUR).write_jsonl(bronze)
    repository = defs().get_repository_def()

    first, cursor, _ = _tick(repository, None)

    assert first == []
    # Remembered: once partitions.start moves back, only new objects would run them.
    assert f"binance|{OLD_HOUR.isoformat()}" in json.loads(cursor)["windows"]


def test_new_objects_of_several_exchanges_in_one_hour_make_one_run_over_all_of_them(bronze: Path) -> None:
    repository = defs().get_repository_def()
    _, cursor, _ = _tick(repository, None)
    _write_file(bronze, "BTCUSDT", OLD_HOUR + timedelta(minutes=20), exchange="binance")
    _write_file(bronze, "BTCUSDT", OLD_HOUR + timedelta(minutes=21), exchange="bybit")

    hours, _, requests = _tick(repository, cursor)

    assert hours == [_key(OLD_HOUR)]
    assert {ext_to_bronze_key("binance", "BTCUSDT"), ext_to_bronze_key("bybit", "BTCUSDT"), bronze_rest_key("bybit", "BTCUSDT"),
            silver_key("BTC-USDT")} <= set(requests[0].asset_selection)


@pytest.mark.parametrize("status", [DagsterRunStatus.NOT_STARTED, DagsterRunStatus.QUEUED, DagsterRunStatus.STARTING])
def test_an_hour_s_exchanges_that_a_pending_run_will_load_are_not_requested_again(
    bronze: Path, status: DagsterRunStatus
) -> None:
    repository = defs().get_repository_def()
    with DagsterInstance.ephemeral() as instance:
        _, cursor, _ = _tick(repository, None, instance)
        # Waiting behind the run under way: it lists OLD_HOUR's files when it starts.
        _add_run(instance, OLD_HOUR, "binance", status)
        # Another hour's pending run covers nothing in OLD_HOUR.
        _add_run(instance, OLD_HOUR - timedelta(hours=2), "bybit", status)
        _write_file(bronze, "BTCUSDT", OLD_HOUR + timedelta(minutes=20), exchange="binance")
        _write_file(bronze, "BTCUSDT", OLD_HOUR + timedelta(minutes=21), exchange="bybit")

        hours, cursor, requests = _tick(repository, cursor, instance)

        assert hours == [_key(OLD_HOUR)]
        assert requests[0].tags[EXCHANGES_TAG] == "bybit"
        assert set(requests[0].asset_selection) == {
            ext_to_bronze_key("bybit", "BTCUSDT"), bronze_rest_key("bybit", "BTCUSDT"), silver_key("BTC-USDT"),
        }, "bybit's assets only: the pending run loads binance's"

        # A new binance object alone, the run still pending: nothing to request.
        _write_file(bronze, "ETHUSDT", OLD_HOUR + timedelta(minutes=22), exchange="binance")
        hours, cursor, _ = _tick(repository, cursor, instance)
        assert hours == []

    # The cursor moved over the skipped windows: with no run pending, they are not requested later.
    assert _tick(repository, cursor)[0] == []


def test_a_started_run_may_have_read_its_files_and_does_not_cover_new_objects(bronze: Path) -> None:
    repository = defs().get_repository_def()
    with DagsterInstance.ephemeral() as instance:
        _, cursor, _ = _tick(repository, None, instance)
        _add_run(instance, OLD_HOUR, "binance,bybit", DagsterRunStatus.STARTED)
        _write_file(bronze, "BTCUSDT", OLD_HOUR + timedelta(minutes=20), exchange="binance")

        hours, _, requests = _tick(repository, cursor, instance)

    assert hours == [_key(OLD_HOUR)]
    assert requests[0].tags[EXCHANGES_TAG] == "binance"
