"""Pairs for benchmarks with many streams: real symbols each venue's rules accept."""

from __future__ import annotations

from pathlib import Path

from bench.common import REPO_ROOT

_SYMBOLS = REPO_ROOT / "kline-core" / "src" / "main" / "resources" / "io" / "klinepipeline" / "exchange"


def cached_symbols(exchange: str) -> list[tuple[str, str, str]]:
    """(symbol, base, quote) from the exchange's cached symbol list, in file order."""
    rows = []
    for line in (_SYMBOLS / exchange / "symbols.tsv").read_text().splitlines():
        if line and not line.startswith("#"):
            symbol, base, quote = line.split("\t")[:3]
            rows.append((symbol, base, quote))
    return rows


def binance_symbols(count: int) -> list[str]:
    """The first `count` Binance symbols of the cached list (enough for 100 streams)."""
    symbols = [symbol for symbol, _, _ in cached_symbols("binance")]
    if count > len(symbols):
        raise ValueError(f"only {len(symbols)} Binance symbols are cached, {count} asked for")
    return symbols[:count]


def write_yaml(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    return path
