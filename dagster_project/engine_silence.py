"""The engine silence sensor: a stream the engine has not heard from past a bound is a failed sensor tick.

The engine knows each stream's last message (its /health); Dagster only compares. Every
SENSOR_INTERVAL_SECONDS the sensor GETs the engine's /health and fails its tick, naming each silent
stream with its last message age and why it is down, when a stream's last message is older than
checks.max_stream_silence_seconds (or it never had one), or when the engine does not answer. A
failed tick shows red in the UI's sensor history and the daemon's log; a good one is skipped with
the oldest age, so the history also says the engine was fine. No runs are requested: a silent
exchange needs a person (or the REST backfill the pipeline already runs), not another load.

The URL comes from pipeline.yaml's engine.status_address (via `kline-worker describe`), or
$KLINE_ENGINE_STATUS_URL for an engine elsewhere; with neither (status off, or port 0) there is no sensor.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from dagster import DefaultSensorStatus, SensorDefinition, SensorEvaluationContext, SkipReason, sensor

from dagster_project.config import PipelineConfig, engine_status_url

SENSOR_NAME = "engine_stream_silence"
SENSOR_INTERVAL_SECONDS = 30
# Bounds an engine that accepts the connection and never answers, not a slow one.
_HTTP_TIMEOUT_SECONDS = 10


class EngineSilenceError(RuntimeError):
    """A stream is silent past the bound, or the engine cannot be asked: the tick fails with this message."""


@dataclass(frozen=True)
class StreamSilence:
    """One stream as /health reports it: its last message age (None before its first) and why it is down."""

    exchange: str
    symbol: str
    age_seconds: float | None
    connected: bool
    down_reason: str | None

    def describe(self) -> str:
        age = "no message yet" if self.age_seconds is None else f"last message {self.age_seconds:.0f} s ago"
        down = "" if self.connected else f", down: {self.down_reason}"
        return f"{self.exchange}/{self.symbol} {age}{down}"


def fetch_health(status_url: str) -> dict:
    """GET <status_url>/health as JSON; a 503 (a stream unhealthy) still has the document."""
    url = status_url.rstrip("/") + "/health"
    try:
        with urllib.request.urlopen(url, timeout=_HTTP_TIMEOUT_SECONDS) as response:
            return json.load(response)
    except urllib.error.HTTPError as e:
        if e.code == 503:
            return json.load(e)
        raise EngineSilenceError(f"the engine at {url} answered HTTP {e.code}") from e
    except (OSError, ValueError) as e:
        raise EngineSilenceError(f"the engine at {url} is unreachable: {e}") from e


def silent_streams(health: dict, max_silence_seconds: float) -> list[StreamSilence]:
    """The streams whose last message is older than the bound, or that never had one."""
    streams = [
        StreamSilence(s["exchange"], s["symbol"], s["last_message_age_seconds"], s["connected"], s.get("down_reason"))
        for s in health["streams"]
    ]
    return [s for s in streams if s.age_seconds is None or s.age_seconds > max_silence_seconds]


def check_engine(status_url: str, max_silence_seconds: float) -> str:
    """Raises EngineSilenceError naming every silent stream; else says how fresh the oldest stream is."""
    health = fetch_health(status_url)
    silent = silent_streams(health, max_silence_seconds)
    if silent:
        raise EngineSilenceError(
            f"{len(silent)} of {len(health['streams'])} engine streams silent for more than {max_silence_seconds:.0f} s"
            f" (checks.max_stream_silence_seconds): " + "; ".join(s.describe() for s in silent)
        )
    ages = [(s["last_message_age_seconds"], f"{s['exchange']}/{s['symbol']}") for s in health["streams"]]
    if not ages:
        return "the engine captures no streams"
    age, oldest = max(ages)
    return f"all {len(ages)} engine streams heard within {max_silence_seconds:.0f} s; the oldest, {oldest}, {age:.0f} s ago"


def build_engine_silence_sensors(config: PipelineConfig) -> list[SensorDefinition]:
    """The sensor when the engine's status URL is known (pipeline.yaml or $KLINE_ENGINE_STATUS_URL), else none."""
    status_url = engine_status_url(config)
    if status_url is None:
        return []
    bound = float(config.max_stream_silence_seconds)

    @sensor(
        name=SENSOR_NAME,
        minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
        default_status=DefaultSensorStatus.RUNNING,
        description=f"Fails when a stream of the engine at {status_url} has been silent for more than {bound:.0f} s"
        " (checks.max_stream_silence_seconds), or the engine does not answer.",
    )
    def _silence(context: SensorEvaluationContext) -> SkipReason:
        message = check_engine(status_url, bound)
        context.log.info(message)
        return SkipReason(message)

    return [_silence]
