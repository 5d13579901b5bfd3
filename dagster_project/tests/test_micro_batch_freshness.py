"""The micro-batch path as `make run` runs it, with nothing launched by hand: the exchange
simulator in real time, the engine on five venues x two pairs, `dagster dev` with the sensor and
its daemon. Finished minutes of every venue reach silver on their own, each within a bound.

scripts/measure-freshness.py runs the demo on its own ports and freshly created databases and
stops as soon as every venue/pair has two counted minutes in silver (about four minutes here).
The bound asserted is the one the pipeline itself alarms on (the silver check's default
`checks.max_silver_lag_seconds`, 600 s), not the five-minute target: that one is a measurement,
`make freshness`, kept out of CI because it is wall-clock time on a shared machine.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project.config import REPO_ROOT

BOUND_SECONDS = 600
TIMEOUT_SECONDS = 600


# make test runs it beside the JUnit suites (scripts/make-test.sh): it mostly waits.
@pytest.mark.realtime
def test_every_venue_s_finished_minutes_reach_silver_through_the_sensor_alone(tmp_path: Path, database_url: str) -> None:
    report = tmp_path / "freshness.json"
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "measure-freshness.py"), "--no-gap", "--until-each-stream", "2",
         "--duration", str(TIMEOUT_SECONDS - 60), "--bound", str(BOUND_SECONDS), "--base-port", "18400",
         "--dagster-port", "3400", "--database-prefix", "kline_freshness_test", "--dir", str(tmp_path / "demo"),
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
