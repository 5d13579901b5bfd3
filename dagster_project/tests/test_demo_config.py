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
