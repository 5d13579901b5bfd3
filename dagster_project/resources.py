"""The one resource: the Java worker, launched through Dagster Pipes."""

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    ConfigurableResource,
    Failure,
    MaterializeResult,
    PipesFileMessageReader,
    PipesTempFileContextInjector,
    PreviewWarning,
    RetryRequested,
    open_pipes_session,
)
from dagster._core.errors import DagsterExecutionInterruptedError  # not exported at the top level in 1.13
from pydantic import Field

from dagster_project.targets import WorkerTarget
from dagster_project.config import pipeline_config_path, worker_jar_path
from dagster_project.worker_jvm import DEFAULT_SUBCOMMAND_JVM_OPTIONS, DEFAULT_WORKER_JVM_OPTIONS, ClassArchive

DATABASE_URL_ENV = "KLINE_DATABASE_URL"

PipesResult = MaterializeResult | AssetCheckResult

# The worker's exit codes (kline-worker --help): which failures may pass by themselves.
TRANSIENT_EXIT_CODES = {3: "database unreachable or failing", 4: "exchange or object store failing"}
PERMANENT_EXIT_CODES = {1: "unexpected failure", 2: "bad usage or configuration"}
_INTERRUPT_GRACE_SECONDS = 30


@dataclass(frozen=True)
class WorkerLaunch:
    """One launch of the worker, independent of what starts it (a subprocess, a pod, an ECS task)."""

    command: list[str]
    env: dict[str, str]


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
    jvm_options: list[str] = Field(
        default=list(DEFAULT_WORKER_JVM_OPTIONS),
        description="JVM options of every worker launch, before -jar; the default bounds the heap (dagster_project/worker_jvm.py).",
    )
    subcommand_jvm_options: dict[str, list[str]] = Field(
        default={name: list(options) for name, options in DEFAULT_SUBCOMMAND_JVM_OPTIONS.items()},
        description="JVM options of one subcommand's launches, after jvm_options; the default compiles silver with C1 only"
        " (dagster_project/worker_jvm.py says why).",
    )
    class_archive: bool = Field(
        default=True,
        description="Class-data sharing for the worker jar: the first launch writes an archive beside the jar, later ones start from it.",
    )
    max_retries: int = Field(default=3, description="Retries of a step whose worker failed transiently (database, exchange, object store).")
    retry_delay_seconds: float = Field(default=20.0, description="Wait before the first retry; doubled for each next one (±20% jitter).")

    def run(self, context: AssetExecutionContext, subcommand: str, targets: Sequence[WorkerTarget]) -> Iterator[PipesResult]:
        """Runs one subcommand for a batch of assets over the run's partition window, in one launch,
        and yields the materialization and check results the worker reported for each."""
        window = context.partition_time_window  # spans the whole range when a run covers several partitions
        jar = self._jar()
        archive_options, archive_done = ClassArchive(jar, self.java).launch_options() if self.class_archive else ([], None)
        command = self.launch(subcommand, {}, archive_options).command
        extras: dict[str, object] = {
            "window_start": window.start.isoformat(),
            "window_end": window.end.isoformat(),
            "streams": [target.as_extra() for target in targets],
        }
        context.log.info(
            f"{' '.join(command)} for [{window.start.isoformat()}, {window.end.isoformat()}): "
            + ", ".join(target.label() for target in targets)
        )
        # The session is opened here rather than through PipesSubprocessClient.run, which raises on a
        # non-zero exit before handing over what the worker reported: the pairs of the batch that were
        # done would lose their materializations and checks with the one that failed.
        with _dagster_pipes_internal_warnings_silenced(), open_pipes_session(
            context=context,
            context_injector=PipesTempFileContextInjector(),
            message_reader=CompleteLinesTempFileMessageReader(),
            extras=extras,
        ) as session:
            launch = self.launch(subcommand, session.get_bootstrap_env_vars(), archive_options)
            process = subprocess.Popen(launch.command, env={**os.environ, **launch.env})
            try:
                exit_code = process.wait()
            except DagsterExecutionInterruptedError:
                process.send_signal(signal.SIGINT)  # the worker closes its Pipes session and rolls back
                process.wait(timeout=_INTERRUPT_GRACE_SECONDS)
                raise
            finally:
                if archive_done is not None:
                    archive_done(process.returncode if process.returncode is not None else -1)
        # Only what the worker reported: an asset it did not report was not materialized.
        yield from session.get_results(implicit_materializations=False)
        if exit_code != 0:
            raise self._failure(context, subcommand, exit_code)

    def launch(
        self, subcommand: str, pipes_env: Mapping[str, str], extra_jvm_options: Sequence[str] = ()
    ) -> "WorkerLaunch":
        """The worker's command line and the environment it needs, for any Pipes client.

        The subprocess client above runs it with this machine's environment added; a
        PipesK8sClient or PipesECSClient would run the same command in an image holding the jar
        and pipeline.yaml (worker_jar, pipeline_config and java naming their paths there) with
        exactly this environment: the database URL and the Pipes bootstrap variables
        (`session.get_bootstrap_env_vars()`, or the client's own). Nothing else travels, and no
        secret is on the command line, where `ps` and the orchestrator's logs would show it.
        `extra_jvm_options` are this machine's (the class-data archive beside the jar); an image
        would bake its own archive in.
        """
        return WorkerLaunch(
            command=[self.java, *self.jvm_options, *self.subcommand_jvm_options.get(subcommand, []), *extra_jvm_options,
                     "-jar", str(self._jar()), "--config",
                     str(self._config()), subcommand],
            env={DATABASE_URL_ENV: self.database_url, **pipes_env},
        )

    def _failure(self, context: AssetExecutionContext, subcommand: str, code: int) -> Exception:
        """A transient failure (the worker's exit code says database or exchange/object store) is
        retried with exponential back-off and jitter; anything else fails once. The Java exception,
        message and stack, is in the run's log either way (the Pipes `closed` event)."""
        attempt = context.retry_number
        if code in TRANSIENT_EXIT_CODES and attempt < self.max_retries:
            wait = self.retry_delay_seconds * 2**attempt * random.uniform(0.8, 1.2)
            context.log.warning(
                f"kline-worker {subcommand} exited {code} ({TRANSIENT_EXIT_CODES[code]}): retry {attempt + 1} of "
                f"{self.max_retries} in {wait:.0f} s"
            )
            return RetryRequested(max_retries=self.max_retries, seconds_to_wait=wait)
        reason = TRANSIENT_EXIT_CODES.get(code) or PERMANENT_EXIT_CODES.get(code) or "killed or unknown"
        retried = f" after {attempt} retries" if code in TRANSIENT_EXIT_CODES else " (not retried: it would fail the same way)"
        return Failure(
            description=f"kline-worker {subcommand} exited {code} ({reason}){retried}; the worker's exception is in the run log",
            metadata={"exit_code": code, "retries": attempt},
            allow_retries=False,
        )

    def _jar(self) -> Path:
        return (Path(self.worker_jar) if self.worker_jar else worker_jar_path()).resolve()

    def _config(self) -> Path:
        # Absolute, because the worker resolves the file's relative paths against its folder.
        return (Path(self.pipeline_config) if self.pipeline_config else pipeline_config_path()).resolve()


class CompleteLinesFileMessageReader(PipesFileMessageReader):
    """Dagster's file message reader, handing on only whole lines.

    Dagster's own tails the file with readline(), which returns a line the worker is still
    appending as it stands; parsing that half fails the reader thread, and every later message of
    the launch (materializations, checks) is lost. A materialization with its metadata is a few
    KiB, and on a loaded machine the reader caught one half-written (make soak, 500 streams).
    """

    def _reader_thread(self, handler, is_resource_complete) -> None:  # noqa: ANN001 - Dagster's types
        try:
            for line in tail_complete_lines(self._path, is_resource_complete.is_set):
                handler.handle_message(json.loads(line))
        except:  # noqa: E722 - as Dagster's: reported, then re-raised
            handler.report_pipes_framework_exception(f"{self.__class__.__name__} reader thread", sys.exc_info())
            raise


class CompleteLinesTempFileMessageReader(PipesFileMessageReader):
    """CompleteLinesFileMessageReader on a temporary file of its own, as PipesTempFileMessageReader is."""

    def __init__(self) -> None:
        super().__init__(path="")

    @contextmanager
    def read_messages(self, handler) -> Iterator[dict]:  # noqa: ANN001 - Dagster's types
        with tempfile.TemporaryDirectory() as directory:
            with CompleteLinesFileMessageReader(os.path.join(directory, "messages")).read_messages(handler) as params:
                yield params

    def no_messages_debug_text(self) -> str:
        return "Attempted to read messages from a local temporary file."


def tail_complete_lines(path: str, should_stop: Callable[[], bool], poll_seconds: float = 0.01) -> Iterator[str]:
    """The lines appended to `path`, each once it ends with a newline; after `should_stop()` (the
    writer is gone) whatever is left, terminated or not."""
    pending = ""
    with open(path, encoding="utf-8") as stream:
        while True:
            chunk = stream.readline()
            if chunk:
                pending += chunk
                if pending.endswith("\n"):
                    yield pending
                    pending = ""
            elif should_stop():
                # Read once more: the writer may have finished its last line after the readline above.
                pending += stream.read()
                for line in pending.splitlines(keepends=True):
                    yield line
                return
            else:
                time.sleep(poll_seconds)


@contextmanager
def _dagster_pipes_internal_warnings_silenced() -> Iterator[None]:
    """Dagster 1.13's own Pipes session code reads a preview property and a deprecated context
    property on every run; neither is our call nor ours to act on, so they are hidden, exactly them."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*PipesMessageReader\.expected_writer_count", category=PreviewWarning)
        warnings.filterwarnings("ignore", message=r"AssetExecutionContext\.run_id is deprecated", category=DeprecationWarning)
        yield
