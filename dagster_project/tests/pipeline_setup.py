"""What the end-to-end tests share: a fresh database on the test server, and a pipeline.yaml pointing
the workers at a local fake Binance, with the engine's JSONL files for the captured pairs beside it."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from dagster_project.tests.fake_binance import CapturedPair

ADMIN_DATABASE_URL = os.environ.get("KLINE_DATABASE_URL") or "postgresql://kline:kline@127.0.0.1:5432/kline"


@contextmanager
def fresh_database(prefix: str = "kline_e2e") -> Iterator[str]:
    """A new database on the server of $KLINE_DATABASE_URL (libpq-style URL), dropped on exit."""
    admin = ADMIN_DATABASE_URL.removeprefix("jdbc:")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def write_fake_binance_pipeline(root: Path, rest_url: str, captured: dict[str, CapturedPair], extra: str = "") -> Path:
    """root/pipeline.yaml with one exchange, binance, at rest_url, listing the captured pairs (and the
    extra YAML sections given), and the engine's files of those pairs under root/bronze. Returns the file's path."""
    path = root / "pipeline.yaml"
    path.write_text(
        f"""\
exchanges:
  binance:
    ws_url: ws://127.0.0.1:9      # not used by the workers
    rest_url: {rest_url}
    pairs: [{", ".join(captured)}]
storage:
  local_dir: bronze
  dead_letter_dir: dead-letter
  s3: {{enabled: false}}
partitions: {{start: "2026-11-01T00:00:00Z"}}
{extra}""",
        encoding="utf-8",
    )
    for pair in captured.values():
        pair.write_jsonl(root / "bronze")
    return path
