"""What every benchmark shares: sizes, the machine, the raw JSON it writes, timed launches of the
worker jar (the way Dagster launches it), a database of its own, psql."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = REPO_ROOT / "bench" / "results"
RAW_DIR = RESULTS_DIR / "raw"
# $KLINE_WORKER_JAR as Dagster reads it; the test classes (the benchmarks' Java helpers) likewise.
WORKER_JAR = Path(os.environ.get("KLINE_WORKER_JAR") or REPO_ROOT / "java-workers" / "target" / "kline-worker.jar")
WORKER_TEST_CLASSES = Path(os.environ.get("KLINE_WORKER_TEST_CLASSES") or REPO_ROOT / "java-workers" / "target" / "test-classes")
SIMULATOR_JAR = REPO_ROOT / "exchange-simulator" / "target" / "exchange-simulator.jar"
SIZES = ("tiny", "full")
DEFAULT_DATABASE_URL = "postgresql://kline:kline@127.0.0.1:5432/kline"


def parse_args(description: str) -> argparse.Namespace:
    """The command line every benchmark takes: its size and where its raw JSON goes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--size", choices=SIZES, default="full", help="tiny: seconds, for make test; full: make bench's (default)")
    parser.add_argument("--raw-dir", type=Path, default=RAW_DIR, help=f"where <benchmark>.json goes (default {RAW_DIR})")
    return parser.parse_args()


def database_url() -> str:
    return os.environ.get("KLINE_DATABASE_URL") or DEFAULT_DATABASE_URL


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url.removeprefix("jdbc:"))
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def java() -> str:
    return os.environ.get("KLINE_JAVA") or "java"


def machine() -> dict[str, object]:
    """The machine the numbers were taken on, as the contract's `machine` object."""
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal:"))
    java_version = subprocess.run([java(), "-version"], capture_output=True, text=True).stderr.splitlines()
    postgres = psql_value(database_url(), "SHOW server_version")
    return {
        "cpus": os.cpu_count(),
        "mem_gib": round(mem_kib / 2**20, 1),
        "postgres": postgres.split()[0],
        "java": re.sub(r'^.*version "([^"]+)".*$', r"\1", java_version[0]) if java_version else "unknown",
        "python": platform.python_version(),
    }


def ratio(ours: float | None, baseline: float | None, higher_is_better: bool) -> float | None:
    """> 1 means we win: ours/baseline when higher is better, baseline/ours otherwise."""
    if not ours or not baseline:
        return None
    return round(ours / baseline if higher_is_better else baseline / ours, 3)


@dataclass
class Result:
    """One benchmark's raw JSON, built row by row."""

    benchmark: str
    title: str
    size: str
    rows: list[dict[str, object]] = field(default_factory=list)
    series: dict[str, dict[str, object]] = field(default_factory=dict)
    # Facts the tiny run asserts on (row counts equal the baseline's and the like); kept in the JSON.
    checks: dict[str, object] = field(default_factory=dict)

    def row(
        self,
        case: str,
        metric: str,
        ours: float | None,
        baseline: float | None,
        baseline_name: str,
        higher_is_better: bool,
        goal: str = "",
        goal_met: bool | None = None,
        notes: str = "",
    ) -> None:
        self.rows.append(
            {
                "case": case,
                "metric": metric,
                "ours": _round(ours),
                "baseline": _round(baseline),
                "baseline_name": baseline_name,
                "ratio": ratio(ours, baseline, higher_is_better),
                "higher_is_better": higher_is_better,
                "goal": goal,
                "goal_met": goal_met,
                "notes": notes,
            }
        )

    def line(self, chart: str, x_label: str, y_label: str, name: str, point: tuple[float, float]) -> None:
        chart_entry = self.series.setdefault(chart, {"x_label": x_label, "y_label": y_label, "lines": {}})
        chart_entry["lines"].setdefault(name, []).append([point[0], _round(point[1])])

    def write(self, raw_dir: Path) -> Path:
        raw_dir.mkdir(parents=True, exist_ok=True)
        path = raw_dir / f"{self.benchmark}.json"
        document = {
            "benchmark": self.benchmark,
            "title": self.title,
            "ran_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            "machine": machine(),
            "size": self.size,
            "rows": self.rows,
            "series": self.series,
            "checks": self.checks,
        }
        path.write_text(json.dumps(document, indent=2) + "\n")
        return path


def _round(value: float | None) -> float | None:
    if value is None:
        return None
    return float(f"{value:.4g}") if abs(value) < 1000 else round(value, 1)


@dataclass(frozen=True)
class Launch:
    """A finished process: wall seconds, CPU seconds (user + system), peak RSS, its output."""

    wall: float
    cpu: float
    peak_rss_mib: float
    stdout: str
    stderr: str
    exit_code: int = 0


def launch(command: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None, check: bool = True) -> Launch:
    """Runs a command to its end and measures it; os.wait4 gives the rusage of exactly this child."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{uuid.uuid4().hex}"
    with open(f"{out_path}.out", "w+") as out, open(f"{out_path}.err", "w+") as err:
        began = time.perf_counter()
        process = subprocess.Popen(list(command), env={**os.environ, **(env or {})}, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Launch(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read(), err.read(),
                        process.returncode)
    os.unlink(f"{out_path}.out")
    os.unlink(f"{out_path}.err")
    if check and process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n{result.stderr[-4000:]}\n{result.stdout[-2000:]}")
    return result


# How Dagster launches a worker: KlineWorkerResource's command line and JVM options.
def worker_command(config: Path, *args: str, jvm_options: Sequence[str] = ()) -> list[str]:
    from dagster_project.worker_jvm import DEFAULT_SUBCOMMAND_JVM_OPTIONS, DEFAULT_WORKER_JVM_OPTIONS

    subcommand_options = DEFAULT_SUBCOMMAND_JVM_OPTIONS.get(args[0], ()) if args else ()
    return [java(), *DEFAULT_WORKER_JVM_OPTIONS, *subcommand_options, *jvm_options, "-jar", str(WORKER_JAR), "--config", str(config), *args]


class DagsterLaunches:
    """Worker launches exactly as KlineWorkerResource makes them by default: its JVM options and
    class-data sharing (AppCDS) from an archive an earlier launch made. Without the archive a timed
    launch would pay class loading and verification that no launch under Dagster pays after its
    first. The archive lives in `folder` (a scratch folder, not beside the jar) and is made by
    `warm_up`, an untimed launch that should run the timed launches' subcommand so the archive
    holds their classes."""

    def __init__(self, folder: Path) -> None:
        from dagster_project.worker_jvm import ClassArchive

        self.archive = ClassArchive(WORKER_JAR, java(), folder)

    def warm_up(self, config: Path, *args: str, env: dict[str, str] | None = None) -> Launch:
        options, done = self.archive.launch_options()
        result = launch(worker_command(config, *args, jvm_options=options), env=env, check=False)
        done(result.exit_code)
        if result.exit_code != 0 or not self.archive.path().exists():
            raise RuntimeError(f"the warm-up launch exited {result.exit_code} and made no class archive:\n{result.stderr[-4000:]}")
        return result

    def command(self, config: Path, *args: str) -> list[str]:
        options, _ = self.archive.launch_options()
        if not self.archive.path().exists():
            raise RuntimeError("DagsterLaunches.command before warm_up: the timed launch would write the archive")
        return worker_command(config, *args, jvm_options=options)


def test_tool_command(main_class: str, *args: str) -> list[str]:
    """A bench helper from java-workers' test classes, with the worker jar's dependencies."""
    return [java(), "-cp", f"{WORKER_JAR}:{WORKER_TEST_CLASSES}", main_class, *args]


def worker_metadata(stdout: str) -> dict[str, dict[str, str]]:
    """The `<what> <label> done` blocks a worker prints, each with its `  name: value` lines."""
    blocks: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in stdout.splitlines():
        if line.endswith(" done") and not line.startswith(" "):
            current = blocks.setdefault(line[: -len(" done")], {})
        elif line.startswith("  ") and current is not None and ": " in line:
            name, value = line.strip().split(": ", 1)
            current[name] = value
    return blocks


def psql(url: str, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, *args], input=stdin, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"psql {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def psql_value(url: str, query: str) -> str:
    return psql(url, "-At", "-c", query).strip()


@contextmanager
def scratch_database(prefix: str, template: str | None = None) -> Iterator[str]:
    """A database of this run's own, dropped afterwards: never one that another run or test uses;
    a copy of `template` (a database URL) when given."""
    server = database_url()
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = with_database(server, "postgres")
    copy = f" TEMPLATE {urlsplit(template).path.lstrip('/')}" if template else ""
    psql(admin, "-c", f"CREATE DATABASE {name}{copy}")
    try:
        yield with_database(server, name)
    finally:
        _drop(admin, name)


def _drop(admin: str, name: str) -> None:
    # Not WITH (FORCE): that would have to terminate the autovacuum worker a large load starts, which
    # only a superuser may; a plain DROP cancels autovacuum itself. Our own sessions are closed by now,
    # but a server may take a moment to let go of a just-ended one.
    for attempt in range(30):
        try:
            psql(admin, "-c", f"DROP DATABASE IF EXISTS {name}")
            return
        except RuntimeError:
            if attempt == 29:
                raise
            time.sleep(1)


@contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"{prefix}-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
