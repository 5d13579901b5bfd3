"""Row 3, REST backfill: a gap of one day per venue (nothing in bronze) filled by `kline-worker
bronze-rest` from the exchange simulator's REST endpoints, one launch per venue. Requests made vs
the fewest the venue's page size allows (ceil(minutes / page)), and the time the worker spent
waiting (its rate-limit pauses and retries) vs the floor the venue's documented limit sets for
the requests it made."""

from __future__ import annotations

import datetime as dt
import math
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.common import SIMULATOR_JAR, Result, java, launch, parse_args, scratch_database, scratch_dir, worker_command, worker_metadata
from bench.listings import write_yaml

BENCHMARK = "rest-backfill"
GAP_MINUTES = {"full": 1440, "tiny": 120}


@dataclass(frozen=True)
class Venue:
    name: str
    symbol: str
    page: int  # candles per request, the venue's maximum (README's table of the five exchanges)
    min_interval: float  # seconds between requests the venue's documented public limit allows
    limit: str


# The limits as each exchange documents them (and kline-core's RestKlineApi classes cite):
VENUES = (
    Venue("binance", "BTCUSDT", 1000, 60 / (6000 / 2), "6,000 weight/min, klines weight 2"),
    Venue("coinbase", "BTC-USD", 350, 0.1, "10 public requests/s"),
    Venue("kraken", "BTC/USD", 720, 1.0, "about 1 public request/s"),
    Venue("bybit", "BTCUSDT", 1000, 5 / 600, "600 requests/5 s"),
    # OKX: a gap reaching past its last 1,440 minutes is paged from history-candles, 20 requests/2 s.
    Venue("okx", "BTC-USDT", 300, 2 / 20, "20 requests/2 s (history-candles)"),
)


def free_base_port() -> int:
    """Five consecutive free ports and a sixth 99 above the first (the simulator's admin port)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + 99 > 65535:
            continue
        try:
            sockets = []
            for port in [*range(base, base + 5), base + 99]:
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no five consecutive free ports found")


def start_simulator(base: int, log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([java(), "-jar", str(SIMULATOR_JAR), "--base-port", str(base), "--admin-port", str(base + 99)],
                               stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the exchange simulator exited {process.returncode}: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{base + 99}/now", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the exchange simulator's admin API did not answer within 120 s")


def run(size: str, raw_dir: Path) -> Result:
    minutes = GAP_MINUTES[size]
    result = Result(BENCHMARK, f"REST backfill: a {minutes}-minute gap per venue from the exchange simulator", size)
    # The gap ends 10 minutes ago, so every minute of it is due (over, and past the engine's roll age).
    end = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0) - dt.timedelta(minutes=10)
    start = end - dt.timedelta(minutes=minutes)
    window = ["--start", start.isoformat().replace("+00:00", "Z"), "--end", end.isoformat().replace("+00:00", "Z")]
    with scratch_dir("bench-rest") as folder, scratch_database("bench_rest") as url:
        base = free_base_port()
        simulator = start_simulator(base, folder / "simulator.log")
        try:
            config = write_yaml(folder / "pipeline.yaml", "exchanges:\n" + "".join(
                f"  {v.name}:\n    ws_url: ws://127.0.0.1:{base + i}\n    rest_url: http://127.0.0.1:{base + i}\n    pairs: [\"{v.symbol}\"]\n"
                for i, v in enumerate(VENUES)) + "storage:\n  local_dir: bronze\n  dead_letter_dir: dead-letter\n"
                f"partitions: {{start: \"{start.replace(hour=0, minute=0).isoformat().replace('+00:00', 'Z')}\"}}\n")
            # The first launch applies the migrations: only its wall time (a note) shows it.
            env = {"KLINE_DATABASE_URL": url, "KLINE_LOG_LEVEL": "WARN"}
            for venue in VENUES:
                run_venue(result, venue, config, env, window, minutes)
        finally:
            simulator.terminate()
            simulator.wait(timeout=30)
    result.write(raw_dir)
    return result


def run_venue(result: Result, venue: Venue, config: Path, env: dict[str, str], window: list[str], minutes: int) -> None:
    done = launch(worker_command(config, "bronze-rest", "--exchange", venue.name, "--symbol", venue.symbol, *window), env=env)
    meta = next(iter(worker_metadata(done.stdout).values()))
    requests = int(meta["requests"])
    waited = float(meta["waited_seconds"])
    fewest = math.ceil(minutes / venue.page)
    # The floor for the requests it made: how many it needed is the row above's question.
    floor = (requests - 1) * venue.min_interval
    filled, missing, still = int(meta["filled"]), int(meta["missing"]), int(meta["still_missing"])
    extra = ""
    if int(meta.get("rebuilt_from_trades", 0)):
        extra = f"; {meta['rebuilt_from_trades']} minutes beyond the candle history rebuilt from trades (their pages count)"
    if int(meta.get("checked_empty", 0)):
        extra += f"; {meta['checked_empty']} minutes without trades recorded empty"
    result.row(f"{venue.name} {venue.symbol}: requests for {minutes} minutes", "requests", requests, fewest,
               f"ceil({minutes} / {venue.page})", False,
               notes=f"filled {filled} of {missing} missing, still missing {still}{extra}; {done.wall:.1f} s wall with the JVM start")
    result.row(f"{venue.name} {venue.symbol}: time waiting", "s", waited, floor, f"floor of {venue.limit}", False,
               notes=f"floor = {requests - 1} gaps between its {requests} requests x {venue.min_interval:.3g} s")
    result.line("requests made vs the fewest possible", "venue", "requests", "kline-worker bronze-rest", (VENUES.index(venue), requests))
    result.line("requests made vs the fewest possible", "venue", "requests", "ceil(minutes / page)", (VENUES.index(venue), fewest))
    result.checks[venue.name] = {"missing": missing, "filled": filled, "still_missing": still, "requests": requests,
                                 "checked_empty": int(meta.get("checked_empty", 0)), "fewest_requests": fewest}


if __name__ == "__main__":
    arguments = parse_args(__doc__)
    print(run(arguments.size, arguments.raw_dir).write(arguments.raw_dir))
