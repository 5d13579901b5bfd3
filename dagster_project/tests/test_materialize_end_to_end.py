"""The whole pipeline for one hour: the real worker jar, real PostgreSQL, the engine's JSONL files and
a local Binance REST server. Skipped only while the jar has not been built."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest
from dagster import AssetKey, AssetsDefinition, DagsterEventType, DagsterInstance, ExecuteInProcessResult, materialize

from dagster_project.assets_bronze_rest_factory import build_bronze_rest_assets
from dagster_project.assets_ext_to_bronze_factory import build_ext_to_bronze_assets
from dagster_project.assets_silver_factory import build_silver_assets
from dagster_project.config import PipelineConfig, load_pipeline_config
from dagster_project.keys import (
    CROSS_VENUE_DIVERGENCE_CHECK,
    DEAD_LETTER_SHARE_CHECK,
    NEWEST_MINUTE_FRESH_CHECK,
    NO_MISSING_MINUTES_CHECK,
    OHLC_CONSISTENT_CHECK,
    ONE_ROW_PER_KEY_CHECK,
)
from dagster_project.partitions import hourly_partitions
from dagster_project.resources import KlineWorkerResource, worker_jar_path
from dagster_project.tests.fake_binance import MINUTE, CapturedPair, FakeBinanceRest, serve
from dagster_project.tests.pipeline_setup import write_fake_binance_pipeline

WORKER_JAR = worker_jar_path()
pytestmark = pytest.mark.skipif(
    not WORKER_JAR.is_file(),
    reason=f"worker jar {WORKER_JAR} does not exist yet: build java-workers or set KLINE_WORKER_JAR",
)

HOUR = datetime(2026, 11, 24, 10, tzinfo=timezone.utc)
PARTITION = "2026-11-24-10:00"
CANONICAL = {"BTCUSDT": "BTC-USDT", "ETHUSDT": "ETH-USDT"}
CAPTURED = {
    # Disconnected 10:20-10:22, reconnected during 10:23 (updates of 10:23 but not its close).
    "BTCUSDT": CapturedPair(
        "BTCUSDT", HOUR,
        missing_minutes=frozenset(HOUR + k * MINUTE for k in (20, 21, 22)),
        unclosed_minutes=frozenset({HOUR + 23 * MINUTE}),
        zero_volume_minutes=frozenset({HOUR + 5 * MINUTE}),
    ),
    "ETHUSDT": CapturedPair("ETHUSDT", HOUR, missing_minutes=frozenset(HOUR + k * MINUTE for k in (40, 41, 42, 43))),
}


@pytest.fixture(scope="module")
def fake_binance() -> Iterator[FakeBinanceRest]:
    with serve(FakeBinanceRest(pairs=CAPTURED)) as fake:
        yield fake


@pytest.fixture(scope="module")
def pipeline_config(tmp_path_factory: pytest.TempPathFactory, fake_binance: FakeBinanceRest) -> PipelineConfig:
    """pipeline.yaml pointing at the fake REST server, with the engine's files for the hour written below it."""
    root = tmp_path_factory.mktemp("pipeline")
    path = write_fake_binance_pipeline(root, fake_binance.url, CAPTURED)
    return load_pipeline_config(path)


def all_assets(config: PipelineConfig) -> list[AssetsDefinition]:
    partitions_def = hourly_partitions(config)
    return [
        *build_ext_to_bronze_assets(config, partitions_def),
        *build_bronze_rest_assets(config, partitions_def),
        *build_silver_assets(config, partitions_def),
    ]


def worker(database_url: str, config: PipelineConfig, java: str = "java", **settings: object) -> KlineWorkerResource:
    return KlineWorkerResource(
        database_url=database_url, worker_jar=str(WORKER_JAR), pipeline_config=str(config.path), java=java, **settings
    )


def counting_java(folder: Path) -> tuple[str, Path]:
    """A `java` that appends its command line to a file before it runs the real one: counts launches."""
    log = folder / "launches.txt"
    script = folder / "java"
    script.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec java "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return str(script), log


def launched_subcommands(log: Path) -> list[str]:
    """The subcommand of every launch, in order (the word after --config <path>)."""
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [line.split()[line.split().index("--config") + 2] for line in lines]


def snapshot(database_url: str) -> dict[str, list[tuple]]:
    """Every row of every table in the database, sorted: two equal snapshots mean nothing changed."""
    with psycopg.connect(database_url) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')"
            " ORDER BY 1, 2"
        ).fetchall()
        return {
            f"{schema}.{table}": sorted(conn.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall(), key=repr)
            for schema, table in tables
        }


@dataclass(frozen=True)
class FirstRun:
    result: ExecuteInProcessResult
    tables: dict[str, list[tuple]]
    rest_requests: list[dict[str, str]]
    launches: list[str]
    started: datetime
    finished: datetime


@pytest.fixture(scope="module")
def first_run(
    database_url: str, pipeline_config: PipelineConfig, fake_binance: FakeBinanceRest, tmp_path_factory: pytest.TempPathFactory
) -> FirstRun:
    java, launches = counting_java(tmp_path_factory.mktemp("java"))
    started = datetime.now(timezone.utc)
    result = materialize(
        all_assets(pipeline_config), partition_key=PARTITION, resources={"kline_worker": worker(database_url, pipeline_config, java)}
    )
    finished = datetime.now(timezone.utc)
    return FirstRun(result, snapshot(database_url), list(fake_binance.requests), launched_subcommands(launches), started, finished)


def query(database_url: str, sql: str) -> list[tuple]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(sql).fetchall()


def test_silver_holds_sixty_final_candles_per_pair_websocket_first_and_rest_for_the_gaps(
    first_run: FirstRun, database_url: str
) -> None:
    assert first_run.result.success
    rows = query(
        database_url,
        "SELECT exchange, symbol, quote_asset, interval_seconds, interval_start, interval_end, open, high, low, close,"
        " volume, quote_volume, trade_count, vwap, source FROM silver.fact_ohlcv ORDER BY symbol, interval_start",
    )

    expected = []
    for symbol, pair in CAPTURED.items():
        for minute in pair.minutes():
            k = pair.final(minute)
            v, q = float(k.v), float(k.q)
            expected.append((
                "binance", CANONICAL[symbol], "USDT", 60, minute, minute + MINUTE,
                float(k.o), float(k.h), float(k.l), float(k.c), v, q, k.n, None if v == 0 else q / v,
                "rest" if minute in pair.gap_minutes() else "websocket",
            ))
    assert rows == expected


def test_silver_keeps_when_each_websocket_close_was_received(first_run: FirstRun, database_url: str) -> None:
    rows = query(
        database_url,
        "SELECT symbol, interval_start, ingestion_ts FROM silver.fact_ohlcv WHERE source = 'websocket' ORDER BY symbol, interval_start",
    )

    assert rows == [
        (CANONICAL[symbol], minute, pair.close_received_at(minute))
        for symbol, pair in CAPTURED.items()
        for minute in pair.minutes()
        if minute not in pair.gap_minutes()
    ]


def test_bronze_holds_every_websocket_close_including_the_one_received_in_the_next_hour(
    first_run: FirstRun, database_url: str
) -> None:
    rows = query(
        database_url,
        "SELECT symbol, interval_start, ingestion_ts FROM bronze.bronze_ohclv_native"
        " WHERE source = 'websocket' AND is_final AND interval_start >= '2026-11-24T10:00Z' AND interval_start < '2026-11-24T11:00Z'"
        " ORDER BY symbol, interval_start",
    )

    assert rows == [
        (symbol, minute, pair.close_received_at(minute))
        for symbol, pair in CAPTURED.items()
        for minute in pair.minutes()
        if minute not in pair.gap_minutes()
    ]


def test_bronze_rest_stores_exactly_the_gap_minutes_from_the_exchange(first_run: FirstRun, database_url: str) -> None:
    rows = query(
        database_url,
        "SELECT exchange, symbol, interval_seconds, interval_start, interval_end, open, high, low, close, volume,"
        " quote_volume, vwap, trade_count, is_final FROM bronze.bronze_ohclv_native WHERE source = 'rest'"
        " ORDER BY symbol, interval_start",
    )
    fetched_at = query(database_url, "SELECT DISTINCT ingestion_ts FROM bronze.bronze_ohclv_native WHERE source = 'rest'")

    expected = []
    for symbol, pair in CAPTURED.items():
        for minute in pair.gap_minutes():
            k = pair.final(minute)
            v, q = float(k.v), float(k.q)
            expected.append((
                "binance", symbol, 60, minute, minute + MINUTE, float(k.o), float(k.h), float(k.l), float(k.c), v, q,
                None if v == 0 else q / v, k.n, True,
            ))
    assert rows == expected
    assert all(first_run.started - timedelta(seconds=1) <= t <= first_run.finished for (t,) in fetched_at)


def test_bronze_rest_asks_the_exchange_only_about_the_partition(first_run: FirstRun) -> None:
    window = (int(HOUR.timestamp() * 1000), int((HOUR + timedelta(hours=1)).timestamp() * 1000))

    assert {r["symbol"] for r in first_run.rest_requests} == set(CAPTURED)
    for request in first_run.rest_requests:
        assert request["path"] == "/api/v3/klines"
        assert request["interval"] == "1m"
        assert window[0] <= int(request["startTime"]) <= int(request["endTime"]) < window[1]


def reported(result: ExecuteInProcessResult) -> dict[str, dict[str, object]]:
    """The metadata each asset's worker reported, by asset key."""
    return {
        e.asset_key.to_user_string(): {name: value.value for name, value in e.materialization.metadata.items()}
        for e in result.get_asset_materialization_events()
    }


def test_every_asset_reports_what_its_worker_did(first_run: FirstRun, pipeline_config: PipelineConfig) -> None:
    metadata = reported(first_run.result)

    assert set(metadata) == {k.to_user_string() for a in all_assets(pipeline_config) for k in a.keys}
    assert {e.partition for e in first_run.result.get_asset_materialization_events()} == {PARTITION}
    for symbol, pair in CAPTURED.items():
        in_window = [at for at, payload in pair.events() if HOUR <= _open_time(payload) < HOUR + timedelta(hours=1)]
        ws = metadata[f"bronze/binance_{symbol.lower()}_ws"]
        assert (ws["rows_loaded"], ws["final_minutes"], ws["dead_lettered"]) == (len(in_window), 60 - len(pair.gap_minutes()), 0)
        rest = metadata[f"bronze/binance_{symbol.lower()}_rest"]
        assert (rest["missing"], rest["filled"], rest["still_missing"]) == (len(pair.gap_minutes()), len(pair.gap_minutes()), 0)
        silver = metadata[f"silver/{CANONICAL[symbol].lower().replace('-', '_')}"]
        assert (silver["candidates"], silver["inserted"], silver["missing_minutes"]) == (60, 60, 0)


# The checks each layer's assets declare; on this clean hour every one passes but freshness.
CHECKS_BY_LAYER = {
    "_ws": {DEAD_LETTER_SHARE_CHECK},
    "_rest": {NO_MISSING_MINUTES_CHECK},
    "silver/": {
        NO_MISSING_MINUTES_CHECK, ONE_ROW_PER_KEY_CHECK, OHLC_CONSISTENT_CHECK, CROSS_VENUE_DIVERGENCE_CHECK,
        NEWEST_MINUTE_FRESH_CHECK,
    },
}


def declared_checks(asset_key: str) -> set[str]:
    (checks,) = [checks for marker, checks in CHECKS_BY_LAYER.items() if marker in asset_key]
    return checks


def test_the_worker_reports_every_declared_check_and_only_freshness_fails_on_a_past_hour(
    first_run: FirstRun, pipeline_config: PipelineConfig
) -> None:
    evaluations = {
        (e.asset_key.to_user_string(), e.check_name): e for e in first_run.result.get_asset_check_evaluations()
    }

    assets = {k.to_user_string() for a in all_assets(pipeline_config) for k in a.keys}
    declared = {(spec.asset_key.to_user_string(), spec.name) for a in all_assets(pipeline_config) for spec in a.check_specs}
    assert declared == {(key, check) for key in assets for check in declared_checks(key)}
    assert set(evaluations) == declared
    # The hour is days old and nothing newer was captured: silver's newest minute is stale, and says so.
    assert sorted(key for key, e in evaluations.items() if not e.passed) == [
        ("silver/btc_usdt", NEWEST_MINUTE_FRESH_CHECK), ("silver/eth_usdt", NEWEST_MINUTE_FRESH_CHECK)
    ]
    fresh = evaluations[("silver/btc_usdt", NEWEST_MINUTE_FRESH_CHECK)]
    assert fresh.severity.value == "ERROR"
    assert fresh.metadata["stale_exchanges"].value == ["binance"]
    assert fresh.metadata["newest_minute_end_by_exchange"].value == {"binance": "2026-11-24T11:00:00Z"}
    lag = fresh.metadata["lag_seconds_by_exchange"].value["binance"]
    assert lag == pytest.approx((datetime.now(timezone.utc) - (HOUR + timedelta(hours=1))).total_seconds(), abs=600)
    assert fresh.metadata["max_lag_seconds"].value == 600
    assert evaluations[("silver/btc_usdt", NO_MISSING_MINUTES_CHECK)].metadata["missing_minutes"].value == 0
    dead_letters = evaluations[("bronze/binance_btcusdt_ws", DEAD_LETTER_SHARE_CHECK)].metadata
    assert (dead_letters["dead_lettered"].value, dead_letters["dead_letter_share"].value) == (0, 0.0)
    rest = evaluations[("bronze/binance_btcusdt_rest", NO_MISSING_MINUTES_CHECK)].metadata
    assert {k: rest[k].value for k in ("empty", "unfillable", "failed", "failed_minutes")} == {
        "empty": 0, "unfillable": 0, "failed": 0, "failed_minutes": []
    }
    assert evaluations[("silver/eth_usdt", OHLC_CONSISTENT_CHECK)].metadata["inconsistent_rows"].value == 0
    assert evaluations[("silver/eth_usdt", CROSS_VENUE_DIVERGENCE_CHECK)].metadata["venues"].value == 1, "Binance alone"


def test_silver_shows_its_latest_candles_as_a_markdown_table(first_run: FirstRun) -> None:
    preview = reported(first_run.result)["silver/btc_usdt"]["latest_candles"]

    lines = preview.splitlines()
    assert lines[0] == "| exchange | minute (UTC) | open | high | low | close | volume | source |"
    assert [line.split(" | ")[1] for line in lines[2:]] == [f"2026-11-24T10:{m}:00Z" for m in range(55, 60)]


def _open_time(payload: dict) -> datetime:
    return datetime.fromtimestamp(payload["k"]["t"] / 1000, tz=timezone.utc)


def test_materializing_the_partition_again_changes_no_table(
    first_run: FirstRun, database_url: str, pipeline_config: PipelineConfig, fake_binance: FakeBinanceRest
) -> None:
    assert first_run.tables["silver.fact_ohlcv"] and first_run.tables["bronze.bronze_ohclv_native"]
    requests_before = len(fake_binance.requests)

    again = materialize(
        all_assets(pipeline_config), partition_key=PARTITION, resources={"kline_worker": worker(database_url, pipeline_config)}
    )

    assert again.success
    assert snapshot(database_url) == first_run.tables
    assert fake_binance.requests[requests_before:] == [], "the gaps were filled by the first run: nothing left to fetch"
    metadata = reported(again)
    assert {key: values["unchanged"] for key, values in metadata.items() if key.startswith("silver/")} == {
        "silver/btc_usdt": 60,
        "silver/eth_usdt": 60,
    }
    assert all(values["missing"] == 0 for key, values in metadata.items() if key.endswith("_rest"))


def test_the_hour_of_two_pairs_takes_one_worker_launch_per_layer_not_one_per_asset(first_run: FirstRun) -> None:
    materialized = {e.asset_key for e in first_run.result.get_asset_materialization_events()}

    assert len(materialized) == 6, "three layers of two pairs"
    assert first_run.launches == ["ext-to-bronze", "bronze-rest", "silver"]


def test_selecting_one_asset_runs_just_that_pair(
    first_run: FirstRun, database_url: str, pipeline_config: PipelineConfig, tmp_path: Path
) -> None:
    java, launches = counting_java(tmp_path)
    only = AssetKey(["bronze", "binance_ethusdt_ws"])

    result = materialize(
        all_assets(pipeline_config), selection=[only], partition_key=PARTITION,
        resources={"kline_worker": worker(database_url, pipeline_config, java)},
    )

    assert result.success
    assert [e.asset_key for e in result.get_asset_materialization_events()] == [only]
    assert reported(result)[only.to_user_string()]["rows_loaded"] == reported(first_run.result)[only.to_user_string()]["rows_loaded"]
    assert launched_subcommands(launches) == ["ext-to-bronze"]
    assert snapshot(database_url) == first_run.tables, "reloading a pair's hour is idempotent"


def test_a_symbol_the_worker_does_not_know_fails_the_step_with_the_java_message(
    tmp_path: Path, database_url: str, pipeline_config: PipelineConfig
) -> None:
    # The assets come from a config listing XRPUSDT; the worker reads the test config, which does not.
    other = tmp_path / "pipeline.yaml"
    other.write_text(
        pipeline_config.path.read_text(encoding="utf-8")
        .replace("pairs: [BTCUSDT, ETHUSDT]", "pairs: [XRPUSDT]")
        .replace("{BTCUSDT: BTC-USDT, ETHUSDT: ETH-USDT}", "{XRPUSDT: XRP-USDT}"),
        encoding="utf-8",
    )
    other_config = load_pipeline_config(other)
    (xrp_ws,) = build_ext_to_bronze_assets(other_config, hourly_partitions(other_config))

    failed = failed_worker(xrp_ws, worker(database_url, pipeline_config))

    assert len(failed.java_messages) == 1, "a configuration error is not retried"
    assert "XRPUSDT" in failed.java_messages[0] and "not configured" in failed.java_messages[0], failed.java_messages
    assert "exited 2 (bad usage or configuration) (not retried" in failed.step_error, failed.step_error


def test_an_unreachable_database_is_retried_with_back_off_then_fails_with_the_reason(pipeline_config: PipelineConfig) -> None:
    (binance_ws,) = build_ext_to_bronze_assets(pipeline_config, hourly_partitions(pipeline_config))
    unreachable = worker("postgresql://kline:kline@127.0.0.1:1/nowhere", pipeline_config, max_retries=2, retry_delay_seconds=0.2)

    failed = failed_worker(binance_ws, unreachable)

    assert failed.retries == 2
    assert len(failed.java_messages) == 3 and all("127.0.0.1:1 refused" in m for m in failed.java_messages), failed.java_messages
    assert "exited 3 (database unreachable or failing) after 2 retries" in failed.step_error, failed.step_error


@dataclass(frozen=True)
class FailedWorker:
    java_messages: list[str]  # the exception each attempt's `closed` carried
    step_error: str
    retries: int


def failed_worker(asset: AssetsDefinition, resource: KlineWorkerResource) -> FailedWorker:
    """Materializes an asset whose worker must fail; returns what each attempt's `closed` carried and how the step failed."""
    instance = DagsterInstance.ephemeral()
    result = materialize(
        [asset], partition_key=PARTITION, resources={"kline_worker": resource}, instance=instance, raise_on_error=False
    )

    assert not result.success
    # The Pipes message reader logs the worker's `closed` exception from its own thread, straight
    # to the instance's event log (it is not among result.all_events).
    events = [r.dagster_event for r in instance.all_logs(result.run_id) if r.dagster_event is not None]
    closed_with = [
        e.event_specific_data.error.message
        for e in events
        if e.event_type == DagsterEventType.ENGINE_EVENT and e.message == "[pipes] external process pipes closed with exception"
    ]
    (failure,) = [e for e in events if e.event_type == DagsterEventType.STEP_FAILURE]
    retries = sum(1 for e in events if e.event_type == DagsterEventType.STEP_UP_FOR_RETRY)
    return FailedWorker(closed_with, failure.step_failure_data.error.to_string(), retries)


# Last in the module: it widens what the database holds beyond the first run's hour.
def test_a_range_runs_as_one_launch_per_batch_and_a_second_run_changes_nothing(
    first_run: FirstRun, database_url: str, pipeline_config: PipelineConfig, tmp_path: Path
) -> None:
    java, launches = counting_java(tmp_path)
    resources = {"kline_worker": worker(database_url, pipeline_config, java)}
    hours = {"dagster/asset_partition_range_start": PARTITION, "dagster/asset_partition_range_end": "2026-11-24-11:00"}

    once = materialize(all_assets(pipeline_config), tags=hours, resources=resources)
    after_once = snapshot(database_url)
    twice = materialize(all_assets(pipeline_config), tags=hours, resources=resources)

    assert once.success and twice.success
    assert launched_subcommands(launches) == ["ext-to-bronze", "bronze-rest", "silver"] * 2
    assert {e.partition for e in once.get_asset_materialization_events()} == {PARTITION, "2026-11-24-11:00"}
    assert snapshot(database_url) == after_once
    assert len(after_once["silver.fact_ohlcv"]) == 2 * 2 * 60, "two pairs, two hours (the second from REST)"
    assert set(first_run.tables["silver.fact_ohlcv"]) <= set(after_once["silver.fact_ohlcv"]), "the first hour unchanged"
