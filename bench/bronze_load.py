"""Row 2, bronze load: `kline-worker ext-to-bronze` (the jar, a JVM start included, as Dagster
launches it: its JVM options and class archive) against `psql \\copy` of the same rows as CSV into a clone of the table with the same
indexes, and a naive loader that INSERTs row by row over JDBC. One day and four days of one Binance
stream, and a day of 100 streams; first load and rerun; the worker's peak RSS for 1x and 4x input."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bench.common import (
    DagsterLaunches,
    Launch,
    Result,
    launch,
    parse_args,
    psql,
    psql_value,
    scratch_database,
    scratch_dir,
    test_tool_command,
    worker_command,
    worker_metadata,
)
from bench.listings import binance_symbols, write_yaml

BENCHMARK = "bronze-load"
START = dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc)
GOAL = ">= 0.7"
GOAL_RATIO = 0.7
CHART = "rows per second vs input size"


# The columns ext-to-bronze writes (BronzeWindowLoad.COLUMNS), in table order; NaiveInsertLoader's VALUES take the same.
LOADED_COLUMNS = ("exchange, symbol, interval_seconds, interval_start, interval_end, open, high, low, close, volume,"
                  " quote_volume, vwap, trade_count, source, ingestion_ts, is_final")


@dataclass(frozen=True)
class Case:
    name: str
    streams: int
    hours: int
    updates_per_minute: int
    naive_sample: int | None  # rows the naive loader inserts (None: all); its rate is taken from them

    @property
    def rows(self) -> int:
        return self.streams * self.hours * 60 * self.updates_per_minute


# Full: the sizes of issue 10 (345,600 and 1,382,400 rows: 240 updates a minute, as the figures in
# the issue were taken), and 100 streams at 12 updates a minute (1,728,000 rows) to keep make bench
# within minutes.
CASES = {
    "full": [
        Case("1 day, 1 stream", 1, 24, 240, 100_000),
        Case("4 days, 1 stream", 1, 96, 240, 100_000),
        Case("1 day, 100 streams", 100, 24, 12, 100_000),
    ],
    # Two cases, not three, to stay within make test's budget: 1x, and 4x input over two streams.
    "tiny": [
        Case("1 hour, 1 stream", 1, 1, 30, None),
        Case("2 hours, 2 streams", 2, 2, 30, None),
    ],
}


@dataclass(frozen=True)
class Measured:
    case: Case
    first: Launch
    rerun: Launch
    loaded: int
    unchanged: int
    copy_seconds: float
    copy_rows: int
    naive_seconds: float
    naive_rows: int

    def rate(self, seconds: float, rows: int | None = None) -> float:
        return (self.loaded if rows is None else rows) / seconds


def run(size: str, raw_dir: Path) -> Result:
    result = Result(BENCHMARK, "Bronze load: ext-to-bronze vs psql \\copy and a row-by-row INSERT loader", size)
    cases = CASES[size]
    with scratch_dir("bench-bronze") as folder, scratch_database("bench_bronze_template") as template:
        # Every case's input in one JVM start; each case loads into its own copy of a migrated database.
        groups: list[str] = []
        for index, case in enumerate(cases):
            groups += [str(folder / f"case{index}" / "bronze"), iso(START), str(case.hours + 1), str(case.updates_per_minute),
                       ",".join(binance_symbols(case.streams))]
        launch(test_tool_command("io.klinepipeline.workers.bronze.BenchJsonlFiles", *groups))
        config = write_config(folder / "case0", binance_symbols(1))
        launch(worker_command(config, "migrate"), env={"KLINE_DATABASE_URL": template, "KLINE_LOG_LEVEL": "WARN"})
        workers = DagsterLaunches(folder)
        with scratch_database("bench_bronze_warm_up", template=template) as url:
            # The class archive, made by an untimed load of the first case's first hour.
            workers.warm_up(write_config(folder / "case0", binance_symbols(1)), "ext-to-bronze", "--exchange", "binance",
                            "--symbol", binance_symbols(1)[0], "--start", iso(START), "--end", iso(START + dt.timedelta(hours=1)),
                            env={"KLINE_DATABASE_URL": url, "KLINE_LOG_LEVEL": "WARN"})
        measured = [measure(case, folder / f"case{index}", template, workers) for index, case in enumerate(cases)]
    for m in measured:
        copy_rate = m.rate(m.copy_seconds, m.copy_rows)
        naive_rate = m.rate(m.naive_seconds, m.naive_rows)
        first_rate = m.rate(m.first.wall)
        rerun_rate = m.rate(m.rerun.wall)
        sample = "" if m.naive_rows == m.loaded else f"; naive INSERT timed on its first {m.naive_rows:,} rows"
        result.row(f"{m.case.name} ({m.loaded:,} rows), first load", "rows/s", first_rate, copy_rate, "psql \\copy", True,
                   GOAL, first_rate / copy_rate >= GOAL_RATIO,
                   f"JVM start included ({m.first.wall:.1f} s wall, {m.first.cpu:.1f} CPU-s); naive INSERT {naive_rate:,.0f} rows/s{sample}")
        result.row(f"{m.case.name}, rerun over the loaded window", "rows/s", rerun_rate, copy_rate, "psql \\copy", True,
                   GOAL, rerun_rate / copy_rate >= GOAL_RATIO,
                   f"{m.unchanged:,} rows unchanged, kept in place ({m.rerun.wall:.1f} s wall)")
        result.row(f"{m.case.name}, first load vs naive INSERT", "rows/s", first_rate, naive_rate, "JDBC INSERT per row", True,
                   notes=f"autocommit off, one commit{sample}")
        x = m.loaded
        if m.case.streams == 1:
            result.line(CHART, "rows in the window (1 stream)", "rows/s", "ext-to-bronze, first load", (x, first_rate))
            result.line(CHART, "rows in the window (1 stream)", "rows/s", "ext-to-bronze, rerun", (x, rerun_rate))
            result.line(CHART, "rows in the window (1 stream)", "rows/s", "psql \\copy", (x, copy_rate))
            result.line(CHART, "rows in the window (1 stream)", "rows/s", "naive INSERT", (x, naive_rate))
        result.checks[m.case.name] = {
            "rows_loaded": m.loaded,
            "expected_rows": m.case.rows,
            "rows_unchanged_on_rerun": m.unchanged,
            "copy_rows": m.copy_rows,
            "naive_rows": m.naive_rows,
            "first_peak_rss_mib": round(m.first.peak_rss_mib),
            "rerun_peak_rss_mib": round(m.rerun.peak_rss_mib),
        }
    one, four = measured[0], measured[1]
    result.row("worker peak RSS, 4x input vs 1x (first load)", "MiB", four.first.peak_rss_mib, one.first.peak_rss_mib,
               f"the same worker on 1x ({one.loaded:,} rows)", False, ">= 0.9 (flat)",
               one.first.peak_rss_mib / four.first.peak_rss_mib >= 0.9,
               f"heap bound {heap_bound()}; rerun: {one.rerun.peak_rss_mib:.0f} vs {four.rerun.peak_rss_mib:.0f} MiB")
    result.write(raw_dir)
    return result


def heap_bound() -> str:
    from dagster_project.worker_jvm import WORKER_HEAP_OPTION

    return WORKER_HEAP_OPTION


def iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def write_config(folder: Path, symbols: list[str]) -> Path:
    return write_yaml(folder / "pipeline.yaml", f"""\
exchanges:
  binance:
    ws_url: wss://stream.binance.com:9443
    rest_url: https://api.binance.com
    pairs: [{", ".join(symbols)}]
storage:
  local_dir: bronze
  dead_letter_dir: dead-letter
partitions: {{start: "{iso(START)}"}}
""")


def measure(case: Case, folder: Path, template: str, workers: DagsterLaunches) -> Measured:
    """The case's input is in folder/bronze (the hour after the window too: it holds the window's
    last closing update, as the engine would have written it)."""
    symbols = binance_symbols(case.streams)
    window = ["--start", iso(START), "--end", iso(START + dt.timedelta(hours=case.hours))]
    config = write_config(folder, symbols)
    with scratch_database("bench_bronze", template=template) as url:
        env = {"KLINE_DATABASE_URL": url, "KLINE_LOG_LEVEL": "WARN"}
        stream_args = ["--exchange", "binance", *(a for s in symbols for a in ("--symbol", s))]
        first = launch(workers.command(config, "ext-to-bronze", *stream_args, *window), env=env)
        rerun = launch(workers.command(config, "ext-to-bronze", *stream_args, *window), env=env)
        loaded = sum(int(block["rows_loaded"]) for block in worker_metadata(first.stdout).values())
        unchanged = sum(int(block["rows_unchanged"]) for block in worker_metadata(rerun.stdout).values())

        csv = folder / "bronze.csv"
        # COPY TO refuses a partitioned table (sql/V3): its rows are copied out through a query.
        # The loaders' columns only: written_by (sql/V5) is filled by its default, in the clones as in bronze.
        psql(url, "-c", f"\\copy (SELECT {LOADED_COLUMNS} FROM bronze.bronze_ohclv_native) TO '{csv}' CSV")
        psql(url, "-c", "CREATE TABLE public.copy_clone (LIKE bronze.bronze_ohclv_native INCLUDING ALL);"
                        " CREATE TABLE public.insert_clone (LIKE bronze.bronze_ohclv_native INCLUDING ALL)")
        copy = launch(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", f"\\copy public.copy_clone ({LOADED_COLUMNS}) FROM '{csv}' CSV"])
        copy_rows = int(psql_value(url, "SELECT count(*) FROM public.copy_clone"))
        sample = [] if case.naive_sample is None else [str(case.naive_sample)]
        naive = launch(test_tool_command("io.klinepipeline.workers.bronze.NaiveInsertLoader", str(csv), "public.insert_clone", *sample),
                       env=env)
        naive_rows = int(psql_value(url, "SELECT count(*) FROM public.insert_clone"))
    return Measured(case, first, rerun, loaded, unchanged, copy.wall, copy_rows, naive.wall, naive_rows)


if __name__ == "__main__":
    arguments = parse_args(__doc__)
    print(run(arguments.size, arguments.raw_dir).write(arguments.raw_dir))
