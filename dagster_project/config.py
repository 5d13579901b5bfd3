"""The parts of pipeline.yaml that shape the asset graph, as the Java side validated them.

Java owns the configuration: `kline-worker describe` validates the whole file (symbols against
each exchange's rules, canonical pairs from each exchange's mapping, the partition start) and
prints what Dagster needs as JSON. This module runs it once when the code location loads, so
Dagster can never build assets for a config the workers would reject, and never re-derives a
canonical pair by a rule of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PIPELINE_CONFIG_ENV = "KLINE_PIPELINE_CONFIG"
DEFAULT_PIPELINE_CONFIG = REPO_ROOT / "pipeline.yaml"
WORKER_JAR_ENV = "KLINE_WORKER_JAR"
DEFAULT_WORKER_JAR = REPO_ROOT / "java-workers" / "target" / "kline-worker.jar"
JAVA_ENV = "KLINE_JAVA"
# The engine's status server when it is not where pipeline.yaml's engine.status_address says (another host, port 0).
ENGINE_STATUS_URL_ENV = "KLINE_ENGINE_STATUS_URL"
# A JVM starts in about a second; this bounds a hung one, not a slow one.
_DESCRIBE_TIMEOUT_SECONDS = 60


class PipelineConfigError(ValueError):
    """pipeline.yaml cannot be turned into assets; the message is the worker's, naming the key."""


@dataclass(frozen=True)
class Pair:
    """One exchange-native symbol and the canonical BASE-QUOTE pair it trades."""

    symbol: str
    canonical: str


@dataclass(frozen=True)
class Exchange:
    """One exchange's section: its name (the key under exchanges) and its pairs, in config order."""

    name: str
    pairs: tuple[Pair, ...]


@dataclass(frozen=True)
class PipelineConfig:
    """What the factories need from pipeline.yaml, and where it was read from."""

    path: Path
    exchanges: tuple[Exchange, ...]
    partitions_start: datetime
    # engine.roll_max_age_seconds (with the engine's default): a file is finished, hence loadable, by then.
    roll_max_age_seconds: int
    # The worker jar's version: every asset's code_version, so a new worker marks older materializations stale.
    worker_version: str
    # The engine's /health and /metrics (http://host:port), from engine.status_address; None when off or port 0.
    engine_status_url: str | None = None
    # checks.max_stream_silence_seconds: a stream whose last message is older fails the engine silence sensor.
    max_stream_silence_seconds: int = 180

    def canonical_pairs(self) -> list[str]:
        """Every canonical pair listed by at least one exchange, in config order."""
        return list(dict.fromkeys(p.canonical for e in self.exchanges for p in e.pairs))

    def listings(self, canonical: str) -> list[tuple[Exchange, Pair]]:
        """Every (exchange, pair) that trades this canonical pair."""
        return [(e, p) for e in self.exchanges for p in e.pairs if p.canonical == canonical]


def pipeline_config_path() -> Path:
    """$KLINE_PIPELINE_CONFIG, else the repository's pipeline.yaml. Call at load time, not import time."""
    return Path(os.environ.get(PIPELINE_CONFIG_ENV) or DEFAULT_PIPELINE_CONFIG)


def worker_jar_path() -> Path:
    """$KLINE_WORKER_JAR, else the jar the Maven build leaves in java-workers/target."""
    return Path(os.environ.get(WORKER_JAR_ENV) or DEFAULT_WORKER_JAR)


def engine_status_url(config: PipelineConfig) -> str | None:
    """$KLINE_ENGINE_STATUS_URL, else the engine's address from pipeline.yaml; None when neither gives one."""
    return os.environ.get(ENGINE_STATUS_URL_ENV) or config.engine_status_url


def java_executable() -> str:
    """$KLINE_JAVA, else `java` on the PATH (17 or later)."""
    return os.environ.get(JAVA_ENV) or "java"


def load_pipeline_config(path: Path, *, worker_jar: Path | None = None, java: str | None = None) -> PipelineConfig:
    """Runs `kline-worker --config <path> describe`; raises PipelineConfigError with its message when it refuses."""
    jar = worker_jar or worker_jar_path()
    if not jar.is_file():
        raise PipelineConfigError(f"worker jar {jar} does not exist: run `make build` (or set ${WORKER_JAR_ENV})")
    described = run_worker_json(
        path, ["describe"], timeout=_DESCRIBE_TIMEOUT_SECONDS, error=PipelineConfigError, jar=jar, java=java
    )
    return _from_description(path, described)


def run_worker_json(
    config_path: Path,
    args: list[str],
    *,
    timeout: float,
    error: type[Exception],
    jar: Path | None = None,
    java: str | None = None,
) -> dict:
    """Runs `java -jar kline-worker.jar --config <path> <args...>` and parses the JSON it prints; a
    failure raises `error` with the worker's own one-line message."""
    command = [java or java_executable(), "-jar", str(jar or worker_jar_path()), "--config", str(config_path.resolve()), *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise error(f"could not run {' '.join(command)}: {e}") from e
    if done.returncode != 0:
        message = done.stderr.strip() or done.stdout.strip() or f"exit code {done.returncode}"
        raise error(f"{message} (from kline-worker {args[0]} of {config_path})")
    return json.loads(done.stdout)


def _from_description(path: Path, described: dict) -> PipelineConfig:
    exchanges = tuple(
        Exchange(name=e["name"], pairs=tuple(Pair(symbol=p["symbol"], canonical=p["canonical"]) for p in e["pairs"]))
        for e in described["exchanges"]
    )
    start = datetime.fromisoformat(described["partitions_start"].replace("Z", "+00:00"))
    return PipelineConfig(
        path=path,
        exchanges=exchanges,
        partitions_start=start,
        roll_max_age_seconds=int(described["engine"]["roll_max_age_seconds"]),
        worker_version=described["worker_version"],
        engine_status_url=described["engine"]["status_url"],
        max_stream_silence_seconds=int(described["checks"]["max_stream_silence_seconds"]),
    )
