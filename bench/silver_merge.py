"""Row 4, silver merge: one day x 100 pairs x 5 venues of bronze, with 10% duplicate final rows (some
from REST, some later websocket updates) and 10% unfinished rows; `kline-worker silver --all-symbols`
(one launch, as Dagster's batched run makes it, with its class archive) for a first merge (every pair in one
statement) and a second with nothing to change (reported from the first's merge marks, sql/V5), against the same
merge done as one upsert statement per row over JDBC."""

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
from bench.listings import cached_symbols, write_yaml

BENCHMARK = "silver-merge"
START = dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc)
VENUES = ("binance", "coinbase", "kraken", "bybit", "okx")
FIRST_GOAL_SECONDS = 10.0
SECOND_GOAL_SECONDS = 1.0


@dataclass(frozen=True)
class Size:
    pairs: int
    hours: int


SIZES = {"full": Size(100, 24), "tiny": Size(3, 2)}


def listings(pairs: int) -> list[tuple[str, str, str, str]]:
    """(venue, native symbol, canonical BASE-QUOTE, quote) for the first `pairs` pairs Binance's cached
    list holds, written as each venue writes them."""
    out = []
    for _, base, quote in cached_symbols("binance")[:pairs]:
        canonical = f"{base}-{quote}"
        out += [
            ("binance", f"{base}{quote}", canonical, quote),
            ("coinbase", f"{base}-{quote}", canonical, quote),
            ("kraken", f"{base}/{quote}", canonical, quote),
            ("bybit", f"{base}{quote}", canonical, quote),
            ("okx", f"{base}-{quote}", canonical, quote),
        ]
    return out


def write_config(folder: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    body = ["exchanges:"]
    for port, venue in enumerate(VENUES):
        mine = [r for r in rows if r[0] == venue]
        body.append(f"  {venue}:")
        body.append(f"    ws_url: ws://127.0.0.1:{18100 + port}")
        body.append(f"    rest_url: http://127.0.0.1:{18100 + port}")
        body.append("    pairs: [" + ", ".join(f'"{r[1]}"' for r in mine) + "]")
        if venue in ("binance", "bybit"):  # no separator: say base and quote, the cached lists do not hold them all
            body.append("    canonical: {" + ", ".join(f'"{r[1]}": "{r[2]}"' for r in mine) + "}")
    body += ["storage:", "  local_dir: bronze", "  dead_letter_dir: dead-letter", f'partitions: {{start: "{iso(START)}"}}', ""]
    return write_yaml(folder / "pipeline.yaml", "\n".join(body))


def iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def fill_bronze(url: str, rows: list[tuple[str, str, str, str]], size: Size) -> int:
    """Every minute of every listing has a final websocket row; every 10th minute a second final row
    (every 20th from REST, fetched later; the others an earlier websocket update with another close),
    and every 10th (offset 5) an unfinished update too."""
    values = ", ".join(f"('{v}', '{s}', '{c}', '{q}', {'false' if v == 'coinbase' else 'true'})" for v, s, c, q in rows)
    psql(url, "-c", f"""
        CREATE TABLE public.bench_listing (exchange text, symbol text, canonical text, quote_asset text, websocket_first boolean);
        INSERT INTO public.bench_listing VALUES {values};
        CREATE TABLE public.silver_clone (LIKE silver.fact_ohlcv INCLUDING ALL);
        -- The month's partition, as a worker's load makes it (sql/V3), rather than the default one.
        SELECT bronze.ensure_bronze_partitions('{iso(START)}', '{iso(START)}'::timestamptz + interval '{size.hours} hours');
        INSERT INTO bronze.bronze_ohclv_native
        SELECT l.exchange, l.symbol, 60, m, m + interval '1 minute',
               p, p + 5, p - 5, p + (n % 7) - 3 + d.close_shift, 10 + n % 13, (10 + n % 13) * p, p,
               20 + n % 11, d.source, m + d.received, d.final
          FROM public.bench_listing l
         CROSS JOIN generate_series(0, {size.hours * 60 - 1}) n
         CROSS JOIN LATERAL (SELECT '{iso(START)}'::timestamptz + n * interval '1 minute' AS m,
                                    1000 + (hashtext(l.symbol) % 500) + n % 17 AS p) x
         CROSS JOIN LATERAL (VALUES ('websocket', interval '60.05 seconds', true, 0),
                                    ('rest', interval '75 seconds', true, 1),
                                    ('websocket', interval '59.9 seconds', true, 2),
                                    ('websocket', interval '30 seconds', false, -2)) d(source, received, final, close_shift)
         WHERE d.close_shift = 0
            OR (d.close_shift = 1 AND n % 20 = 0)
            OR (d.close_shift = 2 AND n % 20 = 10)
            OR (d.close_shift = -2 AND n % 10 = 5);
        ANALYZE bronze.bronze_ohclv_native;
    """)
    return int(psql_value(url, "SELECT count(*) FROM bronze.bronze_ohclv_native"))


def run(size_name: str, raw_dir: Path) -> Result:
    size = SIZES[size_name]
    result = Result(BENCHMARK, "Silver merge: one set-based statement for all pairs, a rerun from merge marks, vs one upsert per row", size_name)
    rows = listings(size.pairs)
    window = ["--start", iso(START), "--end", iso(START + dt.timedelta(hours=size.hours))]
    with scratch_dir("bench-silver") as folder, scratch_database("bench_silver") as url:
        config = write_config(folder, rows)
        env = {"KLINE_DATABASE_URL": url, "KLINE_LOG_LEVEL": "WARN"}
        launch(worker_command(config, "migrate"), env=env)
        bronze_rows = fill_bronze(url, rows, size)
        # The class archive Dagster's launches start from, made by an untimed merge of one pair over
        # the day before the bench's bronze (nothing to merge, every check run).
        workers = DagsterLaunches(folder)
        workers.warm_up(config, "silver", "--symbol", rows[0][2], "--start", iso(START - dt.timedelta(days=1)), "--end", iso(START),
                        env=env)
        ours: list[Launch] = [launch(workers.command(config, "silver", "--all-symbols", *window), env=env)]
        between = psql_value(url, "SELECT now()")
        ours.append(launch(workers.command(config, "silver", "--all-symbols", *window), env=env))
        # Pairs the second launch reported from the first's merge marks (a re-merge would have renewed its mark).
        marked = int(psql_value(url, f"SELECT count(*) FROM silver.merge_marks WHERE merged_at < '{between}'"
                                     f" AND window_start = '{window[1]}' AND window_end = '{window[3]}'"))
        baseline = [launch(test_tool_command("io.klinepipeline.workers.silver.PerRowUpsertMerge", "public.silver_clone", *window[1::2]),
                           env=env) for _ in range(2)]
        inserted = [sum(int(b.get("inserted", 0)) for b in worker_metadata(run.stdout).values()) for run in ours]
        statements = [int(run.stdout.split()[0]) for run in baseline]
        changed = [int(run.stdout.split()[1]) for run in baseline]
        silver_rows = int(psql_value(url, "SELECT count(*) FROM silver.fact_ohlcv"))
        clone_rows = int(psql_value(url, "SELECT count(*) FROM public.silver_clone"))
        columns = "exchange, symbol, quote_asset, interval_start, open, high, low, close, volume, source, ingestion_ts"
        differing = int(psql_value(url, f"""SELECT count(*) FROM (
            (SELECT {columns} FROM silver.fact_ohlcv EXCEPT SELECT {columns} FROM public.silver_clone)
            UNION ALL (SELECT {columns} FROM public.silver_clone EXCEPT SELECT {columns} FROM silver.fact_ohlcv)) d"""))
    listings_count = len(rows)
    case = f"{size.hours} h x {size.pairs} pairs x 5 venues ({bronze_rows:,} bronze rows)"
    result.row(f"{case}, first merge", "s", ours[0].wall, baseline[0].wall, "JDBC upsert per row", False,
               f"< {FIRST_GOAL_SECONDS:g} s", ours[0].wall < FIRST_GOAL_SECONDS,
               f"one launch for all {listings_count} listings, JVM start and checks included; {inserted[0]:,} rows inserted; "
               f"baseline: {statements[0]:,} statements")
    result.row(f"{case}, second merge (nothing to change)", "s", ours[1].wall, baseline[1].wall, "JDBC upsert per row", False,
               f"< {SECOND_GOAL_SECONDS:g} s", ours[1].wall < SECOND_GOAL_SECONDS,
               f"{inserted[1]} rows inserted, {marked} pairs reported from their merge marks; {ours[1].cpu:.1f} CPU-s; baseline: {statements[1]:,} statements, {changed[1]} rows changed")
    result.checks.update({
        "bronze_rows": bronze_rows,
        "listings": listings_count,
        "expected_silver_rows": listings_count * size.hours * 60,
        "silver_rows": silver_rows,
        "baseline_rows": clone_rows,
        "rows_differing_from_baseline": differing,
        "inserted_first": inserted[0],
        "inserted_second": inserted[1],
        "pairs_from_marks_second": marked,
        "baseline_changed_second": changed[1],
    })
    result.write(raw_dir)
    return result


if __name__ == "__main__":
    arguments = parse_args(__doc__)
    print(run(arguments.size, arguments.raw_dir).write(arguments.raw_dir))
