"""Shared fixtures: a small pipeline.yaml written the way users write it, and a fresh database."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dagster_project.config import PipelineConfig, load_pipeline_config
from dagster_project.tests.pipeline_setup import fresh_database

TWO_BINANCE_PAIRS = """\
exchanges:
  binance:
    ws_url: wss://stream.binance.com:9443
    rest_url: https://api.binance.com
    pairs: [BTCUSDT, ETHUSDT]
storage:
  local_dir: data/bronze
partitions: {start: "2026-11-01T00:00:00Z"}
"""


def pytest_configure(config: pytest.Config) -> None:
    # scripts/make-test.sh (make test) starts these first and runs the JUnit suites beside them.
    config.addinivalue_line("markers", "realtime: waits minutes on the wall clock, on the built jars")


@pytest.fixture
def write_pipeline_config(tmp_path: Path) -> Callable[[str], PipelineConfig]:
    """Writes YAML text as tmp_path/pipeline.yaml and loads it."""

    def write(text: str) -> PipelineConfig:
        path = tmp_path / "pipeline.yaml"
        path.write_text(text, encoding="utf-8")
        return load_pipeline_config(path)

    return write


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A fresh database on the server of $KLINE_DATABASE_URL for the test module, dropped after it."""
    with fresh_database() as url:
        yield url
