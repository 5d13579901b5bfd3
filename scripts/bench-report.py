#!/usr/bin/env python3
"""Turns every bench/results/raw/<benchmark>.json (bench/README.md's contract) into
bench/results/latest.md, one table per benchmark, and one PNG per chart
(bench/results/<benchmark>-<chart>.png, matplotlib from the `bench` extra).

    scripts/bench-report.py [--raw-dir DIR] [--out-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "bench" / "results"
# Row 1 first, then the warehouse rows in issue 10's order; others after them by name.
ORDER = ["engine", "bronze-load", "rest-backfill", "silver-merge", "launch-overhead", "freshness"]
REQUIRED = ("benchmark", "title", "ran_at", "machine", "size", "rows")


def load(raw_dir: Path) -> list[dict]:
    documents = []
    for path in sorted(raw_dir.glob("*.json")):
        document = json.loads(path.read_text())
        missing = [key for key in REQUIRED if key not in document]
        if missing:
            raise SystemExit(f"{path}: not a benchmark result, it lacks {', '.join(missing)}")
        documents.append(document)
    return sorted(documents, key=lambda d: (ORDER.index(d["benchmark"]) if d["benchmark"] in ORDER else len(ORDER), d["benchmark"]))


def number(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}"
    return str(value)


def cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def machine_line(machine: dict) -> str:
    return (f"{machine.get('cpus')} CPUs, {machine.get('mem_gib')} GiB, PostgreSQL {machine.get('postgres')}, "
            f"Java {machine.get('java')}, Python {machine.get('python')}")


def chart(document: dict, name: str, spec: dict, out_dir: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.2))
    for line, points in spec["lines"].items():
        if points:
            xs, ys = zip(*points)
            axes.plot(xs, ys, marker="o", label=line)
    axes.set_xlabel(spec.get("x_label", ""))
    axes.set_ylabel(spec.get("y_label", ""))
    axes.set_title(f"{document['benchmark']}: {name}")
    axes.grid(True, alpha=0.3)
    axes.legend()
    figure.tight_layout()
    path = out_dir / f"{document['benchmark']}-{slug(name)}.png"
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def markdown(documents: list[dict], charts: dict[str, list[Path]]) -> str:
    lines = ["# Benchmarks (`make bench`)", "",
             "Written by scripts/bench-report.py from bench/results/raw/. Each row holds ours, the baseline run on the",
             "same machine in the same run, and the ratio, which is > 1 where we win (ours / baseline where higher",
             "is better, baseline / ours where lower is). Absolute numbers on a shared machine are noisy; the ratios",
             "are what the goals are about. No benchmark gates on time.", ""]
    machines = {machine_line(d["machine"]) for d in documents}
    if len(machines) == 1:
        lines += [f"Machine: {machines.pop()}.", ""]
    for d in documents:
        lines += [f"## {d['title']}", "", f"`{d['benchmark']}`, size {d['size']}, ran {d['ran_at']}"
                  + ("" if len({machine_line(x['machine']) for x in documents}) == 1 else f" on {machine_line(d['machine'])}") + ".", "",
                  "| case | metric | ours | baseline | ratio | goal | met | notes |", "|---|---|---|---|---|---|---|---|"]
        for row in d["rows"]:
            baseline = f"{number(row.get('baseline'))} ({row.get('baseline_name', '')})" if row.get("baseline") is not None else "–"
            met = {True: "yes", False: "**no**", None: ""}[row.get("goal_met")]
            lines.append("| " + " | ".join(cell(x) for x in (row["case"], row.get("metric", ""), number(row.get("ours")), baseline,
                                                             number(row.get("ratio")), row.get("goal", ""), met, row.get("notes", ""))) + " |")
        lines.append("")
        for path in charts.get(d["benchmark"], []):
            lines += [f"![{path.stem}]({path.name})", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--raw-dir", type=Path, default=RESULTS / "raw")
    parser.add_argument("--out-dir", type=Path, default=RESULTS)
    args = parser.parse_args()
    documents = load(args.raw_dir)
    if not documents:
        print(f"bench-report: no results in {args.raw_dir}; run make bench first", file=sys.stderr)
        return 1
    args.out_dir.mkdir(parents=True, exist_ok=True)
    charts = {d["benchmark"]: [chart(d, name, spec, args.out_dir) for name, spec in d.get("series", {}).items()] for d in documents}
    out = args.out_dir / "latest.md"
    out.write_text(markdown(documents, charts))
    print(f"bench-report: {out} ({len(documents)} benchmarks, {sum(map(len, charts.values()))} charts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
