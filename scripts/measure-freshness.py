#!/usr/bin/env python3
"""How long a finished minute takes to reach silver, end to end, with nothing launched by hand.

Runs `make demo` of its own (scripts/demo.sh: the exchange simulator in real time, the engine on
five venues x two pairs, `dagster dev` with `make run`'s sensor, schedule and instance settings) on
its own ports, directory and freshly created databases, and polls silver.fact_ohlcv every
POLL_SECONDS. A minute's lag is the time from its end (interval_end) to the first poll that sees
its row. Minutes ending before --warmup seconds after the start are not counted (the engine, the
sensor and the first run are starting); minutes ending in the last --bound seconds have not had
their chance yet and are not counted either.

  .venv/bin/python scripts/measure-freshness.py [--duration 600] [--bound 300] [--no-gap]
                                                 [--until-each-stream N] [--json FILE] [--keep-dir]

Prints the lags per venue (median, 90th percentile, worst), the websocket and REST-healed minutes
apart, and exits 1 when a counted minute took longer than --bound or never arrived (0 otherwise,
2 when the demo could not be run). With --until-each-stream N it stops as soon as every
venue/pair has N counted minutes in silver (or at --duration) and reports the same way; the
pytest of the micro-batch path uses that. `make freshness` runs it with the defaults.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from demo_harness import demo_pairs, prepare_demo, remove_demo_dir, start_demo, stop_demo

POLL_SECONDS = 2.0
VENUES = ("binance", "coinbase", "kraken", "bybit", "okx")


@dataclass
class Observation:
    """First time each silver row was seen, keyed by (exchange, symbol, interval_end epoch)."""

    started: float
    first_seen: dict[tuple[str, str, float], tuple[float, str]] = field(default_factory=dict)

    def poll(self, connection) -> None:
        now = time.time()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT exchange, symbol, extract(epoch FROM interval_end)::float8, source FROM silver.fact_ohlcv"
                " WHERE interval_end > to_timestamp(%s)",
                (self.started,),
            )
            for exchange, symbol, end, source in cursor.fetchall():
                self.first_seen.setdefault((exchange, symbol, end), (now, source))

    def counted(self, warmup: float, until: float) -> dict[tuple[str, str, float], tuple[float, str]]:
        return {k: v for k, v in self.first_seen.items() if self.started + warmup <= k[2] <= until}


def _lag_summary(lags: list[float]) -> str:
    if not lags:
        return "none"
    ordered = sorted(lags)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return f"{len(lags)} minutes: median {statistics.median(ordered):.0f} s, p90 {p90:.0f} s, worst {ordered[-1]:.0f} s"


def _expected_ends(started: float, warmup: float, until: float) -> list[float]:
    first = (int(started + warmup) // 60 + (0 if (started + warmup) % 60 == 0 else 1)) * 60
    return [float(end) for end in range(first, int(until) + 1, 60)]


def report(obs: Observation, streams: set[tuple[str, str]], warmup: float, until: float, bound: float) -> dict:
    """Per venue and source, the lags of the counted minutes; late and missing ones by name."""
    counted = obs.counted(warmup, until)
    result: dict = {"bound_seconds": bound, "warmup_seconds": warmup, "venues": {}, "late": [], "missing": []}
    for venue in VENUES:
        by_source: dict[str, list[float]] = {}
        for (exchange, _symbol, end), (seen, source) in counted.items():
            if exchange == venue:
                by_source.setdefault(source, []).append(seen - end)
        all_lags = [lag for lags in by_source.values() for lag in lags]
        result["venues"][venue] = {
            "all": _lag_summary(all_lags),
            "by_source": {source: _lag_summary(lags) for source, lags in sorted(by_source.items())},
            "minutes_by_source": {source: len(lags) for source, lags in sorted(by_source.items())},
            "max_lag_seconds": max(all_lags, default=None),
        }
    for (exchange, symbol, end), (seen, source) in sorted(counted.items()):
        if seen - end > bound:
            result["late"].append(f"{exchange}/{symbol} minute ending {time.strftime('%H:%M', time.gmtime(end))}: "
                                  f"{seen - end:.0f} s ({source})")
    # Only minutes that had their full chance: ended at least `bound` before the last poll.
    for end in _expected_ends(obs.started, warmup, until):
        for exchange, symbol in sorted(streams):
            if (exchange, symbol, end) not in counted:
                result["missing"].append(f"{exchange}/{symbol} minute ending {time.strftime('%H:%M', time.gmtime(end))}")
    all_lags = [seen - end for (_e, _s, end), (seen, _src) in counted.items()]
    result["all"] = _lag_summary(all_lags)
    result["counted_minutes"] = len(counted)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=600, help="seconds of observation (default 600)")
    parser.add_argument("--bound", type=float, default=300, help="the freshness bound in seconds (default 300)")
    parser.add_argument("--warmup", type=float, default=90, help="minutes ending earlier than this after the start are not counted (default 90)")
    parser.add_argument("--no-gap", action="store_true", help="without the demo's three silent minutes on Binance and Kraken")
    parser.add_argument("--until-each-stream", type=int, default=0, metavar="N",
                        help="stop once every venue/pair has N counted minutes in silver")
    parser.add_argument("--base-port", type=int, default=18300, help="the simulator's first venue port (default 18300)")
    parser.add_argument("--dagster-port", type=int, default=3300, help="dagster dev's port (default 3300)")
    parser.add_argument("--database-prefix", default="kline_freshness", help="databases <prefix> and <prefix>_dagster are recreated")
    parser.add_argument("--dir", type=Path, help="the demo's directory (default: a new temporary one)")
    parser.add_argument("--keep-dir", action="store_true", help="keep the demo's directory (logs, bronze files)")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = parser.parse_args()

    setup = prepare_demo(database_prefix=args.database_prefix, base_port=args.base_port, dagster_port=args.dagster_port,
                         directory=args.dir, temp_prefix="kline-freshness-",
                         extra_env={"KLINE_DEMO_GAP": "off" if args.no_gap else "on"})
    env, demo_dir, pipeline_url = setup.env, setup.directory, setup.pipeline_url
    streams = {(exchange, canonical) for exchange, _symbol, canonical in demo_pairs()}
    log_path = setup.log_path
    print(f"measure-freshness: demo in {demo_dir} (log {log_path}), databases {args.database_prefix}[_dagster]", flush=True)
    started = time.time()
    demo = start_demo(env, log_path)
    obs = Observation(started)
    connection = None
    try:
        while time.time() - started < args.duration:
            if demo.poll() is not None:
                print(f"measure-freshness: the demo exited with {demo.returncode}; see {log_path}", file=sys.stderr)
                return 2
            time.sleep(POLL_SECONDS)
            try:
                connection = connection or psycopg2.connect(pipeline_url)
                connection.autocommit = True
                obs.poll(connection)
            except psycopg2.Error:
                # Before the migrations the table does not exist yet.
                connection = None
            if args.until_each_stream and _each_stream_has(obs, streams, args.warmup, args.until_each_stream):
                break
    finally:
        last_poll = time.time()
        if connection is not None:
            connection.close()
        stop_demo(demo)
    # In --until mode every counted minute is in: nothing is missing, and late is judged per minute.
    until = last_poll - (0 if args.until_each_stream else args.bound)
    result = report(obs, streams, args.warmup, until, args.bound)
    if args.until_each_stream:
        result["missing"] = [] if _each_stream_has(obs, streams, args.warmup, args.until_each_stream) else [
            f"{e}/{s}: fewer than {args.until_each_stream} minutes in {args.duration:.0f} s" for e, s in sorted(streams)
            if _stream_count(obs, (e, s), args.warmup) < args.until_each_stream]
    result["observed_seconds"] = round(last_poll - started)
    _print(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    remove_demo_dir(setup, args.keep_dir)
    return 1 if result["late"] or result["missing"] else 0


def _stream_count(obs: Observation, stream: tuple[str, str], warmup: float) -> int:
    return sum(1 for (e, s, end) in obs.first_seen if (e, s) == stream and end >= obs.started + warmup)


def _each_stream_has(obs: Observation, streams: set[tuple[str, str]], warmup: float, n: int) -> bool:
    return all(_stream_count(obs, stream, warmup) >= n for stream in streams)


def _print(result: dict) -> None:
    print(f"freshness over {result['observed_seconds']} s, bound {result['bound_seconds']:.0f} s, "
          f"{result['counted_minutes']} minutes counted: {result['all']}")
    for venue, lags in result["venues"].items():
        sources = "; ".join(f"{k} {v}" for k, v in lags["by_source"].items())
        print(f"  {venue:9} {lags['all']}" + (f"  ({sources})" if sources else ""))
    for line in result["late"]:
        print(f"  LATE    {line}")
    for line in result["missing"]:
        print(f"  MISSING {line}")


if __name__ == "__main__":
    sys.exit(main())
