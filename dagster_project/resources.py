"""The one resource: the Java worker, launched through Dagster Pipes."""

import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from dagster import AssetCheckResult, AssetExecutionContext, ConfigurableResource, MaterializeResult, PipesSubprocessClient, PreviewWarning
from pydantic import Field

from dagster_project.targets import WorkerTarget
from dagster_project.config import pipeline_config_path, worker_jar_path

DATABASE_URL_ENV = "KLINE_DATABASE_URL"

PipesResult = MaterializeResult | AssetCheckResult


class KlineWorkerResource(ConfigurableResource):
    """Runs `java -jar kline-worker.jar --config <pipeline.yaml> <subcommand>` as a Pipes subprocess.

    One launch per batch: the window and the selected assets (each with its exchange, symbol and
    checks) travel in the Pipes extras, so partition ranges (backfills) work and an hourly run
    costs a few launches, not three per pair; the database URL travels in the environment, never
    on the command line.
    """

    database_url: str = Field(description="libpq-style or JDBC URL of the PostgreSQL database (KLINE_DATABASE_URL).")
    worker_jar: str | None = Field(
        default=None,
        description="Path of kline-worker.jar; unset: $KLINE_WORKER_JAR, else java-workers/target/kline-worker.jar.",
    )
    pipeline_config: str | None = Field(
        default=None,
        description="Path of pipeline.yaml; unset: $KLINE_PIPELINE_CONFIG, else the repository's pipeline.yaml.",
    )
    java: str = Field(default="java", description="The java executable (17 or later).")

    def run(self, context: AssetExecutionContext, subcommand: str, targets: Sequence[WorkerTarget]) -> Iterator[PipesResult]:
        """Runs one subcommand for a batch of assets over the run's partition window, in one launch,
        and yields the materialization and check results the worker reported for each."""
        window = context.partition_time_window  # spans the whole range when a run covers several partitions
        command = [self.java, "-jar", str(self._jar()), "--config", str(self._config()), subcommand]
        extras: dict[str, object] = {
            "window_start": window.start.isoformat(),
            "window_end": window.end.isoformat(),
            "streams": [target.as_extra() for target in targets],
        }
        context.log.info(
            f"{' '.join(command)} for [{window.start.isoformat()}, {window.end.isoformat()}): "
            + ", ".join(target.label() for target in targets)
        )
        with _dagster_pipes_internal_warnings_silenced():
            invocation = PipesSubprocessClient().run(
                context=context, command=command, extras=extras, env={DATABASE_URL_ENV: self.database_url}
            )
        yield from invocation.get_results()

    def _jar(self) -> Path:
        return (Path(self.worker_jar) if self.worker_jar else worker_jar_path()).resolve()

    def _config(self) -> Path:
        # Absolute, because the worker resolves the file's relative paths against its folder.
        return (Path(self.pipeline_config) if self.pipeline_config else pipeline_config_path()).resolve()


@contextmanager
def _dagster_pipes_internal_warnings_silenced() -> Iterator[None]:
    """Dagster 1.13's own Pipes session code reads a preview property and a deprecated context
    property on every run; neither is our call nor ours to act on, so they are hidden, exactly them."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*PipesMessageReader\.expected_writer_count", category=PreviewWarning)
        warnings.filterwarnings("ignore", message=r"AssetExecutionContext\.run_id is deprecated", category=DeprecationWarning)
        yield
