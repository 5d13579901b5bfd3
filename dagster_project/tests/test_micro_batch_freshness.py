"""The micro-batch path as `make run` runs it, with nothing launched by hand: the exchange
simulator in real time, the engine on five venues x two pairs, `dagster dev` with the sensor and
its daemon. Finished minutes of every venue reach silver on their own, each within a bound.

scripts/measure-freshness.py runs the demo on free ports and freshly created databases and
stops as soon as every venue/pair has two counted minutes in silver (about four minutes here).
The bound asserted is the one the pipeline itself alarms on (the silver check's default
`checks.max_silver_lag_seconds`, 600 s), not the five-minute target: that one is a measurement,
`make freshness`, kept out of CI because it is wall-clock time on a shared machine.
"""

import json
import os
import random
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from dagster_project.config import REPO_ROOT

BOUND_SECONDS = 600
TIMEOUT_SECONDS = 600


def _free_base_port() -> int:
    """A base port whose demo ports (venues on base..base+4, the simulator's admin on base+99) and
    Dagster's (base+98) are free now: two make test runs on one machine no longer share 18400/3400.
    Below Linux's ephemeral range, so a test's bind-0 socket does not take one meanwhile."""
    for _ in range(200):
        base = random.randrange(20000, 32000)
        try:
            for port in [*range(base, base + 5), base + 98, base + 99]:
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free block of demo ports in 20000-32000")


@pytest.fixture
def freshness_databases(database_url: str):
    """A database-name prefix of this run's own; measure-freshness.py creates <prefix> and
    <prefix>_dagster, dropped here afterwards (a fixed prefix let two runs drop each other's)."""
    prefix = f"kline_freshness_test_{uuid.uuid4().hex[:8]}"
    yield prefix
    with psycopg.connect(database_url, autocommit=True) as conn:
        for name in (prefix, prefix + "_dagster"):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# make test runs it beside the JUnit suites (scripts/make-test.sh): it mostly waits.
@pytest.mark.realtime
def test_every_venue_s_finished_minutes_reach_silver_through_the_sensor_alone(tmp_path: Path, database_url: str,
                                                                              freshness_databases: str) -> None:
    report = tmp_path / "freshness.json"
    base_port = _free_base_port()
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "measure-freshness.py"), "--no-gap", "--until-each-stream", "2",
         "--duration", str(TIMEOUT_SECONDS - 60), "--bound", str(BOUND_SECONDS), "--base-port", str(base_port),
         "--dagster-port", str(base_port + 98), "--database-prefix", freshness_databases, "--dir", str(tmp_path / "demo"),
         "--json", str(report)],
        env={**os.environ, "KLINE_DATABASE_URL": database_url},
        capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
    )
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr + (tmp_path / "demo" / "demo.log").read_text()[-4000:]
    result = json.loads(report.read_text())
    assert result["late"] == [] and result["missing"] == []
    for venue, lags in result["venues"].items():
        assert lags["minutes_by_source"].get("websocket", 0) >= 4, f"{venue}: two minutes of each pair, from its WebSocket"
        assert 0 < lags["max_lag_seconds"] <= BOUND_SECONDS, venue
