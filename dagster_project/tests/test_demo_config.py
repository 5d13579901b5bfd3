"""`make demo`'s pipeline.yaml, as scripts/demo.sh writes it, is one the workers accept: all five venues, BTC and ETH."""

import os
import subprocess
from pathlib import Path

from dagster_project.config import REPO_ROOT, load_pipeline_config


def test_the_demo_config_lists_both_pairs_on_all_five_venues_and_the_workers_accept_it(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(REPO_ROOT / "scripts" / "demo.sh"), "--config-only"],
        env={**os.environ, "KLINE_DEMO_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    path = Path(done.stdout.strip())
    assert path == tmp_path / "pipeline.yaml"

    config = load_pipeline_config(path)

    assert [e.name for e in config.exchanges] == ["binance", "coinbase", "kraken", "bybit", "okx"]
    assert config.canonical_pairs() == ["BTC-USDT", "ETH-USDT", "BTC-USD", "ETH-USD"]
    assert [(e.name, p.symbol) for e, p in config.listings("BTC-USD")] == [("coinbase", "BTC-USD"), ("kraken", "BTC/USD")]
    assert config.partitions_start.minute == 0


def _config_only(tmp_path: Path, pairs: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(REPO_ROOT / "scripts" / "demo.sh"), "--config-only"],
        env={**os.environ, "KLINE_DEMO_DIR": str(tmp_path), "KLINE_DEMO_PAIRS": pairs},
        capture_output=True,
        text=True,
    )


def test_the_soaks_demo_config_lists_n_synthetic_pairs_per_venue_that_the_workers_accept(tmp_path: Path) -> None:
    done = _config_only(tmp_path, "100")
    assert done.returncode == 0, done.stderr

    config = load_pipeline_config(Path(done.stdout.strip()))

    # Binance and Bybit write P042USDT: their canonical pairs must come from the config, not a guess.
    assert {e.name: len(e.pairs) for e in config.exchanges} == {v: 100 for v in ("binance", "coinbase", "kraken", "bybit", "okx")}
    assert len(config.canonical_pairs()) == 200
    assert [(e.name, p.symbol) for e, p in config.listings("P042-USDT")] == [
        ("binance", "P042USDT"), ("bybit", "P042USDT"), ("okx", "P042-USDT")]
    assert [(e.name, p.symbol) for e, p in config.listings("P099-USD")] == [("coinbase", "P099-USD"), ("kraken", "P099/USD")]


def test_a_pair_count_that_is_not_a_number_is_refused_by_name(tmp_path: Path) -> None:
    done = _config_only(tmp_path, "100x")

    assert done.returncode == 2
    assert "KLINE_DEMO_PAIRS must be 1-999, not '100x'" in done.stderr
    assert not (tmp_path / "pipeline.yaml").exists() or "100x" not in (tmp_path / "pipeline.yaml").read_text()
