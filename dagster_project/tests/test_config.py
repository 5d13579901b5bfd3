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


def test_canonical_pairs_come_from_each_exchanges_rules_in_java_and_group_listings_across_exchanges(
    write_pipeline_config: Callable[[str], PipelineConfig],
) -> None:
    # Kraken's XBT is BTC: a mapping only the Java exchange class knows.
    config = write_pipeline_config(
        TWO_BINANCE_PAIRS.replace(
            "storage:",
            "  kraken:\n    ws_url: wss://ws.kraken.com\n    rest_url: https://api.kraken.com\n    pairs: [XBT/USDT]\nstorage:",
        )
    )

    assert config.canonical_pairs() == ["BTC-USDT", "ETH-USDT"]
    assert [(e.name, p.symbol) for e, p in config.listings("BTC-USDT")] == [("binance", "BTCUSDT"), ("kraken", "XBT/USDT")]


def test_a_canonical_entry_names_the_pair_of_a_symbol_the_cached_binance_list_lacks(
    write_pipeline_config: Callable[[str], PipelineConfig],
) -> None:
    config = write_pipeline_config(
        TWO_BINANCE_PAIRS.replace("ETHUSDT]", "ETHUSDT, FOOBARUSDT]\n    canonical: {FOOBARUSDT: FOOBAR-USDT}")
    )

    assert config.exchanges[0].pairs[2] == Pair("FOOBARUSDT", "FOOBAR-USDT")


def test_a_symbol_the_exchange_does_not_know_is_refused_with_the_workers_message_naming_the_key(
    write_pipeline_config: Callable[[str], PipelineConfig],
) -> None:
    with pytest.raises(PipelineConfigError, match=r"exchanges\.binance\.canonical\.FOOBARUSDT: is required"):
        write_pipeline_config(TWO_BINANCE_PAIRS.replace("ETHUSDT]", "ETHUSDT, FOOBARUSDT]"))


def test_a_partition_start_the_workers_reject_is_refused_here_too(
    write_pipeline_config: Callable[[str], PipelineConfig],
) -> None:
    with pytest.raises(PipelineConfigError, match=r"partitions\.start: must fall on a whole UTC hour"):
        write_pipeline_config(TWO_BINANCE_PAIRS.replace("2026-11-01T00:00:00Z", "2026-11-01T00:30:00Z"))


def test_an_unbuilt_worker_jar_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PipelineConfigError, match=r"does not exist: run `make build`"):
        load_pipeline_config(DEFAULT_PIPELINE_CONFIG, worker_jar=tmp_path / "missing.jar")


def test_the_repository_pipeline_yaml_loads() -> None:
    assert load_pipeline_config(DEFAULT_PIPELINE_CONFIG).canonical_pairs() == ["BTC-USDT", "ETH-USDT"]


def test_the_config_path_comes_from_the_environment_when_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KLINE_PIPELINE_CONFIG", raising=False)
    assert pipeline_config_path() == DEFAULT_PIPELINE_CONFIG

    monkeypatch.setenv("KLINE_PIPELINE_CONFIG", str(tmp_path / "other.yaml"))
    assert pipeline_config_path() == tmp_path / "other.yaml"
