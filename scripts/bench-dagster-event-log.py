#!/usr/bin/env python3
"""What one event costs Dagster's run storage: dagster-postgres' own event log (a connection per
statement, every commit waiting for the disk) against `make run`'s (dagster_project/instance_storage.py:
pooled connections, synchronous_commit=off on Dagster's connections), in the same process, interleaved.

A run at 500 streams records about 3,300 events (planned, output and materialization per asset),
each one written as it happens; this is the write of one materialization event, the commonest kind.

  .venv/bin/python scripts/bench-dagster-event-log.py [--events 300] [--rounds 3] [--out bench/results/raw/dagster-event-log.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
from dagster import AssetKey, AssetMaterialization, DagsterEvent, DagsterEventType
from dagster._core.events import StepMaterializationData
from dagster._core.events.log import EventLogEntry
from dagster_postgres.event_log import PostgresEventLogStorage

from demo_harness import ROOT, fresh_database, server_url

sys.path.insert(0, str(ROOT))
from dagster_project.instance_storage import PooledPostgresEventLogStorage  # noqa: E402

_NO_DISK_WAIT = "options=-c%20synchronous_commit%3Doff"


def _entry(index: int) -> EventLogEntry:
    event = DagsterEvent(
        DagsterEventType.ASSET_MATERIALIZATION.value, "kline_pipeline_job",
        event_specific_data=StepMaterializationData(AssetMaterialization(
            AssetKey(["bronze", f"binance_p{index % 500:03d}usdt_ws"]), partition="2026-12-06-08:00",
            metadata={"rows_inserted": index, "objects_read": 3})),
    )
    return EventLogEntry(error_info=None, level="DEBUG", user_message="", run_id="bench-" + "0" * 30,
                         timestamp=time.time(), step_key="ext_to_bronze_binance", job_name="kline_pipeline_job",
                         dagster_event=event)


def _ms_per_event(storage: PostgresEventLogStorage, events: int) -> float:
    storage.store_event(_entry(0))  # tables and index lookups warmed up, as in a run under way
    started = time.perf_counter()
    for index in range(events):
        storage.store_event(_entry(index))
    return 1000 * (time.perf_counter() - started) / events


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=300, help="events written per storage and round (default 300)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the median counts (default 3)")
    parser.add_argument("--database", default="kline_bench_dagster_events", help="recreated, then dropped")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "raw" / "dagster-event-log.json")
    args = parser.parse_args()

    server = server_url()
    url = fresh_database(server, args.database)
    ours_url = url + ("&" if "?" in url else "?") + _NO_DISK_WAIT
    load = [round(x, 1) for x in os.getloadavg()]
    baseline, ours = [], []
    for _ in range(args.rounds):
        baseline.append(_ms_per_event(PostgresEventLogStorage(url), args.events))
        ours.append(_ms_per_event(PooledPostgresEventLogStorage(ours_url), args.events))
        print(f"dagster-postgres {baseline[-1]:.1f} ms/event, make run's {ours[-1]:.1f} ms/event", flush=True)
    load_after = [round(x, 1) for x in os.getloadavg()]
    ours_ms, baseline_ms = statistics.median(ours), statistics.median(baseline)
    document = {
        "benchmark": "dagster-event-log",
        "title": "Dagster's event log: one materialization event written, make run's storage vs dagster-postgres'",
        "ran_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "postgres": subprocess.run(["bash", "-c", "ls /usr/lib/postgresql | sort -n | tail -1"],
                                               capture_output=True, text=True).stdout.strip()},
        "size": "full",
        "rows": [{
            "case": "one event written to the run storage", "metric": "ms", "ours": round(ours_ms, 2),
            "baseline": round(baseline_ms, 2), "baseline_name": "dagster-postgres (connection per statement, commit waits for the disk)",
            "ratio": round(baseline_ms / ours_ms, 2), "higher_is_better": False, "goal": "", "goal_met": None,
            "notes": f"median of {args.rounds} interleaved rounds of {args.events} events; load average {load} before, {load_after} after",
        }],
        "series": {},
        "rounds": {"ours_ms": [round(x, 2) for x in ours], "baseline_ms": [round(x, 2) for x in baseline]},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=1) + "\n")
    print(f"ours {ours_ms:.1f} ms/event, dagster-postgres {baseline_ms:.1f} ms/event: {baseline_ms / ours_ms:.1f}x; wrote {args.out}")
    admin = psycopg2.connect(server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    admin.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
