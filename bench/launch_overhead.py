"""Row 5, launch overhead: what one worker launch costs before and around its SQL. A launch of
`kline-worker ext-to-bronze` under Dagster Pipes (context and messages in files, as
PipesTempFileContextInjector and PipesTempFileMessageReader pass them) for a window with no input:
launch -> the first Pipes message (the JVM up, the jar's classes loaded, the session open), and the
whole launch end to end; with the JVM as it comes, and with class-data sharing for the worker jar
(AppCDS: an archive of the classes one launch loaded, -XX:ArchiveClassesAtExit, then
-XX:SharedArchiveFile)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from dagster_pipes import encode_param

from bench.common import Result, parse_args, scratch_database, scratch_dir, worker_command
from bench.listings import write_yaml

BENCHMARK = "launch-overhead"
WINDOW_START = "2026-11-24T10:00:00+00:00"
WINDOW_END = "2026-11-24T11:00:00+00:00"
ASSET_KEY = "bronze/binance_btcusdt_ws"
LAUNCHES = {"full": 7, "tiny": 1}


@dataclass(frozen=True)
class Timed:
    first_message: float
    wall: float
    cpu: float


def pipes_launch(command: list[str], env: dict[str, str], folder: Path) -> Timed:
    """One launch as Dagster makes it; times the first line the worker writes to its messages file."""
    context = folder / "context.json"
    messages = folder / "messages"
    messages.unlink(missing_ok=True)
    context.write_text(json.dumps({
        "asset_keys": [ASSET_KEY],
        "code_version_by_asset_key": {ASSET_KEY: None},
        "provenance_by_asset_key": {ASSET_KEY: None},
        "partition_key": None,
        "partition_key_range": None,
        "partition_time_window": None,
        "run_id": "bench",
        "job_name": "bench",
        "retry_number": 0,
        "extras": {"window_start": WINDOW_START, "window_end": WINDOW_END,
                   "streams": [{"asset_key": ASSET_KEY, "exchange": "binance", "symbol": "BTCUSDT", "checks": []}]},
    }))
    pipes_env = {"DAGSTER_PIPES_CONTEXT": encode_param({"path": str(context)}),
                 "DAGSTER_PIPES_MESSAGES": encode_param({"path": str(messages)})}
    began = time.perf_counter()
    process = subprocess.Popen(command, env={**os.environ, **env, **pipes_env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first = None
    while first is None:
        if messages.exists() and messages.stat().st_size > 0:
            first = time.perf_counter() - began
        elif process.poll() is not None:
            raise RuntimeError(f"{' '.join(command)} exited {process.returncode} before any Pipes message: {process.stderr.read()}")
        else:
            time.sleep(0.002)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}: {process.stderr.read()}")
    if '"method": "report_asset_materialization"' not in messages.read_text().replace('":"', '": "'):
        raise RuntimeError(f"no materialization reported: {messages.read_text()[:2000]}")
    return Timed(first, wall, usage.ru_utime + usage.ru_stime)


def median(values: list[float]) -> float:
    return statistics.median(values)


def run(size: str, raw_dir: Path) -> Result:
    result = Result(BENCHMARK, "Launch overhead: one worker launch, plain JVM vs AppCDS", size)
    count = LAUNCHES[size]
    with scratch_dir("bench-launch") as folder, scratch_database("bench_launch") as url:
        config = write_yaml(folder / "pipeline.yaml", """\
exchanges:
  binance:
    ws_url: wss://stream.binance.com:9443
    rest_url: https://api.binance.com
    pairs: [BTCUSDT]
storage:
  local_dir: bronze
  dead_letter_dir: dead-letter
partitions: {start: "2026-11-24T00:00:00Z"}
""")
        env = {"KLINE_DATABASE_URL": url, "KLINE_LOG_LEVEL": "WARN"}
        archive = folder / "kline-worker.jsa"
        command = worker_command(config, "ext-to-bronze")
        # Untimed: it applies the migrations too, so every timed launch finds the schema up to date.
        dump = pipes_launch(worker_command(config, "ext-to-bronze", jvm_options=[f"-XX:ArchiveClassesAtExit={archive}"]), env, folder)
        cds = [f"-XX:SharedArchiveFile={archive}", "-Xshare:auto"]
        plain: list[Timed] = []
        shared: list[Timed] = []
        for _ in range(count):  # interleaved, so both see the same load on a shared machine
            plain.append(pipes_launch(command, env, folder))
            shared.append(pipes_launch(worker_command(config, "ext-to-bronze", jvm_options=cds), env, folder))
        archive_mib = archive.stat().st_size / 2**20
    note = f"median of {count} launches each, interleaved" if count > 1 else "one launch each"
    result.row("launch -> first Pipes message", "s", median([t.first_message for t in shared]), median([t.first_message for t in plain]),
               "plain JVM", False, notes=f"{note}; AppCDS archive {archive_mib:.0f} MiB, made by one launch ({dump.wall:.1f} s)")
    result.row("launch end to end, empty window", "s", median([t.wall for t in shared]), median([t.wall for t in plain]),
               "plain JVM", False, notes=note)
    result.row("CPU per launch, empty window", "CPU-s", median([t.cpu for t in shared]), median([t.cpu for t in plain]),
               "plain JVM", False, notes=note)
    for index, (p, s) in enumerate(zip(plain, shared)):
        result.line("launch to first Pipes message", "launch", "s", "plain JVM", (index + 1, p.first_message))
        result.line("launch to first Pipes message", "launch", "s", "AppCDS", (index + 1, s.first_message))
    result.checks.update({"launches": count, "archive_bytes": int(archive_mib * 2**20)})
    result.write(raw_dir)
    return result


if __name__ == "__main__":
    arguments = parse_args(__doc__)
    print(run(arguments.size, arguments.raw_dir).write(arguments.raw_dir))
