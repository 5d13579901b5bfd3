"""The fault-injection table's rows from Python tests, in the shape ChaosRow (kline-core's test-jar)
writes them, under dagster_project/target/chaos/ where scripts/chaos-table.py collects them."""

import json
import os
import re
from pathlib import Path

from dagster_project.config import REPO_ROOT


def record_chaos_row(component: str, fault: str, *, trials: int, notes: str = "", **counts: int | None) -> None:
    """counts: messages_sent, messages_on_disk, minutes_in_silver, lost, duplicates, unrecovered_errors."""
    directory = Path(os.environ.get("KLINE_CHAOS_DIR") or REPO_ROOT / "dagster_project" / "target" / "chaos")
    row = {"component": component, "fault": fault, "trials": trials, "notes": notes,
           "scale": int(os.environ.get("KLINE_CHAOS_SCALE") or 1),
           "unrecovered_errors": counts.pop("unrecovered_errors", 0) or 0,
           **{key: counts.pop(key, None) for key in ("messages_sent", "messages_on_disk", "minutes_in_silver", "lost", "duplicates")}}
    if counts:
        raise TypeError(f"unknown counts: {sorted(counts)}")
    directory.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"(^-|-$)", "", re.sub(r"[^a-z0-9]+", "-", f"{component}-{fault}".lower()))
    (directory / f"{slug}.json").write_text(json.dumps(row) + "\n")
