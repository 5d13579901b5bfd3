"""Running scripts/demo.sh unattended: fresh databases, the demo's streams, start and stop.

Shared by scripts/measure-freshness.py and scripts/soak.py, which each drive a demo of their own on
their own ports, directory and databases.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT_SECONDS = 60


def server_url() -> str:
    """KLINE_DATABASE_URL, or the local server scripts/ensure-postgres.sh starts."""
    url = os.environ.get("KLINE_DATABASE_URL")
    if url:
        return url
    env = {k: v for k, v in os.environ.items() if k != "KLINE_DATABASE_URL"}
    return subprocess.run([str(ROOT / "scripts" / "ensure-postgres.sh")], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def fresh_database(server: str, name: str) -> str:
    """Drops and creates `name` on the server: a measurement starts from an empty warehouse."""
    admin = psycopg2.connect(server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return with_database(server, name)


@dataclass(frozen=True)
class DemoSetup:
    """A demo's own directory, databases and the KLINE_DEMO_* environment scripts/demo.sh reads."""

    directory: Path
    pipeline_url: str
    dagster_url: str
    env: dict[str, str]
    temporary: bool

    @property
    def log_path(self) -> Path:
        return self.directory / "demo.log"


def prepare_demo(*, database_prefix: str, base_port: int, dagster_port: int, directory: Path | None,
                 temp_prefix: str, extra_env: dict[str, str] | None = None) -> DemoSetup:
    """Fresh databases <prefix> and <prefix>_dagster, the demo's directory (a new temporary one
    when `directory` is None) and the environment that points scripts/demo.sh at them, on its own
    ports; `extra_env` adds to it (KLINE_DEMO_GAP, KLINE_DEMO_PAIRS, ...)."""
    server = server_url()
    pipeline_url = fresh_database(server, database_prefix)
    dagster_url = fresh_database(server, database_prefix + "_dagster")
    demo_dir = directory or Path(tempfile.mkdtemp(prefix=temp_prefix))
    demo_dir.mkdir(parents=True, exist_ok=True)
    env = {
        "KLINE_DEMO_DIR": str(demo_dir),
        "KLINE_DEMO_BASE_PORT": str(base_port),
        "KLINE_DEMO_DATABASE_URL": pipeline_url,
        "KLINE_DEMO_DAGSTER_DATABASE_URL": dagster_url,
        "DAGSTER_PORT": str(dagster_port),
        **(extra_env or {}),
    }
    return DemoSetup(demo_dir, pipeline_url, dagster_url, env, temporary=directory is None)


def remove_demo_dir(setup: DemoSetup, keep: bool) -> None:
    """Removes a temporary demo directory unless asked to keep it; a directory given by the user stays."""
    if setup.temporary and not keep:
        subprocess.run(["rm", "-rf", str(setup.directory)], check=False)


def demo_pairs(env: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(exchange, venue symbol, canonical symbol) of the demo's pairs: its config as demo.sh writes it
    with `env`'s overrides (KLINE_DEMO_PAIRS), as the worker reads it."""
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run([str(ROOT / "scripts" / "demo.sh"), "--config-only"], check=True, capture_output=True,
                       env={**os.environ, **(env or {}), "KLINE_DEMO_DIR": scratch})
        described = json.loads(subprocess.run([str(ROOT / "bin" / "kline-worker"), "--config", f"{scratch}/pipeline.yaml",
                                               "describe"], check=True, capture_output=True, text=True).stdout)
    return [(e["name"], p["symbol"], p["canonical"]) for e in described["exchanges"] for p in e["pairs"]]


def start_demo(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """scripts/demo.sh in a session of its own: a SIGINT to the group reaches demo.sh, dagster dev and
    its children as Ctrl-C in a terminal would. SIGINT is handled again in the demo even when this script
    was started in the background (nohup, `&` in a script), which ignores it and would pass that on."""
    with open(log_path, "ab") as log:
        return subprocess.Popen([str(ROOT / "scripts" / "demo.sh")], cwd=ROOT, env={**os.environ, **env}, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def stop_demo(demo: subprocess.Popen) -> None:
    if demo.poll() is None:
        os.killpg(demo.pid, signal.SIGINT)
        try:
            demo.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
    # dagster dev's children may outlive it by a moment; the session is ours alone.
    try:
        os.killpg(demo.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
