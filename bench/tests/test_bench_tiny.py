"""make test runs every benchmark once at tiny size through make bench's own driver, so none can rot.
What is asserted is what each run computed (rows loaded equal to the baselines' rows, merges equal
to the per-row baseline's table, gaps filled), and that the report holds every benchmark; never time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.common import REPO_ROOT, SIMULATOR_JAR, WORKER_JAR, WORKER_TEST_CLASSES

pytestmark = pytest.mark.skipif(
    not (WORKER_JAR.exists() and WORKER_TEST_CLASSES.exists() and SIMULATOR_JAR.exists()),
    reason="the jars and java-workers' test classes are not built yet (mvn package, as make test runs first)",
)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench")
    # The rows this test asserts on; the engine's row has its own tiny test (test_bench_engine.py), and
    # freshness's path is the micro-batch test's.
    only = ["--only", "bronze-load", "rest-backfill", "silver-merge", "launch-overhead"]
    done = subprocess.run([sys.executable, "scripts/bench.py", "--size", "tiny", *only, "--raw-dir", str(out / "raw"), "--out-dir", str(out)],
                          cwd=REPO_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def raw(run: Path, benchmark: str) -> dict:
    document = json.loads((run / "raw" / f"{benchmark}.json").read_text())
    assert document["size"] == "tiny"
    for row in document["rows"]:
        assert {"case", "metric", "ours", "baseline", "baseline_name", "ratio", "higher_is_better", "goal", "goal_met", "notes"} <= row.keys()
    return document


def test_bronze_load_loads_every_row_the_baselines_load_and_keeps_them_on_rerun(tiny_run: Path) -> None:
    checks = raw(tiny_run, "bronze-load")["checks"]
    assert len(checks) == 2
    for case in checks.values():
        assert case["rows_loaded"] == case["expected_rows"] == case["copy_rows"] == case["naive_rows"]
        assert case["rows_unchanged_on_rerun"] == case["rows_loaded"]


def test_silver_merge_gives_the_table_the_per_row_upserts_give_and_changes_nothing_the_second_time(tiny_run: Path) -> None:
    checks = raw(tiny_run, "silver-merge")["checks"]
    assert checks["silver_rows"] == checks["expected_silver_rows"] == checks["baseline_rows"] == checks["inserted_first"]
    assert checks["rows_differing_from_baseline"] == 0
    assert checks["inserted_second"] == 0 and checks["baseline_changed_second"] == 0
    # Every pair (5 listings each) of the second launch was reported from the first's merge mark.
    assert checks["pairs_from_marks_second"] == checks["listings"] // 5


def test_rest_backfill_fills_every_venues_gap_in_the_fewest_requests(tiny_run: Path) -> None:
    checks = raw(tiny_run, "rest-backfill")["checks"]
    assert sorted(checks) == ["binance", "bybit", "coinbase", "kraken", "okx"]
    for venue in checks.values():
        assert venue["still_missing"] == 0
        assert venue["filled"] + venue["checked_empty"] == venue["missing"] > 0
        assert venue["requests"] == venue["fewest_requests"]


def test_launch_overhead_times_launches_with_and_without_an_appcds_archive(tiny_run: Path) -> None:
    document = raw(tiny_run, "launch-overhead")
    assert document["checks"]["archive_bytes"] > 0
    assert all(row["ours"] > 0 and row["baseline"] > 0 for row in document["rows"])


def test_report_has_a_table_per_benchmark_and_its_charts(tiny_run: Path) -> None:
    report = (tiny_run / "latest.md").read_text()
    for benchmark in ("bronze-load", "rest-backfill", "silver-merge", "launch-overhead"):
        assert f"`{benchmark}`, size tiny" in report
    charts = sorted(p.name for p in tiny_run.glob("*.png"))
    assert "bronze-load-rows-per-second-vs-input-size.png" in charts
    for chart in charts:
        assert f"]({chart})" in report
