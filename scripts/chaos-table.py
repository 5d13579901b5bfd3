#!/usr/bin/env python3
"""Prints the fault-injection table from the rows the chaos tests wrote.

Every JUnit test tagged `chaos` records one row (io.klinepipeline.chaos.ChaosRow) under its
module's target/chaos/ (or $KLINE_CHAOS_DIR) once its assertions have passed. This script
collects them and prints one markdown table, as the README's "Reliability" section shows it.

  scripts/chaos-table.py [--out FILE] [DIR ...]     (default: */target/chaos of the repository)

Exits 1 when no row is found (the tests did not run), or when a row counts a lost or doubled
message or an unrecovered error (a test should have failed first; the table must not hide it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = [
    ("component", "component"),
    ("fault", "fault"),
    ("trials", "trials"),
    ("messages_sent", "messages sent"),
    ("messages_on_disk", "messages on disk"),
    ("minutes_in_silver", "minutes in silver"),
    ("lost", "lost"),
    ("duplicates", "duplicates"),
    ("unrecovered_errors", "unrecovered errors"),
    ("notes", "notes"),
]
ORDER = ["engine", "exchange", "s3", "disk", "postgresql", "worker", "parser", "config", "secrets"]


def rows_in(dirs: list[Path]) -> list[dict]:
    rows = []
    for directory in dirs:
        for path in sorted(directory.glob("*.json")):
            rows.append(json.loads(path.read_text()))
    rank = {c: i for i, c in enumerate(ORDER)}
    return sorted(rows, key=lambda r: (rank.get(r["component"], len(ORDER)), r["component"], r["fault"]))


def cell(value) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value).replace("|", "\\|")


def table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(title for _, title in COLUMNS) + " |",
             "|" + "|".join("---" for _ in COLUMNS) + "|"]
    lines += ["| " + " | ".join(cell(row.get(key)) for key, _ in COLUMNS) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, help="also write the table here")
    args = parser.parse_args()
    dirs = args.dirs or ([Path(os.environ["KLINE_CHAOS_DIR"])] if os.environ.get("KLINE_CHAOS_DIR")
                         else sorted(ROOT.glob("*/target/chaos")))
    rows = rows_in(dirs)
    if not rows:
        print(f"chaos-table: no rows under {', '.join(map(str, dirs)) or '*/target/chaos'}: run the chaos tests first",
              file=sys.stderr)
        return 1
    text = table(rows)
    scales = sorted({row.get("scale", 1) for row in rows})
    print(text + f"\n{len(rows)} faults, scale {'/'.join(map(str, scales))} (KLINE_CHAOS_SCALE)")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    bad = [r for r in rows if (r.get("lost") or 0) or (r.get("duplicates") or 0) or r.get("unrecovered_errors")]
    for row in bad:
        print(f"chaos-table: {row['component']} / {row['fault']} counts losses, duplicates or unrecovered errors",
              file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
