#!/usr/bin/env python3
"""Engine benchmark (issue 10, row 1): the ingestion engine against cryptofeed 3.0.1, both capturing
the exchange simulator's Binance firehose to local files on the same machine in the same run.

For each number of streams N and each offered rate (total frames/s; "max" = as fast as the client
reads), the simulator is started with a bounded firehose (every connection sends the same STEPS
simulated seconds from the same start, about one kline frame per stream and step), the client
captures until every frame the simulator reports sent is on disk, and then:
- loss: per stream, lines on disk == frames the simulator sent to it (the engine: the simulator's log
  line per connection; cryptofeed, one connection for all streams: the engine's per-stream counts of
  the same run, which are the same frames, and the simulator's total);
- sustained msgs/s: after a warm-up (the first WARM_UP of the frames: JIT, connections opening),
  lines written / (last line's received_at - the window's start);
- msgs/s per core: lines / the client's CPU-seconds (/proc/<pid>/stat), two ways: steady state,
  over the window from STEADY_FROM to STEADY_TO of the frames on disk (the JVM has compiled its
  hot code and every connection is open: what a capture that runs for days costs, and what the
  goal row uses), and the whole run (from the process's start, JVM start-up, connecting and JIT
  included: what a run this short costs); for the steady window also the CPU of each group of the
  client's threads (event loops, recorders, GC, JIT compilers), which says where the CPU goes;
- receive -> file latency: a tailer polls a few streams' files every POLL_S and takes, per new
  line, (when the line was first seen in the file) - received_at; the poll adds up to POLL_S;
  it is "written to the file" (page cache, what a reader sees), not fsynced;
- peak RSS (VmHWM) and, for the engine, peak heap used (GC log, -Xlog:gc) and -Xmx.

The engine runs as `bin/kline-engine` does under `make run` (-Xmx256m, the wrapper's default heap),
plus -Xlog:gc to a file; with --connection-limit-speedup (Binance's 300 connections per 5 minutes
does not apply to a local simulator) and connect_spacing_ms 1. At full size a last run holds
1,000 streams with -Xmx256m, the issue's heap goal.

Writes bench/results/raw/engine.json (the bench contract). Usage:
    scripts/bench-engine.py [tiny|full] [--raw-dir DIR] [--cryptofeed | --no-cryptofeed] [--streams 100,1000]
                            [--rates 10000,max] [--max-frames N] [--keep]
tiny (make test): 5 streams, max rate, engine only unless --cryptofeed; full (make bench): see SIZES.
cryptofeed is installed by this script into .venv-bench-cryptofeed (Python >= 3.12 from PATH,
pyenv or uv; pip from PyPI).
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "bin" / "kline-engine"
ENGINE_JAR = ROOT / "ingestion-engine" / "target" / "kline-engine.jar"
SIMULATOR_JAR = ROOT / "exchange-simulator" / "target" / "exchange-simulator.jar"
CRYPTOFEED_ADAPTER = ROOT / "scripts" / "bench-engine-cryptofeed.py"
CRYPTOFEED_VENV = ROOT / ".venv-bench-cryptofeed"
CRYPTOFEED = "cryptofeed==3.0.1"
CRYPTOFEED_NAME = "cryptofeed 3.0.1"
SIM_START = "2026-12-01T00:00:00Z"
TRADES_PER_MINUTE = 200  # ~3 trades a second: nearly every simulated second has an update frame
POLL_S = 0.001
WARM_UP = 0.2
# The steady-state window, as shares of the frames expected on disk: late enough that the JIT's
# compilations of the hot path are done (see the thread breakdown: C2 threads idle in the window),
# early enough that every stream is still sending.
STEADY_FROM = 0.5
STEADY_TO = 0.95
FRAMES_PER_STEP = 0.8  # about 0.83 at TRADES_PER_MINUTE: a second without a trade sends no update
LATENCY_STREAMS = 4
CLK_TCK = os.sysconf("SC_CLK_TCK")
# More JVM flags for the engine, e.g. to profile it: --engine-flags '-XX:StartFlightRecording=filename={run}/engine.jfr'
EXTRA_ENGINE_FLAGS = ""


# "max" runs at full size send 400,000 frames: with 200,000 the JIT's C2 threads were still the engine's
# busiest in the steady window (about 6 s of traffic), so "steady" measured the compiler.
@dataclass(frozen=True)
class Size:
    streams: tuple[int, ...]
    # Offered total frames/s; None: as fast as the client reads.
    rates: tuple[int | None, ...]
    # Frames per run at "max" (spread over the streams), and seconds per run at an offered rate.
    max_frames: int
    rate_seconds: float
    cryptofeed_streams: tuple[int, ...]
    heap_check_streams: int | None


SIZES = {
    "tiny": Size(streams=(5,), rates=(None,), max_frames=5_000, rate_seconds=0, cryptofeed_streams=(5,),
                 heap_check_streams=None),
    "full": Size(streams=(10, 100, 500, 1000), rates=(2_000, 10_000, None), max_frames=400_000, rate_seconds=8,
                 cryptofeed_streams=(10, 100, 500, 1000), heap_check_streams=1000),
}


def symbols(n: int) -> list[str]:
    return [f"S{i:04d}USDT" for i in range(n)]


# ---------------------------------------------------------------------------------------------- processes

def cpu_seconds(pid: int) -> float:
    return sum(cpu_split(pid))


def cpu_split(pid: int) -> tuple[float, float]:
    """User and system CPU-seconds of the process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK  # utime, stime


def cpu_by_thread(pid: int) -> dict[str, float]:
    """CPU-seconds so far per group of the process's threads, by name without its number ("ws-loop-3" and
    "ws-loop-4" are "ws-loop"; the kernel keeps 15 characters of a name); threads that ended are not counted.
    The key "(waited for a CPU)" holds the seconds all threads spent runnable but not running: on a shared
    machine, what a frame's latency can owe to other processes rather than to the client."""
    groups: dict[str, float] = {}
    waited = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            # schedstat's first field: nanoseconds on a CPU. Not stat's ticks, which each thread rounds down:
            # 1,000 recorders that each ran a few milliseconds would show none.
            on_cpu_ns, run_delay_ns = (int(x) for x in (task / "schedstat").read_text().split()[:2])
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended between the listing and the read
        group = re.sub(r"([-#_ ]?\d+)+$", "", name) or name
        groups[group] = groups.get(group, 0.0) + on_cpu_ns / 1e9
        waited += run_delay_ns / 1e9
    groups[WAITED] = waited
    return groups


WAITED = "(waited for a CPU)"


def thread_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU-seconds each thread group used between two readings, largest first (groups whose threads ended before the second reading are missing)."""
    delta = {name: after[name] - before.get(name, 0.0) for name in after}
    return {name: round(cpu, 3) for name, cpu in sorted(delta.items(), key=lambda kv: -kv[1]) if cpu > 0}


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def java_pid(launcher: subprocess.Popen) -> int:
    """bin/kline-engine execs java, so the launcher's pid is the JVM's."""
    return launcher.pid


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Simulator:
    """The exchange simulator with a bounded firehose; its log says what each connection sent."""

    def __init__(self, work: Path, steps: int, steps_per_second: float | None, connections: int) -> None:
        self.log = work / "simulator.log"
        command = ["java", "-jar", str(SIMULATOR_JAR), "--base-port", "0", "--admin-port", "0", "--firehose",
                   "--firehose-steps", str(steps), "--firehose-gate", str(connections), "--start", SIM_START, "--trades-per-minute", str(TRADES_PER_MINUTE)]
        if steps_per_second:
            command += ["--firehose-rate", f"{steps_per_second:.3f}"]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=open(self.log, "w"), text=True)
        self.ws_url = None
        for line in self.process.stdout:
            if line.startswith("binance"):
                self.ws_url = line.split()[2]
            if line.startswith("admin"):
                break
        if self.ws_url is None:
            stop(self.process)
            raise RuntimeError(f"the simulator did not start; see {self.log}")

    def sent_by_connection(self) -> dict[str, int]:
        """Path (e.g. /ws/s0001usdt@kline_1m) -> data frames sent, for every connection whose firehose is done."""
        done = {}
        for path, frames in self._done():
            done[path] = done.get(path, 0) + frames
        return done

    def reopened(self) -> list[str]:
        """Paths whose firehose ran on more than one connection (the client reconnected): their frames came twice."""
        paths = [path for path, _ in self._done()]
        return sorted({p for p in paths if paths.count(p) > 1})

    def _done(self) -> list[tuple[str, int]]:
        return [(m.group(1), int(m.group(2))) for m in
                re.finditer(r" (/\S+): firehose done after \d+ steps, (\d+) data frames sent", self.log.read_text())]

    def close(self) -> None:
        stop(self.process)


# ---------------------------------------------------------------------------------------------- reading files

class LineCounter:
    """Counts the lines of every file under a folder, reading only what was appended since the last call."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.offsets: dict[str, int] = {}
        self.lines: dict[str, int] = {}

    def count(self) -> int:
        for dirpath, _, names in os.walk(self.folder):
            for name in names:
                if not name.endswith(".jsonl"):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, "rb") as f:
                    f.seek(self.offsets.get(path, 0))
                    data = f.read()
                end = data.rfind(b"\n") + 1  # only whole lines
                self.offsets[path] = self.offsets.get(path, 0) + end
                self.lines[path] = self.lines.get(path, 0) + data.count(b"\n", 0, end)
        return sum(self.lines.values())


class Tailer(threading.Thread):
    """Polls a few streams' files; for every new whole line, the time it was seen minus its received_at."""

    def __init__(self, folders: list[Path], received_at) -> None:
        super().__init__(daemon=True)
        self.folders = folders
        self.received_at = received_at
        self.latencies: list[float] = []
        self.offsets: dict[str, int] = {}
        self.running = True

    def run(self) -> None:
        files: list[str] = []
        last_scan = 0.0
        while self.running:
            now = time.time()
            if now - last_scan > 0.05:
                files = [os.path.join(d, n) for folder in self.folders for d, _, names in os.walk(folder)
                         for n in names if n.endswith(".jsonl")]
                last_scan = now
            for path in files:
                offset = self.offsets.get(path, 0)
                try:
                    with open(path, "rb") as f:
                        f.seek(offset)
                        data = f.read()
                except FileNotFoundError:
                    continue
                seen = time.time()
                end = data.rfind(b"\n") + 1
                if end:
                    self.offsets[path] = offset + end
                    for line in data[:end].splitlines():
                        self.latencies.append(seen - self.received_at(line))
            time.sleep(POLL_S)


_ENGINE_RECEIVED = re.compile(rb'"received_at":"([^"]+)"')
_CF_RECEIVED = re.compile(rb'"received_at":([0-9.]+)')


def engine_received_at(line: bytes) -> float:
    text = _ENGINE_RECEIVED.search(line).group(1).decode()
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def cryptofeed_received_at(line: bytes) -> float:
    return float(_CF_RECEIVED.search(line).group(1))


def first_and_last(path: str, received_at) -> tuple[float, float]:
    with open(path, "rb") as f:
        first = f.readline()
        f.seek(max(0, os.path.getsize(path) - 64 * 1024))
        last = f.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]
    return received_at(first), received_at(last)


def loss(on_disk: dict[str, int], sent: dict[str, int], streams: int) -> str:
    """What does not match, per stream, between lines on disk and frames sent; empty when nothing was lost or doubled."""
    if len(sent) != streams:
        return f"the simulator reported {len(sent)} of {streams} streams"
    wrong = {s: (on_disk.get(s, 0), c) for s, c in sent.items() if on_disk.get(s, 0) != c}
    extra = sorted(set(on_disk) - set(sent))
    if wrong:
        return f"{len(wrong)} of {streams} streams differ (lines on disk, frames sent): {dict(sorted(wrong.items())[:3])}"
    if extra:
        return f"lines of streams nobody sent: {extra[:3]}"
    return ""


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


# ---------------------------------------------------------------------------------------------- clients

@dataclass
class Run:
    client: str
    streams: int
    offered: int | None
    expected: int = 0
    lines: int = 0
    per_stream_ok: bool = False
    per_stream_note: str = ""
    per_stream: dict[str, int] = field(default_factory=dict)
    sent_per_stream: dict[str, int] = field(default_factory=dict)
    # The measured window: lines written in it, its wall seconds (to the last line's received_at), the client's CPU-seconds.
    window_lines: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    system_cpu: float = 0.0
    rss_mib: float = 0.0
    heap_mib: float | None = None
    heap_live_mib: float | None = None
    latencies_ms: list[float] = field(default_factory=list)
    xmx: str = ""
    # The steady-state window (STEADY_FROM to STEADY_TO of the frames): lines, CPU-seconds, CPU-seconds per thread group.
    steady_lines: int = 0
    steady_cpu: float = 0.0
    steady_threads: dict[str, float] = field(default_factory=dict)
    # The whole run: CPU-seconds from the process's start until every frame was on disk.
    whole_cpu: float = 0.0

    @property
    def msgs_per_s(self) -> float | None:
        return self.window_lines / self.seconds if self.seconds > 0 else None

    @property
    def msgs_per_cpu_s(self) -> float | None:
        return self.window_lines / self.cpu if self.cpu > 0 else None

    @property
    def steady_msgs_per_cpu_s(self) -> float | None:
        return self.steady_lines / self.steady_cpu if self.steady_cpu > 0 else None

    @property
    def whole_msgs_per_cpu_s(self) -> float | None:
        return self.lines / self.whole_cpu if self.whole_cpu > 0 else None

    @property
    def no_loss(self) -> bool:
        return self.per_stream_ok and self.lines == self.expected

    def summary(self) -> str:
        p50, p99 = percentile(self.latencies_ms, 50), percentile(self.latencies_ms, 99)
        return (f"{self.client:10s} {self.streams:5d} streams offered {self.offered or 'max':>6}: {self.lines}/{self.expected} lines "
                f"{'no loss' if self.no_loss else 'LOSS: ' + self.per_stream_note}, {self.msgs_per_s or 0:,.0f} msgs/s, "
                f"{self.msgs_per_cpu_s or 0:,.0f} msgs/CPU-s ({100 * self.system_cpu / self.cpu if self.cpu else 0:.0f}% system; "
                f"steady {self.steady_msgs_per_cpu_s or 0:,.0f}, whole run {self.whole_msgs_per_cpu_s or 0:,.0f}), p50 {p50 or 0:.2f} ms p99 {p99 or 0:.2f} ms, "
                f"RSS {self.rss_mib:.0f} MiB" + (f", heap {self.heap_mib:.0f} MiB" if self.heap_mib else "")
                + (f" ({self.heap_live_mib:.0f} MiB after GC)" if self.heap_live_mib else ""))


def engine_config(work: Path, ws_url: str, n: int) -> Path:
    syms = symbols(n)
    canonical = ", ".join(f"{s}: {s[:-4]}-USDT" for s in syms)
    config = work / "pipeline.yaml"
    config.write_text(f"""# written by scripts/bench-engine.py
exchanges:
  binance:
    ws_url: {ws_url}
    rest_url: {ws_url.replace('ws://', 'http://')}
    pairs: [{', '.join(syms)}]
    canonical: {{{canonical}}}
storage:
  local_dir: bronze
  dead_letter_dir: dead-letter
  s3: {{bucket: bench-unused, prefix: "", endpoint: null, region: us-east-1, enabled: false}}
partitions: {{start: "2026-11-01T00:00:00Z"}}
engine: {{connect_spacing_ms: 1}}
""")
    return config


def heap_from_gc_log(path: Path) -> tuple[float | None, float | None]:
    """The largest heap occupancy the GC log shows before a collection, and after one (what was live), in MiB."""
    before, after = None, None
    unit = {"K": 1 / 1024, "M": 1, "G": 1024}
    if path.exists():
        for m in re.finditer(r"(\d+)([KMG])->(\d+)([KMG])\(\d+[KMG]\)", path.read_text()):
            b, a = int(m.group(1)) * unit[m.group(2)], int(m.group(3)) * unit[m.group(4)]
            before, after = max(before or 0, b), max(after or 0, a)
    return before, after


def heap_now(pid: int) -> float | None:
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True).stdout
    m = re.search(r"used (\d+)K", out)
    return int(m.group(1)) / 1024 if m else None


def capture(client: str, n: int, offered: int | None, size: Size, work: Path, expected_per_stream: dict[str, int] | None,
            xmx: str | None = None) -> Run:
    """One run: simulator, client, wait for every frame on disk, measure, stop both."""
    work.mkdir(parents=True)
    steps = max(1, size.max_frames // n) if offered is None else max(1, int(offered / n * size.rate_seconds))
    simulator = Simulator(work, steps, offered / n if offered else None, n if client == "engine" else 1)
    run = Run(client, n, offered, xmx=xmx or "")
    try:
        if client == "engine":
            out = work / "bronze"
            # bin/kline-engine's own default heap (-Xmx256m) is replaced by KLINE_JAVA_OPTS, so it is passed again.
            flags = [f"-Xmx{xmx or '256m'}", f"-Xlog:gc:file={work / 'gc.log'}", EXTRA_ENGINE_FLAGS.replace("{run}", str(work))]
            env = {**os.environ, "KLINE_JAVA_OPTS": " ".join(filter(None, flags))}
            process = subprocess.Popen([str(ENGINE), "--config", str(engine_config(work, simulator.ws_url, n)),
                                        "--connection-limit-speedup", "1000000", "--metrics-interval", "3600"],
                                       cwd=work, env=env, stdout=open(work / "engine.log", "w"), stderr=subprocess.STDOUT)
            received_at = engine_received_at
            sampled = [out / "exchange=binance" / f"symbol={s}" for s in symbols(n)[::max(1, n // LATENCY_STREAMS)]]
            connections = n
        else:
            out = work / "out"
            process = subprocess.Popen([str(CRYPTOFEED_VENV / "bin" / "python"), str(CRYPTOFEED_ADAPTER), "--ws-url",
                                        simulator.ws_url, "--out", str(out), *symbols(n)],
                                       cwd=work, stdout=open(work / "cryptofeed.log", "w"), stderr=subprocess.STDOUT)
            received_at = cryptofeed_received_at
            sampled = [out]  # one folder; the tailer reads every stream's file
            connections = 1
        pid = java_pid(process)
        counter = LineCounter(out)
        tailer = Tailer(sampled, received_at)
        tailer.start()
        deadline = time.time() + 60 + steps * n / 2_000
        # The measured window starts once WARM_UP of the frames are on disk: the JVM compiles its hot
        # code in the first seconds of traffic, and connections are still opening.
        warm_up_lines = WARM_UP * FRAMES_PER_STEP * steps * n
        mark = None  # (wall time, lines, CPU-seconds) at the window's start
        steady_start = None  # (lines, CPU-seconds, CPU-seconds per thread group) at the steady window's start
        while time.time() < deadline and process.poll() is None:
            lines = counter.count()
            if mark is None and lines >= warm_up_lines:
                mark = (time.time(), lines, *cpu_split(pid))
            if steady_start is None and lines >= STEADY_FROM * FRAMES_PER_STEP * steps * n:
                steady_start = (lines, cpu_seconds(pid), cpu_by_thread(pid))
            elif steady_start is not None and not run.steady_cpu and lines >= STEADY_TO * FRAMES_PER_STEP * steps * n:
                run.steady_lines, run.steady_cpu = lines - steady_start[0], cpu_seconds(pid) - steady_start[1]
                run.steady_threads = thread_delta(steady_start[2], cpu_by_thread(pid))
            sent = simulator.sent_by_connection()
            if len(sent) >= connections and lines >= sum(sent.values()):
                break
            time.sleep(0.1)
        if process.poll() is None:
            run.whole_cpu = cpu_seconds(pid)
        if mark is not None and process.poll() is None:
            user, system = cpu_split(pid)
            run.cpu, run.system_cpu = user + system - mark[2] - mark[3], system - mark[3]
        run.rss_mib = peak_rss_mib(pid) if process.poll() is None else 0.0
        if client == "engine" and process.poll() is None:
            run.heap_mib = heap_now(pid)
        time.sleep(2 * 0.05)  # the tailer's last look
        tailer.running = False
        tailer.join()
        run.latencies_ms = [1000 * x for x in tailer.latencies]
        stop(process)
        if client == "engine":
            gc_peak, run.heap_live_mib = heap_from_gc_log(work / "gc.log")
            run.heap_mib = max(filter(None, [run.heap_mib, gc_peak]), default=None)
        run.lines = counter.count()
        sent = simulator.sent_by_connection()
        run.expected = sum(sent.values())
        per_stream: dict[str, int] = {}
        spans = []
        for path, count in counter.lines.items():
            if client == "engine":
                stream = re.search(r"symbol=([^/]+)", path).group(1).lower()
            else:
                stream = Path(path).stem
            per_stream[stream] = per_stream.get(stream, 0) + count
            if count:
                spans.append(first_and_last(path, received_at))
        run.per_stream = per_stream
        if spans and mark is not None:
            run.window_lines = run.lines - mark[1]
            run.seconds = max(s[1] for s in spans) - mark[0]
        if client == "engine":
            wanted = {p.removeprefix("/ws/").removesuffix("@kline_1m"): c for p, c in sent.items()}
        else:
            wanted = expected_per_stream or {}
        run.sent_per_stream = wanted if client == "engine" else {}
        run.per_stream_note = loss(per_stream, wanted, n)
        run.per_stream_ok = not run.per_stream_note
        reopened = simulator.reopened()
        if reopened:
            run.per_stream_ok = False
            run.per_stream_note = f"{len(reopened)} streams reconnected mid-run (their frames were sent twice): {reopened[:3]}"
        if client != "engine" and not expected_per_stream:
            run.per_stream_note = "no engine run of the same frames to compare each stream with"
        if process.returncode not in (0, -signal.SIGTERM, 128 + signal.SIGTERM):
            run.per_stream_note += f" (client exited {process.returncode})"
        return run
    finally:
        if "process" in locals():
            stop(process)
        simulator.close()


# ---------------------------------------------------------------------------------------------- cryptofeed install

def python_for_cryptofeed() -> str:
    """A Python >= 3.12 (cryptofeed 3.0.1 requires it): PATH, then pyenv's versions, then uv's."""
    candidates = [shutil.which(f"python3.{minor}") for minor in (13, 12)]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if pyenv.is_dir():
        candidates += [str(p / "bin" / "python") for p in sorted(pyenv.iterdir(), reverse=True)
                       if re.match(r"3\.1[2-9]", p.name)]
    for candidate in filter(None, candidates):
        # pyenv's shims exist on PATH even when the version is not selected: ask each one.
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info >= (3, 12))"], capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == "True":
            return candidate
    if shutil.which("uv"):
        return subprocess.run(["uv", "python", "find", "--python-preference", "managed", ">=3.12"], check=True,
                              capture_output=True, text=True).stdout.strip()
    raise SystemExit("cryptofeed 3.0.1 needs Python >= 3.12: install one (pyenv install 3.13, or `uv python install 3.13`)")


def install_cryptofeed() -> None:
    marker = CRYPTOFEED_VENV / ".installed"
    if marker.exists() and marker.read_text() == CRYPTOFEED:
        return
    python = python_for_cryptofeed()
    print(f"installing {CRYPTOFEED} into {CRYPTOFEED_VENV} with {python}", flush=True)
    subprocess.run([python, "-m", "venv", "--clear", str(CRYPTOFEED_VENV)], check=True)
    subprocess.run([str(CRYPTOFEED_VENV / "bin" / "pip"), "install", "-q", CRYPTOFEED], check=True)
    marker.write_text(CRYPTOFEED)


# ---------------------------------------------------------------------------------------------- report

def machine() -> dict[str, object]:
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal:"))
    java_version = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    return {"cpus": os.cpu_count(), "mem_gib": round(mem_kib / 2**20, 1),
            "java": re.sub(r'^.*version "([^"]+)".*$', r"\1", java_version[0]) if java_version else "unknown",
            "python": platform.python_version()}


def rounded(value: float | None) -> float | None:
    if value is None:
        return None
    return float(f"{value:.4g}") if abs(value) < 1000 else round(value, 1)


def row(case: str, metric: str, ours: float | None, baseline: float | None, higher_is_better: bool, goal: str = "",
        goal_met: bool | None = None, notes: str = "") -> dict[str, object]:
    ratio = None
    if ours and baseline:
        ratio = round(ours / baseline if higher_is_better else baseline / ours, 3)
    return {"case": case, "metric": metric, "ours": rounded(ours), "baseline": rounded(baseline),
            "baseline_name": CRYPTOFEED_NAME, "ratio": ratio, "higher_is_better": higher_is_better, "goal": goal,
            "goal_met": goal_met, "notes": notes}


def best(runs: list[Run], client: str, n: int) -> Run | None:
    """The client's run at the highest offered rate ("max") for N streams."""
    mine = [r for r in runs if r.client == client and r.streams == n and not r.xmx]
    return next((r for r in mine if r.offered is None), mine[-1] if mine else None)


def latency_run(runs: list[Run], client: str, n: int) -> Run | None:
    """The run whose latency is reported: the highest offered rate below "max" (a queue at max only measures the queue)."""
    rated = [r for r in runs if r.client == client and r.streams == n and r.offered and not r.xmx]
    return rated[-1] if rated else best(runs, client, n)


def cdf(latencies: list[float], points: int = 50) -> list[list[float]]:
    ordered = sorted(latencies)
    if not ordered:
        return []
    return [[rounded(ordered[min(len(ordered) - 1, int(i / points * len(ordered)))]), round(i / points, 3)]
            for i in range(points + 1)]


def threads_note(run: Run | None) -> str:
    """The engine's steady-state CPU by thread group, as shares: where the CPU goes."""
    if not run or not run.steady_cpu or not run.steady_threads:
        return ""
    shares = [f"{name} {cpu / run.steady_cpu:.0%}" for name, cpu in list(run.steady_threads.items())[:6] if name != WAITED]
    waited = run.steady_threads.get(WAITED, 0.0)
    return (f"; engine's CPU by thread: " + ", ".join(shares)
            + f"; its threads waited {waited:.2f} s for a CPU in the window ({waited / run.steady_cpu:.1f} s per CPU-second used)")


def waited_note(*runs: Run | None) -> str:
    """How long each client's threads were runnable without a CPU, per CPU-second they used: a latency the machine's load adds."""
    parts = [f"{r.client} {r.steady_threads[WAITED] / r.steady_cpu:.1f}" for r in runs
             if r and r.steady_cpu and WAITED in r.steady_threads]
    return "; waited for a CPU, s per CPU-s used: " + ", ".join(parts) if parts else ""


def report(size_name: str, runs: list[Run]) -> dict[str, object]:
    rows, throughput, latency = [], {"ours": [], CRYPTOFEED_NAME: []}, {}
    for n in sorted({r.streams for r in runs if not r.xmx}):
        ours, theirs = best(runs, "engine", n), best(runs, "cryptofeed", n)
        case = f"{n} streams"
        both = "; ".join(f"{r.client}: {r.lines}/{r.expected} lines, {'no loss' if r.no_loss else 'LOSS ' + r.per_stream_note}"
                         for r in (ours, theirs) if r)
        ours_steady, theirs_steady = ours and ours.steady_msgs_per_cpu_s, theirs and theirs.steady_msgs_per_cpu_s
        per_core_ratio = ours_steady / theirs_steady if ours_steady and theirs_steady else None
        window = f"frames {STEADY_FROM:.0%} to {STEADY_TO:.0%} on disk"
        rows.append(row(case, "msgs/s per core, steady state (msgs per CPU-second, max rate)", ours_steady, theirs_steady, True,
                        ">= 10x", None if per_core_ratio is None else per_core_ratio >= 10,
                        f"the goal's row: steady state ({window}) is what a capture running for days costs; "
                        f"the whole-run row below adds JVM start-up and JIT; {both}"))
        rows.append(row(case, "sustained msgs/s, no loss (max rate)", ours and ours.no_loss and ours.msgs_per_s,
                        theirs and theirs.no_loss and theirs.msgs_per_s, True, notes="2 shared cores: simulator, client and bench compete"))
        rows.append(row(case, "CPU-s per 100k msgs, steady state", ours_steady and 1e5 / ours_steady,
                        theirs_steady and 1e5 / theirs_steady, False, notes=window + threads_note(ours)))
        ours_whole, theirs_whole = ours and ours.whole_msgs_per_cpu_s, theirs and theirs.whole_msgs_per_cpu_s
        rows.append(row(case, "CPU-s per 100k msgs, whole run", ours_whole and 1e5 / ours_whole,
                        theirs_whole and 1e5 / theirs_whole, False,
                        notes=f"from the process's start to the last frame on disk, start-up and JIT included "
                              f"({ours.lines if ours else 0:,} frames)"))
        lo, lt = latency_run(runs, "engine", n), latency_run(runs, "cryptofeed", n)
        offered = f"offered {lo.offered:,} msgs/s" if lo and lo.offered else "at max rate"
        p99 = lo and percentile(lo.latencies_ms, 99)
        rows.append(row(case, "receive -> file p50 (ms)", lo and percentile(lo.latencies_ms, 50),
                        lt and percentile(lt.latencies_ms, 50), False, notes=offered + f"; file polled every {POLL_S * 1000:g} ms"))
        rows.append(row(case, "receive -> file p99 (ms)", p99, lt and percentile(lt.latencies_ms, 99), False, "< 5 ms",
                        None if p99 is None else p99 < 5, offered + "; cryptofeed's adapter flushes every 10 ms" + waited_note(lo, lt)))
        rows.append(row(case, "peak RSS (MiB)", ours and ours.rss_mib, theirs and theirs.rss_mib, False,
                        notes=f"engine heap used at peak {ours.heap_mib:.0f} MiB ({ours.heap_live_mib or 0:.0f} MiB live after GC), "
                              "default -Xmx (a quarter of RAM)" if ours and ours.heap_mib else ""))
        if ours and ours.msgs_per_s:
            throughput["ours"].append([n, rounded(ours.msgs_per_s)])
        if theirs and theirs.msgs_per_s:
            throughput[CRYPTOFEED_NAME].append([n, rounded(theirs.msgs_per_s)])
        if lo and lo.latencies_ms and not latency:
            latency = {"x_label": f"receive -> file ms ({n} streams, {offered})", "y_label": "fraction of messages",
                       "lines": {"ours": cdf(lo.latencies_ms)}}
            if lt and lt.latencies_ms:
                latency["lines"][CRYPTOFEED_NAME] = cdf(lt.latencies_ms)
    for r in runs:
        if r.xmx:
            rows.append(row(f"{r.streams} streams, -Xmx{r.xmx}, max rate", "heap live after GC, largest (MiB)", r.heap_live_mib,
                            None, False, "heap <= 256 MB", bool(r.heap_live_mib and r.no_loss),
                            f"{r.lines}/{r.expected} lines, {'no loss' if r.no_loss else 'LOSS ' + r.per_stream_note}; "
                            f"peak used {r.heap_mib or 0:.0f} MiB; {r.msgs_per_s or 0:,.0f} msgs/s; RSS {r.rss_mib:.0f} MiB"))
    series = {"throughput": {"x_label": "streams", "y_label": "msgs/s (max rate, no loss)", "lines": throughput}}
    if latency:
        series["latency-cdf"] = latency
    return {
        "benchmark": "engine",
        "title": "Engine vs cryptofeed: capturing the simulator's Binance firehose to local files",
        "ran_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "machine": machine(),
        "size": size_name,
        "rows": rows,
        "series": series,
        "checks": {"runs": [{"client": r.client, "streams": r.streams, "offered": r.offered, "xmx": r.xmx,
                             "lines": r.lines, "expected": r.expected, "no_loss": r.no_loss, "note": r.per_stream_note,
                             "msgs_per_s": rounded(r.msgs_per_s), "msgs_per_cpu_s": rounded(r.msgs_per_cpu_s),
                             "steady_msgs_per_cpu_s": rounded(r.steady_msgs_per_cpu_s), "steady_lines": r.steady_lines,
                             "steady_cpu_by_thread": r.steady_threads,
                             "whole_run_msgs_per_cpu_s": rounded(r.whole_msgs_per_cpu_s), "whole_run_cpu_s": rounded(r.whole_cpu),
                             "system_cpu_share": rounded(r.system_cpu / r.cpu) if r.cpu else None,
                             "p50_ms": rounded(percentile(r.latencies_ms, 50)), "p99_ms": rounded(percentile(r.latencies_ms, 99)),
                             "latency_samples": len(r.latencies_ms), "rss_mib": rounded(r.rss_mib),
                             "heap_mib": rounded(r.heap_mib), "heap_live_mib": rounded(r.heap_live_mib)} for r in runs]},
    }


def main() -> int:
    # A SIGTERM (make's, a CI timeout's) unwinds like Ctrl-C, so the finally blocks stop the simulator and the client.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[1:]))
    parser.add_argument("size", nargs="?", choices=sorted(SIZES), default="full", help="tiny: seconds, for make test; full: make bench's (default)")
    parser.add_argument("--size", dest="size_option", choices=sorted(SIZES), help="the same as the positional size")
    parser.add_argument("--raw-dir", type=Path, default=ROOT / "bench" / "results" / "raw", help="where engine.json goes")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--cryptofeed", dest="cryptofeed", action="store_true", default=None, help="run the baseline (default at full size)")
    group.add_argument("--no-cryptofeed", dest="cryptofeed", action="store_false", help="engine only (default at tiny size)")
    parser.add_argument("--streams", type=lambda text: tuple(int(n) for n in text.split(",")),
                        help="only these numbers of streams, e.g. --streams 100,1000 (default: the size's)")
    parser.add_argument("--rates", type=lambda text: tuple(None if r == "max" else int(r) for r in text.split(",")),
                        help="only these offered rates (total frames/s, or max), e.g. --rates 10000,max (default: the size's)")
    parser.add_argument("--max-frames", type=int, help="frames per run at max rate (default: the size's; more gives a longer steady window)")
    parser.add_argument("--no-heap-check", action="store_true", help="skip the -Xmx256m run at full size")
    parser.add_argument("--keep", action="store_true", help="keep the captured files (printed folder)")
    parser.add_argument("--engine-flags", default="", help="more JVM flags for the engine ({run}: the run's folder), e.g. "
                        "'-XX:StartFlightRecording=filename={run}/engine.jfr' with --keep")
    args = parser.parse_args()
    global EXTRA_ENGINE_FLAGS
    EXTRA_ENGINE_FLAGS = args.engine_flags
    size_name = args.size_option or args.size
    size = SIZES[size_name]
    if args.streams:
        size = dataclasses.replace(size, streams=args.streams, cryptofeed_streams=args.streams)
    if args.rates:
        size = dataclasses.replace(size, rates=args.rates)
    if args.max_frames:
        size = dataclasses.replace(size, max_frames=args.max_frames)
    if args.no_heap_check:
        size = dataclasses.replace(size, heap_check_streams=None)
    with_cryptofeed = args.cryptofeed if args.cryptofeed is not None else size_name == "full"
    for jar in (ENGINE_JAR, SIMULATOR_JAR):
        if not jar.exists():
            raise SystemExit(f"{jar} is missing: run `make build` first")
    if with_cryptofeed:
        install_cryptofeed()

    work = Path(tempfile.mkdtemp(prefix="bench-engine-"))
    runs: list[Run] = []
    try:
        for n in size.streams:
            for offered in size.rates:
                label = f"{n}-{offered or 'max'}"
                engine_run = capture("engine", n, offered, size, work / f"engine-{label}", None)
                print(engine_run.summary(), flush=True)
                runs.append(engine_run)
                if with_cryptofeed and n in size.cryptofeed_streams:
                    cf_run = capture("cryptofeed", n, offered, size, work / f"cryptofeed-{label}",
                                     engine_run.sent_per_stream)
                    print(cf_run.summary(), flush=True)
                    runs.append(cf_run)
        if size.heap_check_streams:
            heap_run = capture("engine", size.heap_check_streams, None, size, work / "engine-heap", None, xmx="256m")
            print(heap_run.summary(), flush=True)
            runs.append(heap_run)
    finally:
        if args.keep:
            print(f"captured files kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    document = report(size_name, runs)
    args.raw_dir.mkdir(parents=True, exist_ok=True)
    out = args.raw_dir / "engine.json"
    out.write_text(json.dumps(document, indent=2) + "\n")
    print(f"wrote {out}")
    lost = [r for r in runs if not r.no_loss]
    for r in lost:
        print(f"LOSS: {r.client} at {r.streams} streams, offered {r.offered or 'max'}: {r.lines} of {r.expected} lines; "
              f"{r.per_stream_note}", file=sys.stderr)
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
