"""The freshness sensor: finished JSONL objects become runs of exactly the exchange/hours they feed.

Listing is the worker's job (`kline-worker list-finished`): which names are data files, when a local
file is finished, and which hourly windows read an object (the late closes of hh:59 live in the next
hour's folder; a window's lead-in reaches into the hour before) are Java rules, and a Python listing
would repeat each of them. The worker prints, per exchange and recent window, a fingerprint of the
names it reads; this sensor only compares fingerprints with its cursor. The cost is one JVM start
(about a second) per tick, every SENSOR_INTERVAL_SECONDS.

The cursor maps every listed window to its fingerprint, so a file uploaded late (an S3 outage) for
an hour loaded long ago still changes that hour's fingerprint and reloads it; it holds one entry
per exchange and window of the last LOOKBACK_HOURS, so it stays small.

Runs go one at a time and take longer than a tick, so most new objects arrive while a run of their
hour is still waiting. A run that has not begun executing (NOT_STARTED, QUEUED, STARTING) lists its
hour's finished objects when its steps run, after this tick's listing, so it covers the new objects
of the exchanges it was tagged with (`kline/exchanges`); the sensor requests a run for the other
exchanges only, and none when all are covered. A STARTED run may have read its files already and
covers nothing. That costs one query of the run storage per tick with new objects, and the cursor
advances over covered windows all the same.

A sensor run evaluates no asset checks: the hourly schedule's run, which sees the hour complete,
evaluates every one of them (and a materialization from the UI does). Dagster records three events
per check and asset in a run (planned, output, result), a write each: at 500 streams the checks of
a sensor run were 4,500 of its 9,000 events, for an hour still under way, whose partial minutes
the checks excuse anyway. Silver's freshness policy keeps alarming between two hourly runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dagster import (
    AssetKey,
    DagsterInstance,
    DagsterRunStatus,
    DefaultSensorStatus,
    HourlyPartitionsDefinition,
    RunRequest,
    RunsFilter,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)

from dagster_project.config import PipelineConfig, run_worker_json
from dagster_project.keys import bronze_rest_key, ext_to_bronze_key, silver_key
from dagster_project.schedules import PIPELINE_JOB_NAME

SENSOR_NAME = "fresh_jsonl_objects"
SENSOR_INTERVAL_SECONDS = 30
# How late an object may arrive and still reload its hour by itself; later ones need a backfill.
# A day covers an S3 outage the engine's upload retries (up to 5 min apart) outlast.
LOOKBACK_HOURS = 24
# Bounds a hung JVM or S3 listing, not a slow one.
_LIST_TIMEOUT_SECONDS = 120
_CURSOR_VERSION = 1
# The exchanges whose assets a sensor run selects, comma-separated.
EXCHANGES_TAG = "kline/exchanges"
# Dagster's tag for a run's partition key (dagster._core.storage.tags.PARTITION_NAME_TAG, not exported).
_PARTITION_TAG = "dagster/partition"
# Created, queued, or launched with no step executed yet: each reads its inputs later than this tick.
_PENDING_STATUSES = [DagsterRunStatus.NOT_STARTED, DagsterRunStatus.QUEUED, DagsterRunStatus.STARTING]
# The sensor leaves at most one pending run per exchange and hour, so this is far above what it
# queues itself; pending runs past it are not counted, and their hours are requested as before.
_PENDING_RUNS_LIMIT = 200


class ListFinishedError(RuntimeError):
    """`kline-worker list-finished` failed; the tick fails with its message and the cursor stays."""


@dataclass(frozen=True)
class WindowInput:
    """What ext-to-bronze reads for one exchange's hourly window, as `list-finished` fingerprints it."""

    exchange: str
    hour: datetime
    fingerprint: str

    @property
    def cursor_key(self) -> str:
        return f"{self.exchange}|{self.hour.isoformat()}"


def list_finished(config_path: Path, hours: int) -> list[WindowInput]:
    """Runs `kline-worker --config <path> list-finished --hours <hours>` and parses its windows."""
    listed = run_worker_json(
        config_path, ["list-finished", "--hours", str(hours)], timeout=_LIST_TIMEOUT_SECONDS, error=ListFinishedError
    )
    return [
        WindowInput(w["exchange"], datetime.fromisoformat(w["hour"].replace("Z", "+00:00")), w["fingerprint"])
        for w in listed["windows"]
    ]


def _decode(cursor: str | None) -> dict[str, str]:
    if not cursor:
        return {}
    decoded = json.loads(cursor)
    # An unknown version is treated as no cursor: one round of reloads, all idempotent.
    return decoded["windows"] if decoded.get("v") == _CURSOR_VERSION else {}


def _encode(windows: list[WindowInput]) -> str:
    return json.dumps({"v": _CURSOR_VERSION, "windows": {w.cursor_key: w.fingerprint for w in windows}}, sort_keys=True)


def _pending_exchanges(instance: DagsterInstance, partition_keys: list[str]) -> dict[str, set[str]]:
    """Per partition key, the exchanges that a run of the job not yet executing will load."""
    runs = instance.get_runs(
        filters=RunsFilter(job_name=PIPELINE_JOB_NAME, statuses=_PENDING_STATUSES, tags={_PARTITION_TAG: partition_keys}),
        limit=_PENDING_RUNS_LIMIT,
    )
    pending: dict[str, set[str]] = {}
    for run in runs:
        # Runs without the tag (the schedule's, the UI's) are not counted: what they select is not read here.
        exchanges = run.tags.get(EXCHANGES_TAG)
        if exchanges:
            pending.setdefault(run.tags[_PARTITION_TAG], set()).update(exchanges.split(","))
    return pending


def _exchange_assets(config: PipelineConfig, exchange: str) -> list[AssetKey]:
    """The exchange's bronze assets (ws and rest, every pair: REST fills the pairs that went quiet
    too) and the silver assets of its pairs."""
    (section,) = [e for e in config.exchanges if e.name == exchange]
    bronze = [key for p in section.pairs for key in (ext_to_bronze_key(exchange, p.symbol), bronze_rest_key(exchange, p.symbol))]
    silver = [silver_key(c) for c in dict.fromkeys(p.canonical for p in section.pairs)]
    return bronze + silver


def build_freshness_sensor(config: PipelineConfig, partitions_def: HourlyPartitionsDefinition) -> SensorDefinition:
    """Every SENSOR_INTERVAL_SECONDS: a run of kline_pipeline_job per exchange and hour whose input
    changed, selecting that exchange's assets for that hour's partition."""

    @sensor(
        name=SENSOR_NAME,
        job_name=PIPELINE_JOB_NAME,
        minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
        default_status=DefaultSensorStatus.RUNNING,
        description="Loads an exchange's hour again whenever a new finished JSONL object feeds it.",
    )
    def _fresh(context: SensorEvaluationContext) -> SensorResult:
        seen = _decode(context.cursor)
        listed = list_finished(config.path, LOOKBACK_HOURS)
        changed: dict[str, list[WindowInput]] = {}
        for window in listed:
            key = window.hour.strftime("%Y-%m-%d-%H:%M")
            # Hours before partitions.start are not partitions; they are remembered all the same.
            if seen.get(window.cursor_key) != window.fingerprint and partitions_def.has_partition_key(key):
                changed.setdefault(key, []).append(window)
        # Queried after the listing: a run still pending now reads its files after every object listed.
        pending = _pending_exchanges(context.instance, sorted(changed)) if changed else {}
        uncovered = {
            key: remaining
            for key, windows in changed.items()
            if (remaining := [w for w in windows if w.exchange not in pending.get(key, set())])
        }
        # One run per hour, over every exchange with new objects in it: each run costs a Python run
        # worker and a few JVM launches, so runs per exchange would multiply that on a 2-vCPU VM.
        requests = [
            RunRequest(
                # The same input never launches twice, even when a tick is evaluated again.
                run_key=f"{key}|" + ",".join(f"{w.exchange}:{w.fingerprint}" for w in windows),
                partition_key=key,
                asset_selection=list(dict.fromkeys(k for w in windows for k in _exchange_assets(config, w.exchange))),
                # No asset checks: the hourly schedule's run evaluates them on the complete hour.
                asset_check_keys=[],
                tags={EXCHANGES_TAG: ",".join(w.exchange for w in windows)},
            )
            # Newest hour first: after a restart with an empty cursor, the hour under way is not queued behind a day of reloads.
            for key, windows in sorted(uncovered.items(), reverse=True)
        ]
        new_windows = sum(len(windows) for windows in changed.values())
        covered = new_windows - sum(len(windows) for windows in uncovered.values())
        context.log.info(
            f"{len(listed)} windows listed, {new_windows} with new objects, {covered} of them skipped as covered"
            f" by a run not started yet; {len(requests)} runs requested"
        )
        return SensorResult(run_requests=requests, cursor=_encode(listed))

    return _fresh
