"""scripts/bench-engine.py at tiny size, as make test runs it: the engine captures the simulator's
firehose, and every frame the simulator sent is on disk once (no time is asserted)."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "bench-engine.py"
JARS = [ROOT / "ingestion-engine" / "target" / "kline-engine.jar", ROOT / "exchange-simulator" / "target" / "exchange-simulator.jar"]


def bench_module():
    spec = importlib.util.spec_from_file_location("bench_engine", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_engine"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not all(jar.exists() for jar in JARS), reason="needs the jars (make build)")
def test_tiny_engine_benchmark_writes_its_rows_and_loses_nothing(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "tiny", "--no-cryptofeed", "--raw-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr

    document = json.loads((tmp_path / "engine.json").read_text())
    assert document["benchmark"] == "engine" and document["size"] == "tiny"
    runs = document["checks"]["runs"]
    assert runs and all(run["client"] == "engine" for run in runs)
    for run in runs:
        assert run["expected"] > 0 and run["lines"] == run["expected"] and run["no_loss"], run
        assert run["latency_samples"] > 0, run
    metrics = {row["metric"] for row in document["rows"]}
    assert any("per core" in m for m in metrics) and any("p99" in m for m in metrics)
    for row in document["rows"]:
        assert set(row) >= {"case", "metric", "ours", "baseline", "baseline_name", "ratio", "higher_is_better", "goal", "goal_met"}
    assert document["series"]["throughput"]["lines"]["ours"]


def test_a_stream_short_of_a_frame_or_a_stream_nobody_sent_is_reported_as_loss() -> None:
    loss = bench_module().loss
    sent = {"s0000usdt": 10, "s0001usdt": 12}
    assert loss({"s0000usdt": 10, "s0001usdt": 12}, sent, 2) == ""
    assert "1 of 2 streams differ" in loss({"s0000usdt": 10, "s0001usdt": 11}, sent, 2)
    assert "1 of 2 streams differ" in loss({"s0000usdt": 11, "s0001usdt": 12}, sent, 2)  # doubled
    assert "nobody sent" in loss({"s0000usdt": 10, "s0001usdt": 12, "s0002usdt": 1}, sent, 2)
    assert "reported 2 of 3" in loss({"s0000usdt": 10, "s0001usdt": 12}, sent, 3)
