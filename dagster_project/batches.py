"""One subsettable multi-asset per exchange and layer (and one for silver): the seed's asset per
pair stays, but a step materializes every selected pair of its batch in a single worker launch."""

from collections.abc import Callable, Iterator, Sequence

from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    BackfillPolicy,
    Failure,
    PartitionsDefinition,
    multi_asset,
)

from dagster_project.config import Exchange
from dagster_project.resources import KlineWorkerResource, PipesResult
from dagster_project.targets import WorkerTarget, selected


def worker_batch(
    *,
    name: str,
    subcommand: str,
    description: str,
    targets: Sequence[WorkerTarget],
    specs: Sequence[AssetSpec],
    check_specs: Sequence[AssetCheckSpec] = (),
    partitions_def: PartitionsDefinition,
    code_version: str,
    pool: str | None = None,
) -> AssetsDefinition:
    """A multi-asset over `specs` whose step runs `kline-worker <subcommand>` once for the selected targets.

    A backfill of any range runs as one run per batch, whose worker takes the whole range as one
    window (every layer is idempotent, so running it twice gives the same warehouse). Steps that
    share a `pool` run one at a time across all runs (the pool's limit, set in the instance).
    `code_version` is the worker's: a new worker marks what an older one materialized as stale.
    """
    batch = list(targets)

    @multi_asset(
        name=name,
        description=description,
        specs=list(specs),
        check_specs=list(check_specs),
        partitions_def=partitions_def,
        can_subset=True,
        backfill_policy=BackfillPolicy.single_run(),
        pool=pool,
        code_version=code_version,
    )
    def _batch(context: AssetExecutionContext, kline_worker: KlineWorkerResource) -> Iterator[PipesResult]:
        chosen = selected(context, batch)
        if not chosen:
            # A check selected without its asset (the UI offers "Execute" per check): the worker
            # computes checks while it materializes, so there is nothing to run on its own.
            raise Failure(
                f"the checks of {name} are computed while materializing their assets: materialize the asset instead",
                allow_retries=False,
            )
        yield from kline_worker.run(context, subcommand, chosen)

    return _batch


def exchange_pair_specs(
    exchange: Exchange,
    targets: Sequence[WorkerTarget],
    *,
    group: str,
    layer: str,
    description: str,
    deps: Callable[[WorkerTarget], list[AssetKey]] | None = None,
) -> list[AssetSpec]:
    """The specs of one exchange's per-pair assets of a layer: described, kinded and tagged alike;
    `deps(target)` names what each one follows."""
    canonical = {p.symbol: p.canonical for p in exchange.pairs}
    return [
        AssetSpec(
            target.key,
            group_name=group,
            description=description,
            deps=deps(target) if deps else None,
            kinds={"java", "postgres"},
            metadata={"exchange": exchange.name, "symbol": target.symbol},
            tags={"exchange": exchange.name, "pair": canonical[target.symbol], "layer": layer},
        )
        for target in targets
    ]
