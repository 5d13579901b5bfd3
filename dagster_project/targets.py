"""What one worker launch is asked to do per asset: the asset, its stream and its checks."""

from __future__ import annotations

from dataclasses import dataclass, replace

from dagster import AssetCheckKey, AssetExecutionContext, AssetKey


@dataclass(frozen=True)
class WorkerTarget:
    """One asset of a batch: the exchange-native stream (or, for silver, the canonical pair) it
    holds, and the checks declared on it. The worker reports its results under `key`."""

    key: AssetKey
    symbol: str
    exchange: str | None = None
    checks: tuple[str, ...] = ()

    def as_extra(self) -> dict[str, object]:
        """The entry of the Pipes extras' `streams` list the worker reads."""
        extra: dict[str, object] = {"asset_key": self.key.to_escaped_user_string(), "symbol": self.symbol}
        if self.exchange is not None:
            extra["exchange"] = self.exchange
        extra["checks"] = list(self.checks)
        return extra

    def label(self) -> str:
        return self.symbol if self.exchange is None else f"{self.exchange}/{self.symbol}"


def selected(context: AssetExecutionContext, targets: list[WorkerTarget]) -> list[WorkerTarget]:
    """The targets whose assets the step materializes, each with only its selected checks: selecting
    one asset in the UI runs just that pair, and a check left out is neither run nor reported."""
    keys = context.selected_asset_keys
    checks = context.selected_asset_check_keys
    return [
        replace(target, checks=tuple(c for c in target.checks if AssetCheckKey(target.key, c) in checks))
        for target in targets
        if target.key in keys
    ]
