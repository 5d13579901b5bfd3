"""The parts of pipeline.yaml that shape the asset graph: exchanges, their pairs, the first partition.

The Java side (kline-core's PipelineConfig) validates the whole file; this module reads only what
the factories need and fails on what would make it generate wrong assets.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
PIPELINE_CONFIG_ENV = "KLINE_PIPELINE_CONFIG"
DEFAULT_PIPELINE_CONFIG = REPO_ROOT / "pipeline.yaml"

# Separators an exchange may put between base and quote (Coinbase BTC-USD, Kraken BTC/USD).
_SEPARATORS = re.compile(r"[-_/]")


class PipelineConfigError(ValueError):
    """pipeline.yaml cannot be turned into assets; the message names the key."""


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

    def canonical_pairs(self) -> list[str]:
        """Every canonical pair listed by at least one exchange, in config order."""
        return list(dict.fromkeys(p.canonical for e in self.exchanges for p in e.pairs))

    def listings(self, canonical: str) -> list[tuple[Exchange, Pair]]:
        """Every (exchange, pair) that trades this canonical pair."""
        return [(e, p) for e in self.exchanges for p in e.pairs if p.canonical == canonical]


def pipeline_config_path() -> Path:
    """$KLINE_PIPELINE_CONFIG, else the repository's pipeline.yaml. Call at load time, not import time."""
    return Path(os.environ.get(PIPELINE_CONFIG_ENV) or DEFAULT_PIPELINE_CONFIG)


def load_pipeline_config(path: Path) -> PipelineConfig:
    """Reads the file; raises PipelineConfigError naming the key when assets cannot be built from it."""
    try:
        root = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise PipelineConfigError(f"pipeline config {path} does not exist (set ${PIPELINE_CONFIG_ENV})") from e
    if not isinstance(root, dict):
        raise PipelineConfigError(f"{path}: expected a mapping at the top level")
    exchanges_node = root.get("exchanges")
    if not isinstance(exchanges_node, dict) or not exchanges_node:
        raise PipelineConfigError(f"{path}: exchanges: must configure at least one exchange")
    exchanges = tuple(_exchange(path, name, node) for name, node in exchanges_node.items())
    return PipelineConfig(path=path, exchanges=exchanges, partitions_start=_partitions_start(path, root))


def _exchange(path: Path, name: str, node: object) -> Exchange:
    if not isinstance(node, dict) or not isinstance(node.get("pairs"), list) or not node["pairs"]:
        raise PipelineConfigError(f"{path}: exchanges.{name}.pairs: must list at least one pair")
    canonical = node.get("canonical") or {}
    pairs = tuple(Pair(symbol=str(s), canonical=_canonical(path, name, str(s), canonical)) for s in node["pairs"])
    return Exchange(name=name, pairs=pairs)


def _canonical(path: Path, exchange: str, symbol: str, configured: dict[str, str]) -> str:
    if symbol in configured:
        return str(configured[symbol])
    parts = _SEPARATORS.split(symbol)
    if len(parts) == 2 and all(parts):
        return f"{parts[0].upper()}-{parts[1].upper()}"
    raise PipelineConfigError(
        f"{path}: exchanges.{exchange}.canonical.{symbol}: is required "
        f"({symbol} carries no separator, so say which asset is base and which quote, e.g. {symbol}: BASE-QUOTE)"
    )


def _partitions_start(path: Path, root: dict) -> datetime:
    start = (root.get("partitions") or {}).get("start")
    if start is None:
        raise PipelineConfigError(f"{path}: partitions.start: is required")
    # PyYAML turns an unquoted timestamp into a datetime already; a quoted one stays a string.
    parsed = start if isinstance(start, datetime) else datetime.fromisoformat(str(start).replace("Z", "+00:00"))
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)
