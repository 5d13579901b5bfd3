from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from dagster_project.config import (
    DEFAULT_PIPELINE_CONFIG,
    Pair,
    PipelineConfig,
    PipelineConfigError,
    load_pipeline_config,
    pipeline_config_path,
)
from dagster_project.tests.conftest import TWO_BINANCE_PAIRS


def test_reads_pairs_with_their_canonical_names_and_the_first_partition(
    write_pipeline_config: Callable[[str], PipelineConfig],
) -> None:
    config = write_pipeline_config(TWO_BINANCE_PAIRS)

    assert [e.name for e in config.exchanges] == ["binance"]
    assert config.exchanges[0].pairs == (Pair("BTCUSDT", "BTC-USDT"), Pair("ETHUSDT", "ETH-USDT"))
    assert config.partitions_start == datetime(2026, 11, 1, tzinfo=timezone.utc)


def test_derives_the_canonical_pair_from_a_separator_and_groups_listings_across_exchanges(
    write_pipeline_config: Callable[[str], PipelineConfig],
) -> None:
    config = write_pipeline_config(
        TWO_BINANCE_PAIRS.replace(
            "storage:",
            "  okx:\n    ws_url: wss://ws.okx.com:8443\n    rest_url: https://www.okx.com\n    pairs: [btc-usdt]\nstorage:",
        )
    )

    assert config.canonical_pairs() == ["BTC-USDT", "ETH-USDT"]
    assert [(e.name, p.symbol) for e, p in config.listings("BTC-USDT")] == [("binance", "BTCUSDT"), ("okx", "btc-usdt")]


def test_a_symbol_without_separator_or_canonical_entry_is_an_error_naming_the_key(
    write_pipeline_config: Callable[[str], PipelineConfig],
) -> None:
    with pytest.raises(PipelineConfigError, match=r"exchanges\.binance\.canonical\.ETHUSDT: is required"):
        write_pipeline_config(TWO_BINANCE_PAIRS.replace(", ETHUSDT: ETH-USDT", ""))


def test_the_repository_pipeline_yaml_loads() -> None:
    assert load_pipeline_config(DEFAULT_PIPELINE_CONFIG).canonical_pairs() == ["BTC-USDT", "ETH-USDT"]


def test_the_config_path_comes_from_the_environment_when_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KLINE_PIPELINE_CONFIG", raising=False)
    assert pipeline_config_path() == DEFAULT_PIPELINE_CONFIG

    monkeypatch.setenv("KLINE_PIPELINE_CONFIG", str(tmp_path / "other.yaml"))
    assert pipeline_config_path() == tmp_path / "other.yaml"
