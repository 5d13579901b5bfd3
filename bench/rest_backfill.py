"""Row 3, REST backfill: a gap of one day per venue (nothing in bronze) filled by `kline-worker
bronze-rest` from the exchange simulator's REST endpoints, one launch per venue. Requests made vs
the fewest the venue's documented API allows for that gap, and the time the worker spent waiting
(its rate-limit pauses and retries) vs the floor the venue's documented limits set for those
fewest requests.

The fewest requests, per venue: ceil(minutes / page) where one endpoint serves every minute
(Binance, Bybit 1,000; Coinbase 350). OKX serves its last 1,440 minutes from /candles, 300 a page,
and older ones from /history-candles, 100 a page: requests from the oldest minute, each as large as
its first minute's age allows. Kraken's OHLC serves only its last 720 minutes, in one request;
older minutes exist only as trades, 1,000 a page, read until a trade past the gap's end proves the
last minute complete: ceil((trades + 1) / 1000) pages, the trades counted from the simulator's true
candles over the minutes the worker found beyond the OHLC (metadata beyond_history).

The floor of waiting is even spacing at the documented rate between consecutive requests under one
limit, and none between requests under different limits (OKX's two endpoints)."""

from __future__ import annotations

import datetime as dt
import math
import socket
import subprocess
import sys
import json
import time
import urllib.parse
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
    pace_note: str = ""


# The limits as each exchange documents them (and kline-core's RestKlineApi classes cite):
VENUES = (
    Venue("binance", "BTCUSDT", 1000, 60 / (6000 / 2), "6,000 weight/min, klines weight 2",
          "; Binance's limit is a weight budget per minute, so the worker waits only once past 80% of it (X-MBX-USED-WEIGHT-1M)"),
    Venue("coinbase", "BTC-USD", 350, 0.1, "10 public requests/s"),
    Venue("kraken", "BTC/USD", 720, 1.0, "1 public request/s"),
    Venue("bybit", "BTCUSDT", 1000, 5 / 600, "600 requests/5 s"),
    # /candles; older minutes from /history-candles, below.
    Venue("okx", "BTC-USDT", 300, 2 / 40, "40 requests/2 s (candles), 20/2 s (history-candles), each its own"),
)
OKX_RECENT_MINUTES = 1440  # /candles: "the latest 1,440 data entries", the open minute among them
OKX_HISTORY_PAGE, OKX_HISTORY_INTERVAL = 100, 2 / 20
KRAKEN_TRADES_PAGE = 1000


@dataclass(frozen=True)
class Fewest:
    """The fewest requests the venue's documented API allows for the gap, and the waiting they need."""
    requests: int
    floor_seconds: float
    how: str  # the baseline's name
    floor_how: str


def fewest(venue: Venue, start: dt.datetime, minutes: int, open_minute: dt.datetime, beyond: int, trades: int) -> Fewest:
    if venue.name == "okx":
        reach = open_minute - dt.timedelta(minutes=OKX_RECENT_MINUTES - 1)
        history = recent = 0
        minute, end = start, start + dt.timedelta(minutes=minutes)
        while minute < end:  # from the oldest minute, each request as large as its first minute allows
            old = minute < reach
            history, recent = history + old, recent + (not old)
            minute += dt.timedelta(minutes=OKX_HISTORY_PAGE if old else venue.page)
        floor = max(0, history - 1) * OKX_HISTORY_INTERVAL + max(0, recent - 1) * venue.min_interval
        return Fewest(history + recent, floor, f"{history} history-candles x {OKX_HISTORY_PAGE} + {recent} candles x {venue.page}",
                      f"{max(0, history - 1)} x {OKX_HISTORY_INTERVAL:.3g} s + {max(0, recent - 1)} x {venue.min_interval:.3g} s")
    if venue.name == "kraken":
        pages = math.ceil((trades + 1) / KRAKEN_TRADES_PAGE) if beyond else 0
        ohlc = math.ceil((minutes - beyond) / venue.page)
        n = pages + ohlc
        return Fewest(n, (n - 1) * venue.min_interval,
                      f"{ohlc} OHLC + ceil(({trades} trades + 1) / {KRAKEN_TRADES_PAGE}) Trades pages for {beyond} older minutes",
                      f"{n - 1} gaps x {venue.min_interval:.3g} s")
    n = math.ceil(minutes / venue.page)
    return Fewest(n, (n - 1) * venue.min_interval, f"ceil({minutes} / {venue.page})", f"{n - 1} gaps x {venue.min_interval:.3g} s")


def admin(base: int, path: str) -> object:
    with urllib.request.urlopen(f"http://127.0.0.1:{base + 99}{path}", timeout=30) as response:
        return json.load(response)


def simulated_minute(base: int) -> dt.datetime:
    now = dt.datetime.fromisoformat(str(admin(base, "/now")["now"]).replace("Z", "+00:00"))
    return now.replace(second=0, microsecond=0)


def true_trades(base: int, venue: Venue, start: dt.datetime, minutes: int) -> int:
    """Trades in [start, start + minutes) by the simulator's exact candles (at most a day a request)."""
    total, day = 0, 24 * 60
    for offset in range(0, minutes, day):
        a = start + dt.timedelta(minutes=offset)
        b = start + dt.timedelta(minutes=min(minutes, offset + day))
        query = urllib.parse.urlencode({"symbol": venue.symbol, "from": iso(a), "to": iso(b)})
        total += sum(int(c["trade_count"]) for c in admin(base, f"/venues/{venue.name}/candles?{query}"))
    return total


def iso(t: dt.datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


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
                run_venue(result, venue, config, env, window, minutes, start, base)
        finally:
            simulator.terminate()
            try:
                simulator.wait(timeout=30)
            except subprocess.TimeoutExpired:
                # Once seen under make test's load (the JVM did not exit within 30 s of SIGTERM): the
                # simulator is only the load here, so it is killed rather than failing the measurement.
                print("bench: the exchange simulator did not stop within 30 s of SIGTERM; killed", file=sys.stderr)
                simulator.kill()
                simulator.wait()
    result.write(raw_dir)
    return result


def run_venue(result: Result, venue: Venue, config: Path, env: dict[str, str], window: list[str], minutes: int,
              start: dt.datetime, base: int) -> None:
    open_minute = simulated_minute(base)
    done = launch(worker_command(config, "bronze-rest", "--exchange", venue.name, "--symbol", venue.symbol, *window), env=env)
    meta = next(iter(worker_metadata(done.stdout).values()))
    requests = int(meta["requests"])
    waited = float(meta["waited_seconds"])
    beyond = int(meta.get("beyond_history", 0))
    trades = true_trades(base, venue, start, beyond) if beyond else 0
    least = fewest(venue, start, minutes, open_minute, beyond, trades)
    filled, missing, still = int(meta["filled"]), int(meta["missing"]), int(meta["still_missing"])
    extra = ""
    if int(meta.get("rebuilt_from_trades", 0)):
        extra = f"; {meta['rebuilt_from_trades']} minutes beyond the candle history rebuilt from trades (their pages count)"
    if int(meta.get("checked_empty", 0)):
        extra += f"; {meta['checked_empty']} minutes without trades recorded empty"
    result.row(f"{venue.name} {venue.symbol}: requests for {minutes} minutes", "requests", requests, least.requests,
               least.how, False,
               notes=f"filled {filled} of {missing} missing, still missing {still}{extra}; {done.wall:.1f} s wall with the JVM start")
    result.row(f"{venue.name} {venue.symbol}: time waiting", "s", waited, least.floor_seconds, f"floor of {venue.limit}", False,
               notes=f"floor for the fewest requests = {least.floor_how}, spaced evenly at the documented rate{venue.pace_note}")
    result.line("requests made vs the fewest possible", "venue", "requests", "kline-worker bronze-rest", (VENUES.index(venue), requests))
    result.line("requests made vs the fewest possible", "venue", "requests", "fewest the venue's API allows", (VENUES.index(venue), least.requests))
    result.checks[venue.name] = {"missing": missing, "filled": filled, "still_missing": still, "requests": requests,
                                 "checked_empty": int(meta.get("checked_empty", 0)), "fewest_requests": least.requests,
                                 "beyond_history": beyond, "trades_beyond_history": trades}


if __name__ == "__main__":
    arguments = parse_args(__doc__)
    print(run(arguments.size, arguments.raw_dir).write(arguments.raw_dir))
