"""Row 6, end-to-end freshness with `make run`'s settings: how long a finished minute takes to reach
silver with nothing launched by hand. It reuses scripts/measure-freshness.py (make demo's pipeline:
the exchange simulator in real time, the engine on five venues x two pairs, dagster dev with the
sensor), shortened: it stops once every venue/pair has three counted minutes in silver. The
yardstick is the orchestration issue's bound, 5 minutes. Not run at tiny size: the micro-batch
pytest (dagster_project/tests/test_micro_batch_freshness.py) runs the same script in make test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.common import REPO_ROOT, Result, parse_args, scratch_dir

BENCHMARK = "freshness"
BOUND_SECONDS = 300.0
MINUTES_PER_STREAM = 3


def run(size: str, raw_dir: Path) -> Result:
    result = Result(BENCHMARK, "End-to-end freshness: a finished minute's way from the exchange to silver (make run's settings)", size)
    with scratch_dir("bench-freshness") as folder:
        report = folder / "freshness.json"
        # Ports apart from make freshness's (18300, 3300); the micro-batch test takes free ones in 20000-32000.
        done = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "measure-freshness.py"), "--until-each-stream",
                               str(MINUTES_PER_STREAM), "--duration", "900", "--bound", str(BOUND_SECONDS), "--json", str(report),
                               "--base-port", "18500", "--dagster-port", "3500", "--database-prefix", "kline_bench_freshness"],
                              cwd=REPO_ROOT, capture_output=True, text=True)
        if not report.exists():
            raise RuntimeError(f"measure-freshness.py exited {done.returncode} without a report:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        measured = json.loads(report.read_text())
    for venue, lags in measured["venues"].items():
        worst = lags["max_lag_seconds"]
        result.row(f"{venue}: worst lag of its counted minutes", "s", worst, BOUND_SECONDS, "the 5-minute bound", False,
                   f"< {BOUND_SECONDS:.0f} s", worst is not None and worst < BOUND_SECONDS,
                   f"{lags['all']}; by source {lags['minutes_by_source']}")
    result.checks.update({"late": measured["late"], "missing": measured["missing"], "observed_seconds": measured["observed_seconds"],
                          "counted_minutes": measured["counted_minutes"], "all": measured["all"]})
    result.write(raw_dir)
    return result


if __name__ == "__main__":
    arguments = parse_args(__doc__)
    if arguments.size == "tiny":
        print("freshness: not run at tiny size (the micro-batch pytest runs measure-freshness.py in make test)")
        sys.exit(0)
    print(run(arguments.size, arguments.raw_dir).write(arguments.raw_dir))
