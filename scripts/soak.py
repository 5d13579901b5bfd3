#!/usr/bin/env python3
"""`make soak`: 500 streams (100 pairs x 5 venues) through the whole pipeline on one machine, measured.

Runs `make demo` of its own (scripts/demo.sh with KLINE_DEMO_PAIRS: the exchange simulator in real
time, the engine via bin/kline-engine, `dagster dev` with its daemon and `make run`'s micro-batch
sensor launching the workers, PostgreSQL from scripts/ensure-postgres.sh) on its own ports,
directory and freshly created databases, for --minutes. Every --interval seconds it reads /proc:
RSS and CPU time of each process of the demo's session, by component (engine, Dagster webserver,
daemon, code server, run workers, the kline-worker JVMs they launch, the simulator apart: it is the
load, not the pipeline), and PSS of the PostgreSQL server's processes (its shared buffers would be
counted once per backend in RSS) other than backends of other databases. Then it keeps the pipeline
running up to --drain-minutes until silver holds every minute the simulator served, and compares.

Goals (issue 10): everything within 4 GiB, under 50% of two cores on average, silver complete.

  .venv/bin/python scripts/soak.py [--minutes 30] [--pairs 100] [--interval 5] [--drain-minutes 15]
                                   [--out-dir bench/results] [--keep-dir]

Writes <out-dir>/soak.md (the table), <out-dir>/raw/soak.json (make bench's raw schema: rows of ours
vs the budget, the samples as series) and <out-dir>/soak-memory.png when matplotlib is installed.
Exits 1 when a goal is missed, 2 when the pipeline could not be run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from demo_harness import ROOT, demo_pairs, prepare_demo, remove_demo_dir, start_demo, stop_demo

MEMORY_BUDGET_MIB = 4096.0
CPU_BUDGET_PERCENT = 50.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
CORES = os.cpu_count() or 1
BUDGET_CORES = 2
SIMULATOR = "simulator"
POSTGRES = "postgresql"
# First match wins; the kline-worker jar also runs the sensor's list-finished, which is a worker launch too.
COMPONENTS = (
    (SIMULATOR, re.compile(r"exchange-simulator\.jar")),
    ("engine", re.compile(r"kline-engine\.jar")),
    ("kline-worker JVMs", re.compile(r"kline-worker\.jar")),
    # The code server starts each run in a multiprocessing child, which tails its compute logs.
    ("dagster run workers", re.compile(r"multiprocessing\.spawn|multiprocessing\.resource_tracker|watch_orphans|tail -F .*compute_logs|execute_run")),
    ("dagster webserver", re.compile(r"dagster[-_]webserver|dagster_graphql")),
    ("dagster daemon", re.compile(r"dagster[-_.]+daemon")),
    ("dagster code server", re.compile(r"api grpc|code[-_]server|grpc")),
)
OTHER = "dg dev and shells"
# Background processes of the server, shared by every database (counted whole).
_PG_BACKEND = re.compile(r"^postgres: (\S+) (\S+) \S+")


@dataclass
class Proc:
    component: str
    cpu_first: float
    cpu_last: float
    started_in_soak: bool


@dataclass
class Sample:
    t: float
    mem_mib: dict[str, float]
    cpu_s: dict[str, float]
    load1: float
    machine_busy: float


@dataclass
class Sampler:
    """Reads /proc every interval: memory per component now, CPU-seconds per component so far."""

    session: int
    databases: tuple[str, ...]
    started: float
    procs: dict[tuple[int, int], Proc] = field(default_factory=dict)
    # One command line per component and shape (numbers masked), to check the classification by eye.
    commands: dict[str, set[str]] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)
    _boot: float = field(default_factory=lambda: _boot_time())
    _stat: tuple[float, float] | None = None

    def sample(self) -> Sample:
        mem: dict[str, float] = {}
        for pid in _pids():
            info = self._read(pid)
            if info is None:
                continue
            component, key, cpu, mib = info
            proc = self.procs.get(key)
            if proc is None:
                born = self._boot + key[1] / CLOCK_TICKS
                started_in_soak = born >= self.started - 1
                proc = self.procs[key] = Proc(component, 0.0 if started_in_soak else cpu, cpu, started_in_soak)
            proc.cpu_last = cpu
            mem[component] = mem.get(component, 0.0) + mib
        cpu_s: dict[str, float] = {}
        for proc in self.procs.values():
            cpu_s[proc.component] = cpu_s.get(proc.component, 0.0) + proc.cpu_last - proc.cpu_first
        sample = Sample(time.time() - self.started, mem, cpu_s, os.getloadavg()[0], self._machine_busy())
        self.samples.append(sample)
        return sample

    def _read(self, pid: int) -> tuple[str, tuple[int, int], float, float] | None:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if cmdline.startswith("postgres") or "/bin/postgres" in cmdline.split(" ")[0]:
                component = self._postgres(cmdline)
                if component is None:
                    return None
                mib = _pss_mib(pid)
            elif os.getsid(pid) == self.session:
                component = next((name for name, pattern in COMPONENTS if pattern.search(cmdline)), OTHER)
                shapes = self.commands.setdefault(component, set())
                if len(shapes) < 20:
                    shapes.add(re.sub(r"\d+", "N", cmdline)[:200])
                mib = int(fields[21]) * PAGE_KIB / 1024
            else:
                return None
        except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError, IndexError):
            return None
        cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        return component, (pid, int(fields[19])), cpu, mib

    def _postgres(self, cmdline: str) -> str | None:
        backend = _PG_BACKEND.match(cmdline)
        if backend and backend.group(2) not in self.databases:
            # Another database's backend (another user of the shared server), or an autovacuum worker line.
            return None
        return POSTGRES

    def _machine_busy(self) -> float:
        """Share of all cores busy since the last sample, from /proc/stat (everyone's work, not only ours)."""
        fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle, total = fields[3] + fields[4], sum(fields[:8])
        previous, self._stat = self._stat, (idle, total)
        if previous is None or total == previous[1]:
            return 0.0
        return 100.0 * (1 - (idle - previous[0]) / (total - previous[1]))


def _boot_time() -> float:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    raise RuntimeError("/proc/stat has no btime")


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _pss_mib(pid: int) -> float:
    """PSS (shared pages divided among the processes sharing them); RSS where smaps_rollup is missing."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, PermissionError):
        pass
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KIB / 1024


# ------------------------------------------------------------------------------------------ completeness

def served_minutes(admin: str, exchange: str, symbol: str, start: dt.datetime, end: dt.datetime) -> dict[dt.datetime, float]:
    """The simulator's true candles of [start, end) with at least one trade: minute start -> close. A minute
    without trades has no candle on the venues that build theirs from trades (Coinbase, Kraken)."""
    query = urllib.parse.urlencode({"symbol": symbol, "from": _iso(start), "to": _iso(end)})
    with urllib.request.urlopen(f"{admin}/venues/{exchange}/candles?{query}", timeout=30) as response:
        candles = json.load(response)
    return {dt.datetime.fromisoformat(c["start"].replace("Z", "+00:00")): float(c["close"]) for c in candles
            if c["trade_count"] > 0}


def silver_minutes(connection, start: dt.datetime, end: dt.datetime) -> dict[tuple[str, str], dict[dt.datetime, float]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT exchange, symbol, interval_start, close FROM silver.fact_ohlcv"
                       " WHERE interval_seconds = 60 AND interval_start >= %s AND interval_start < %s", (start, end))
        found: dict[tuple[str, str], dict[dt.datetime, float]] = {}
        for exchange, symbol, interval_start, close in cursor.fetchall():
            found.setdefault((exchange, symbol), {})[interval_start] = close
    return found


def compare(served: dict[tuple[str, str, str], dict[dt.datetime, float]],
            silver: dict[tuple[str, str], dict[dt.datetime, float]]) -> dict:
    """Served minutes missing from silver, closes that differ, and gaps inside each stream's loaded span."""
    missing, wrong_close, gaps, loaded = [], [], [], 0
    served_total = sum(len(m) for m in served.values())
    for (exchange, symbol, canonical), minutes in sorted(served.items()):
        rows = silver.get((exchange, canonical), {})
        loaded += sum(1 for m in minutes if m in rows)
        missing += [f"{exchange}/{symbol} {_iso(m)}" for m in sorted(minutes) if m not in rows]
        wrong_close += [f"{exchange}/{symbol} {_iso(m)}: silver {rows[m]} vs {close}" for m, close in sorted(minutes.items())
                        if m in rows and abs(rows[m] - close) > 1e-9 * max(1.0, abs(close))]
        if rows:
            present = sorted(rows)
            span = (present[-1] - present[0]).total_seconds() // 60 + 1
            served_in_span = [m for m in minutes if present[0] <= m <= present[-1]]
            if span > len(present) and len(served_in_span) > len(present):
                gaps.append(f"{exchange}/{symbol}: {len(present)} minutes loaded over a span of {span:.0f}")
    return {"served_minutes": served_total, "loaded_minutes": loaded, "missing": missing, "wrong_close": wrong_close,
            "gaps": gaps, "streams": len(served)}


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------------------------------- dagster runs

def dagster_runs(dagster_url: str) -> dict:
    """What Dagster spent per run: each run's wall time and the events it recorded, by type (the
    run storage's runs and event_logs tables), to tell Dagster's bookkeeping from the workers' SQL."""
    with psycopg2.connect(dagster_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT run_id, status, start_time, end_time FROM runs ORDER BY create_timestamp")
        runs = cursor.fetchall()
        cursor.execute("SELECT run_id, dagster_event_type, count(*) FROM event_logs WHERE run_id <> ''"
                       " GROUP BY run_id, dagster_event_type")
        events: dict[str, dict[str, int]] = {}
        for run_id, event_type, count in cursor.fetchall():
            events.setdefault(run_id, {})[event_type or "log line"] = count
    listed = [{"run_id": run_id[:8], "status": status,
               "seconds": round(end - begin, 1) if begin and end else None,
               "events": sum(events.get(run_id, {}).values()), "events_by_type": events.get(run_id, {})}
              for run_id, status, begin, end in runs]
    finished = [r["seconds"] for r in listed if r["status"] == "SUCCESS" and r["seconds"] is not None]
    return {"runs": len(listed), "succeeded": len(finished),
            "seconds_per_run": {"min": min(finished), "mean": round(sum(finished) / len(finished), 1),
                                "max": max(finished)} if finished else {},
            "events_per_run_mean": round(sum(r["events"] for r in listed) / len(listed)) if listed else 0,
            "list": listed}


# ------------------------------------------------------------------------------------------------ report

def summarize(sampler: Sampler, warmup: float) -> dict:
    samples = sampler.samples
    components = sorted({c for s in samples for c in s.mem_mib})
    budgeted = [c for c in components if c != SIMULATOR]
    totals = [sum(v for c, v in s.mem_mib.items() if c != SIMULATOR) for s in samples]
    steady = [s for s in samples if s.t >= warmup] or samples
    first, last = steady[0], steady[-1]
    span = max(1e-9, last.t - first.t)

    def cpu_between(a: Sample, b: Sample, component: str) -> float:
        return b.cpu_s.get(component, 0.0) - a.cpu_s.get(component, 0.0)

    steady_cpu = {c: cpu_between(first, last, c) for c in components}
    whole_cpu = {c: samples[-1].cpu_s.get(c, 0.0) for c in components}
    return {
        "components": components,
        "peak_total_mib": max(totals, default=0.0),
        "mean_total_mib": sum(totals) / len(totals) if totals else 0.0,
        "peak_mib": {c: max((s.mem_mib.get(c, 0.0) for s in samples), default=0.0) for c in components},
        "steady_seconds": span,
        "steady_cpu_percent_of_two_cores": 100.0 * sum(v for c, v in steady_cpu.items() if c != SIMULATOR) / (span * BUDGET_CORES),
        "steady_cpu_percent": {c: 100.0 * v / (span * BUDGET_CORES) for c, v in steady_cpu.items()},
        "whole_cpu_seconds": whole_cpu,
        "whole_cpu_percent_of_two_cores": 100.0 * sum(v for c, v in whole_cpu.items() if c != SIMULATOR)
        / (max(1e-9, samples[-1].t) * BUDGET_CORES) if samples else 0.0,
        "load1": {"min": min(s.load1 for s in samples), "mean": sum(s.load1 for s in samples) / len(samples),
                  "max": max(s.load1 for s in samples)} if samples else {},
        "machine_busy_percent_mean": sum(s.machine_busy for s in steady) / len(steady) if steady else 0.0,
        "budgeted": budgeted,
    }


def raw_document(args, summary: dict, completeness: dict, sampler: Sampler, started: float, runs: dict) -> dict:
    peak = summary["peak_total_mib"]
    cpu = summary["steady_cpu_percent_of_two_cores"]
    load = summary["load1"]
    rows = [
        {"case": f"{args.pairs * 5} streams, {args.minutes:g} min: peak memory, all components", "metric": "MiB",
         "ours": round(peak, 1), "baseline": MEMORY_BUDGET_MIB, "baseline_name": "budget 4 GiB",
         "ratio": round(MEMORY_BUDGET_MIB / peak, 2) if peak else None, "higher_is_better": False,
         "goal": "<= 4096 MiB", "goal_met": peak <= MEMORY_BUDGET_MIB,
         "notes": "RSS of engine, Dagster and workers, PSS of PostgreSQL (server + this soak's backends); the simulator apart"},
        {"case": f"{args.pairs * 5} streams, {args.minutes:g} min: mean CPU after warm-up", "metric": "% of two cores",
         "ours": round(cpu, 1), "baseline": CPU_BUDGET_PERCENT, "baseline_name": "budget 50%",
         "ratio": round(CPU_BUDGET_PERCENT / cpu, 2) if cpu else None, "higher_is_better": False,
         "goal": "< 50%", "goal_met": cpu < CPU_BUDGET_PERCENT,
         "notes": f"sampled from /proc every {args.interval:g} s ({summary['whole_cpu_percent_of_two_cores']:.1f}% with the start-up); "
                  f"load average {load.get('min', 0):.1f}-{load.get('max', 0):.1f} from other work on the machine"},
        {"case": f"{args.pairs * 5} streams: silver minutes vs the simulator's", "metric": "minutes",
         "ours": completeness.get("loaded_minutes"), "baseline": completeness.get("served_minutes"),
         "baseline_name": "served by the simulator",
         "ratio": round(completeness["loaded_minutes"] / completeness["served_minutes"], 4) if completeness.get("served_minutes") else None,
         "higher_is_better": True, "goal": "= 1 (complete)",
         "goal_met": bool(completeness.get("served_minutes")) and not completeness.get("missing") and not completeness.get("wrong_close"),
         "notes": f"{len(completeness.get('missing', []))} missing, {len(completeness.get('wrong_close', []))} with another close, "
                  f"{len(completeness.get('gaps', []))} streams with gaps; {completeness.get('loaded_when_measurement_ended')} loaded "
                  f"when the measurement ended, the rest in the {completeness.get('drain_seconds')} s after"},
    ]
    for component in summary["components"]:
        rows.append({"case": f"peak memory: {component}", "metric": "MiB", "ours": round(summary["peak_mib"][component], 1),
                     "baseline": None, "ratio": None, "higher_is_better": False, "goal": "", "goal_met": None,
                     "notes": f"{summary['steady_cpu_percent'].get(component, 0):.1f}% of two cores after warm-up"
                              + (" (the load, not counted)" if component == SIMULATOR else "")})
    lines = {c: [[round(s.t / 60, 2), round(s.mem_mib.get(c, 0.0), 1)] for s in sampler.samples] for c in summary["components"]}
    lines["total (budgeted)"] = [[round(s.t / 60, 2), round(sum(v for c, v in s.mem_mib.items() if c != SIMULATOR), 1)]
                                 for s in sampler.samples]
    cpu_lines: dict[str, list] = {"ours (budgeted)": [], "whole machine": []}
    for a, b in zip(sampler.samples, sampler.samples[1:]):
        used = sum(b.cpu_s.get(c, 0.0) - a.cpu_s.get(c, 0.0) for c in summary["budgeted"])
        cpu_lines["ours (budgeted)"].append([round(b.t / 60, 2), round(100.0 * used / ((b.t - a.t) * BUDGET_CORES), 1)])
        cpu_lines["whole machine"].append([round(b.t / 60, 2), round(b.machine_busy * CORES / BUDGET_CORES, 1)])
    return {
        "benchmark": benchmark_name(args),
        "title": f"make soak: {args.pairs} pairs x 5 venues through the whole pipeline for {args.minutes:g} minutes"
                 + (f", {args.max_concurrent_runs} concurrent runs" if args.max_concurrent_runs != 1 else ""),
        "ran_at": dt.datetime.fromtimestamp(started, dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "size": "full" if args.pairs >= 100 and args.minutes >= 10 else "tiny",
        "rows": rows,
        "series": {
            "memory": {"x_label": "minutes", "y_label": "MiB", "lines": lines},
            "cpu": {"x_label": "minutes", "y_label": "% of two cores", "lines": cpu_lines},
        },
        "summary": summary,
        "completeness": {k: (v[:50] if isinstance(v, list) else v) for k, v in completeness.items()},
        "commands": {c: sorted(v) for c, v in sampler.commands.items()},
        "dagster_runs": runs,
    }


def benchmark_name(args) -> str:
    """soak with make run's settings; another run concurrency is another benchmark, beside it."""
    return "soak" if args.max_concurrent_runs == 1 else f"soak-{args.max_concurrent_runs}-concurrent-runs"


def machine() -> dict:
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal:"))
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.split("\n", 1)[0]
    postgres = subprocess.run(["bash", "-c", "ls /usr/lib/postgresql | sort -n | tail -1"], capture_output=True, text=True).stdout.strip()
    return {"cpus": CORES, "mem_gib": round(mem_kib / 1024 / 1024, 1), "postgres": postgres,
            "java": re.sub(r'.*"(.*)".*', r"\1", java), "python": platform.python_version()}


def markdown(document: dict) -> str:
    s = document["summary"]
    lines = [f"# {document['title']}", "",
             f"Ran {document['ran_at']} on {document['machine']['cpus']} CPUs, {document['machine']['mem_gib']} GiB "
             f"(scripts/soak.py). Load average {s['load1']['min']:.1f}-{s['load1']['max']:.1f} (mean {s['load1']['mean']:.1f}) "
             f"from everything on the machine; the whole machine was {s['machine_busy_percent_mean']:.0f}% busy on average.", "",
             "| case | metric | ours | budget / served | ratio | goal | met | notes |", "|---|---|---|---|---|---|---|---|"]
    for row in document["rows"]:
        met = {True: "yes", False: "**no**", None: ""}[row["goal_met"]]
        lines.append(f"| {row['case']} | {row['metric']} | {row['ours']} | {'' if row['baseline'] is None else row['baseline']} | "
                     f"{'' if row['ratio'] is None else row['ratio']} | {row['goal']} | {met} | {row['notes']} |")
    runs = document.get("dagster_runs", {})
    if runs.get("seconds_per_run"):
        per_run = runs["seconds_per_run"]
        lines += ["", f"Dagster runs: {runs['runs']} ({runs['succeeded']} succeeded), {per_run['min']}-{per_run['max']} s each "
                      f"(mean {per_run['mean']}), {runs['events_per_run_mean']} events recorded per run on average."]
    c = document["completeness"]
    for label in ("missing", "wrong_close", "gaps"):
        if c.get(label):
            lines += ["", f"{label} (first {len(c[label])}):", *[f"- {x}" for x in c[label]]]
    return "\n".join(lines) + "\n"


def chart(document: dict, out: Path) -> Path | None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    spec = document["series"]["memory"]
    fig, ax = plt.subplots(figsize=(9, 5))
    for name, points in spec["lines"].items():
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], label=name, linewidth=2.5 if name.startswith("total") else 1.2)
    ax.axhline(MEMORY_BUDGET_MIB, color="red", linestyle="--", label="budget 4 GiB")
    ax.set_xlabel(spec["x_label"])
    ax.set_ylabel(spec["y_label"])
    ax.set_title(document["title"], fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out


# -------------------------------------------------------------------------------------------------- main

def _interrupted(signum: int, _frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30, help="how long the pipeline runs measured (default 30; e.g. 120 for longer, 5 with --pairs 2 for a smoke run)")
    parser.add_argument("--pairs", type=int, default=100, help="pairs per venue, five venues (default 100: 500 streams)")
    parser.add_argument("--interval", type=float, default=5, help="seconds between two /proc samples (default 5)")
    parser.add_argument("--warmup", type=float, default=180, help="seconds after the start the CPU average leaves out (start-up of the JVMs, Dagster, 500 connections; default 180)")
    parser.add_argument("--drain-minutes", type=float, default=15, help="how long the pipeline may run on after --minutes (sampled as before) for silver to hold every served minute (default 15)")
    parser.add_argument("--max-concurrent-runs", type=int, default=1,
                        help="Dagster's run concurrency (make run's is 1; other values to measure them, via KLINE_MAX_CONCURRENT_RUNS)")
    parser.add_argument("--base-port", type=int, default=18500, help="the simulator's first venue port (default 18500; admin on +99)")
    parser.add_argument("--dagster-port", type=int, default=3500, help="dagster dev's port (default 3500)")
    parser.add_argument("--database-prefix", default="kline_soak", help="databases <prefix> and <prefix>_dagster are recreated")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "results", help="where soak.md, raw/soak.json and soak-memory.png go")
    parser.add_argument("--dir", type=Path, help="the demo's directory (default: a new temporary one)")
    parser.add_argument("--keep-dir", action="store_true", help="keep the demo's directory (logs, bronze files)")
    args = parser.parse_args()
    # A kill of the soak (TERM, or INT when run in the background) still stops the demo it started.
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    if not 1 <= args.pairs <= 999 or args.minutes <= 0 or args.interval <= 0:
        parser.error("--pairs must be 1-999, --minutes and --interval positive")
    if args.minutes * 60 < args.warmup + 120:
        # Fewer than two minutes past the warm-up may hold no whole minute to compare with the simulator.
        parser.error(f"--minutes {args.minutes:g} leaves no whole minute after the warm-up (--warmup {args.warmup:g} s): "
                     f"use at least {(args.warmup + 120) / 60:g}")

    setup = prepare_demo(database_prefix=args.database_prefix, base_port=args.base_port, dagster_port=args.dagster_port,
                         directory=args.dir, temp_prefix="kline-soak-",
                         extra_env={"KLINE_DEMO_GAP": "off", "KLINE_DEMO_PAIRS": str(args.pairs),
                                    "KLINE_MAX_CONCURRENT_RUNS": str(args.max_concurrent_runs)})
    env, demo_dir, pipeline_url = setup.env, setup.directory, setup.pipeline_url
    pairs = demo_pairs(env)
    admin = f"http://127.0.0.1:{args.base_port + 99}"
    log_path = setup.log_path
    print(f"soak: {len(pairs)} streams for {args.minutes:g} min, demo in {demo_dir} (log {log_path}), "
          f"databases {args.database_prefix}[_dagster]", flush=True)
    started = time.time()
    demo = start_demo(env, log_path)
    sampler = Sampler(demo.pid, (args.database_prefix, args.database_prefix + "_dagster"), started)
    completeness: dict = {}
    try:
        end = started + args.minutes * 60
        next_report = started + 60
        while time.time() < end:
            if demo.poll() is not None:
                print(f"soak: the demo exited with {demo.returncode}; see {log_path}", file=sys.stderr)
                return 2
            sample = sampler.sample()
            if time.time() >= next_report:
                next_report += 60
                total = sum(v for c, v in sample.mem_mib.items() if c != SIMULATOR)
                print(f"soak: {sample.t / 60:4.1f} min: {total:.0f} MiB, load {sample.load1:.1f}", flush=True)
            time.sleep(max(0.0, args.interval - (time.time() - started - sample.t)))
        # Every minute that ended before now and after the warm-up, as the simulator served it.
        first = dt.datetime.fromtimestamp((int(started + args.warmup) // 60 + 1) * 60, dt.timezone.utc)
        last = dt.datetime.fromtimestamp(int(end) // 60 * 60, dt.timezone.utc)
        served = {(e, s, c): served_minutes(admin, e, s, first, last) for e, s, c in pairs}
        print(f"soak: measured; waiting up to {args.drain_minutes:g} min for silver to hold "
              f"{sum(len(m) for m in served.values())} served minutes {_iso(first)}..{_iso(last)}", flush=True)
        drain_end = time.time() + args.drain_minutes * 60
        with psycopg2.connect(pipeline_url) as connection:
            connection.autocommit = True
            loaded_at_end = None
            while True:
                completeness = compare(served, silver_minutes(connection, first, last))
                if loaded_at_end is None:
                    loaded_at_end = completeness["loaded_minutes"]
                if not completeness["missing"] or time.time() >= drain_end or demo.poll() is not None:
                    break
                # The pipeline runs on as before while it catches up: sampled the same way.
                check_at = time.time() + 30
                while time.time() < min(check_at, drain_end):
                    sample = sampler.sample()
                    time.sleep(max(0.0, args.interval - (time.time() - started - sample.t)))
        completeness["loaded_when_measurement_ended"] = loaded_at_end
        completeness["drain_seconds"] = round(time.time() - end)
        completeness["window"] = [_iso(first), _iso(last)]
    finally:
        stop_demo(demo)
    summary = summarize(sampler, args.warmup)
    try:
        runs = dagster_runs(setup.dagster_url)
    except psycopg2.Error as e:
        runs = {"error": str(e)}
    document = raw_document(args, summary, completeness, sampler, started, runs)
    name = benchmark_name(args)
    (args.out_dir / "raw").mkdir(parents=True, exist_ok=True)
    (args.out_dir / "raw" / f"{name}.json").write_text(json.dumps(document, indent=1, default=str) + "\n")
    (args.out_dir / f"{name}.md").write_text(markdown(document))
    png = chart(document, args.out_dir / f"{name}-memory.png")
    print(markdown(document))
    print(f"soak: wrote {args.out_dir / (name + '.md')}, {args.out_dir / 'raw' / (name + '.json')}"
          + (f", {png}" if png else " (no chart: matplotlib is not installed)"))
    remove_demo_dir(setup, args.keep_dir)
    return 0 if all(row["goal_met"] is not False for row in document["rows"]) else 1


if __name__ == "__main__":
    sys.exit(main())
