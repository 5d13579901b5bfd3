"""The engine silence sensor against the real engine (the reactor's jar) capturing from the exchange
simulator (its jar): quiet while the stream flows, a failed tick naming the stream once the venue
goes silent past checks.max_stream_silence_seconds, and one naming the engine once it is gone. The
engine's /metrics is read by prometheus_client's own parser on the way, as Prometheus would."""

import os
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from dagster import SkipReason, build_sensor_context
from prometheus_client.parser import text_string_to_metric_families

from dagster_project.config import ENGINE_STATUS_URL_ENV, REPO_ROOT, java_executable, load_pipeline_config
from dagster_project.engine_silence import SENSOR_NAME, EngineSilenceError, build_engine_silence_sensors, fetch_health

ENGINE_JAR = REPO_ROOT / "ingestion-engine" / "target" / "kline-engine.jar"
SIMULATOR_JAR = REPO_ROOT / "exchange-simulator" / "target" / "exchange-simulator.jar"
SILENCE_BOUND_SECONDS = 3
WAIT_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _await(what: str, condition: Callable[[], object]) -> object:
    deadline = time.monotonic() + WAIT_SECONDS
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = condition()
        except (OSError, EngineSilenceError) as e:
            last = e
        if last and not isinstance(last, Exception):
            return last
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")


def _terminate(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The exchange simulator's jar on free ports; yields (binance ws_url, admin base URL)."""
    if not SIMULATOR_JAR.is_file():
        pytest.fail(f"{SIMULATOR_JAR} is missing: run `make build`")
    log = (tmp_path / "simulator.log").open("w+")
    process = subprocess.Popen(
        [java_executable(), "-Xmx128m", "-jar", str(SIMULATOR_JAR), "--base-port", "0", "--admin-port", str(_free_port()),
         "--trades-per-minute", "600"],
        stdout=log, stderr=subprocess.STDOUT, text=True,
    )
    try:
        def started() -> re.Match | None:
            text = Path(log.name).read_text()
            return re.search(r"binance\s+ws_url: (\S+).*\n(?:.*\n)*admin\s+(\S+)", text)
        match = _await("the simulator's URLs", started)
        yield match.group(1), match.group(2)
    finally:
        _terminate(process)
        log.close()


@pytest.fixture
def engine(tmp_path: Path, simulator: tuple[str, str]) -> Iterator[tuple[Path, subprocess.Popen]]:
    """The engine's jar capturing binance BTCUSDT from the simulator; yields (pipeline.yaml, process)."""
    if not ENGINE_JAR.is_file():
        pytest.fail(f"{ENGINE_JAR} is missing: run `make build`")
    ws_url, _ = simulator
    config = tmp_path / "pipeline.yaml"
    config.write_text(
        f"""\
exchanges:
  binance:
    ws_url: {ws_url}
    rest_url: http://127.0.0.1:9
    pairs: [BTCUSDT]
storage: {{local_dir: bronze, dead_letter_dir: dead-letter, s3: {{enabled: false}}}}
partitions: {{start: "2026-11-01T00:00:00Z"}}
engine: {{status_address: "127.0.0.1:{_free_port()}", reconnect_initial_delay_ms: 100, idle_timeout_seconds: 60}}
checks: {{max_stream_silence_seconds: {SILENCE_BOUND_SECONDS}}}
""",
        encoding="utf-8",
    )
    log = (tmp_path / "engine.log").open("w")
    process = subprocess.Popen(
        [java_executable(), "-Xmx128m", "-jar", str(ENGINE_JAR), "--config", str(config)], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        yield config, process
    finally:
        _terminate(process)
        log.close()


def test_the_sensor_fails_naming_a_stream_silent_past_the_bound_and_an_engine_that_is_gone(
    engine: tuple[Path, subprocess.Popen], simulator: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config_path, process = engine
    monkeypatch.delenv(ENGINE_STATUS_URL_ENV, raising=False)
    config = load_pipeline_config(config_path)
    assert config.max_stream_silence_seconds == SILENCE_BOUND_SECONDS
    (sensor,) = build_engine_silence_sensors(config)
    assert sensor.name == SENSOR_NAME
    status_url = config.engine_status_url
    assert status_url is not None and status_url.startswith("http://127.0.0.1:")

    def tick() -> SkipReason:
        return sensor(build_sensor_context())

    # Flowing: the tick is skipped, saying how fresh the oldest stream is.
    skipped = _await("a tick with the stream flowing", tick)
    assert "all 1 engine streams heard within 3 s" in skipped.skip_message

    # /metrics, parsed by Prometheus's own Python parser: the stream's counters, labelled.
    with urllib.request.urlopen(status_url + "/metrics", timeout=10) as response:
        families = {f.name: f for f in text_string_to_metric_families(response.read().decode("utf-8"))}
    lines = [s for s in families["kline_engine_lines_written"].samples if s.name == "kline_engine_lines_written_total"]
    assert [s.labels for s in lines] == [{"exchange": "binance", "symbol": "BTCUSDT"}]
    assert lines[0].value > 0
    assert families["kline_engine_connected"].type == "gauge"
    assert families["kline_engine_last_message_age_seconds"].samples[0].value < SILENCE_BOUND_SECONDS * 10

    # The venue keeps the connection open and sends nothing: the tick fails, naming the stream and its age.
    _, admin = simulator
    urllib.request.urlopen(urllib.request.Request(f"{admin}/venues/binance/faults?silence_seconds=600", method="POST"), timeout=10)

    def failing_tick() -> str | None:
        try:
            tick()
        except EngineSilenceError as e:
            return str(e)
        return None

    failure = _await("a failed tick", failing_tick)
    assert "1 of 1 engine streams silent for more than 3 s" in failure
    age = float(re.search(r"binance/BTCUSDT last message (\d+) s ago", failure).group(1))
    assert age >= SILENCE_BOUND_SECONDS
    assert fetch_health(status_url)["streams"][0]["last_message_age_seconds"] >= age

    # The engine is gone: the tick fails, naming where it looked.
    _terminate(process)
    with pytest.raises(EngineSilenceError, match=re.escape(f"the engine at {status_url}/health is unreachable")):
        tick()


def test_no_sensor_without_an_address_and_the_environment_names_an_engine_elsewhere(
    write_pipeline_config: Callable[[str], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dagster_project.tests.conftest import TWO_BINANCE_PAIRS

    monkeypatch.delenv(ENGINE_STATUS_URL_ENV, raising=False)
    off = write_pipeline_config(TWO_BINANCE_PAIRS + "engine: {status_address: \"off\"}\n")
    assert off.engine_status_url is None
    assert build_engine_silence_sensors(off) == []

    monkeypatch.setenv(ENGINE_STATUS_URL_ENV, "http://engine.internal:9464")
    (sensor,) = build_engine_silence_sensors(off)
    assert "http://engine.internal:9464" in sensor.description
