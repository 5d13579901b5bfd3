#!/usr/bin/env python3
"""`make bench`: runs every benchmark (bench/<name>.py), each writing bench/results/raw/<name>.json,
then scripts/bench-report.py (bench/results/latest.md and a PNG per chart).

    scripts/bench.py [--size tiny|full] [--only NAME ...] [--raw-dir DIR] [--out-dir DIR]

Needs the built jars (make build) and KLINE_DATABASE_URL (make bench sets both up). A benchmark
that fails does not stop the others; the driver then exits 1 naming it. `make test` runs the same
path at --size tiny (bench/tests/test_bench_tiny.py), so no benchmark can rot unnoticed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS = REPO_ROOT / "bench" / "results"

# (name, command) per benchmark; each command gets --size and --raw-dir appended and writes
# <raw-dir>/<name>.json as bench/README.md describes. A new benchmark is one more line here.
BENCHMARKS: list[tuple[str, list[str]]] = [
    # Row 1: the engine against cryptofeed 3.0.1 on the simulator's firehose (installs cryptofeed itself).
    ("engine", [sys.executable, "scripts/bench-engine.py"]),
    ("bronze-load", [sys.executable, "-m", "bench.bronze_load"]),
    ("rest-backfill", [sys.executable, "-m", "bench.rest_backfill"]),
    ("silver-merge", [sys.executable, "-m", "bench.silver_merge"]),
    ("launch-overhead", [sys.executable, "-m", "bench.launch_overhead"]),
    # Row 6 runs make demo's pipeline for some minutes; at tiny size it only says so (the micro-batch
    # pytest runs the same script in make test).
    ("freshness", [sys.executable, "-m", "bench.freshness"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=("tiny", "full"), default="full", help="full (make bench, default) or tiny (make test)")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=[name for name, _ in BENCHMARKS], help="run only these")
    parser.add_argument("--raw-dir", type=Path, default=RESULTS / "raw", help="where each <name>.json goes (default bench/results/raw)")
    parser.add_argument("--out-dir", type=Path, default=RESULTS, help="where latest.md and the charts go (default bench/results)")
    args = parser.parse_args()

    failed = []
    for name, command in BENCHMARKS:
        if args.only and name not in args.only:
            continue
        print(f"bench: {name} ({args.size}) ...", flush=True)
        began = time.monotonic()
        done = subprocess.run([*command, "--size", args.size, "--raw-dir", str(args.raw_dir)], cwd=REPO_ROOT)
        print(f"bench: {name} {'done' if done.returncode == 0 else f'FAILED (exit {done.returncode})'}"
              f" in {time.monotonic() - began:.0f} s", flush=True)
        if done.returncode != 0:
            failed.append(name)
    report = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "bench-report.py"),
                             "--raw-dir", str(args.raw_dir), "--out-dir", str(args.out_dir)], cwd=REPO_ROOT)
    if failed:
        print(f"bench: failed: {', '.join(failed)} (their raw JSON, if any, is from an earlier run)", file=sys.stderr)
        return 1
    return report.returncode


if __name__ == "__main__":
    sys.exit(main())
