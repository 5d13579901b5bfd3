"""The worker's launch (command and environment) is the same whatever starts it: the subprocess
client here, or Dagster's Kubernetes or ECS Pipes clients, which pass the Pipes context in an
environment variable (PipesEnvContextInjector) rather than a temporary file. README: Beyond one machine."""

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dagster import (
    AssetExecutionContext,
    PipesEnvContextInjector,
    PipesTempFileMessageReader,
    asset,
    materialize,
    open_pipes_session,
)

from dagster_project.resources import KlineWorkerResource
from dagster_project.worker_jvm import DEFAULT_SUBCOMMAND_JVM_OPTIONS, DEFAULT_WORKER_JVM_OPTIONS

# Stands in for `java` in a container: reports what it was started with, reading its context from the environment.
STAND_IN_WORKER = f"""#!{sys.executable} -I
import os, sys
from dagster_pipes import decode_env_var, open_dagster_pipes

with open_dagster_pipes() as pipes:
    pipes.report_asset_materialization(metadata={{
        "argv": {{"raw_value": sys.argv[1:], "type": "json"}},
        "env": {{"raw_value": sorted(os.environ), "type": "json"}},
        "context_params": {{"raw_value": sorted(decode_env_var(os.environ["DAGSTER_PIPES_CONTEXT"])), "type": "json"}},
        "database_url": os.environ["KLINE_DATABASE_URL"],
        "window_end": pipes.extras["window_end"],
    }})
"""


# Dagster's own session code warns about its internals, as the resource's run() silences too.
@pytest.mark.filterwarnings("ignore:.*PipesMessageReader.expected_writer_count")
@pytest.mark.filterwarnings("ignore:AssetExecutionContext.run_id is deprecated")
def test_the_worker_runs_on_the_launch_environment_alone_with_its_context_in_an_env_var(tmp_path: Path) -> None:
    java = tmp_path / "java"
    java.write_text(STAND_IN_WORKER, encoding="utf-8")
    java.chmod(java.stat().st_mode | stat.S_IXUSR)
    # Paths as they would be inside a worker image.
    resource = KlineWorkerResource(
        database_url="postgresql://kline:s3cret@db:5432/kline",
        worker_jar="/opt/kline/kline-worker.jar",
        pipeline_config="/etc/kline/pipeline.yaml",
        java=str(java),
    )

    @asset
    def launched(context: AssetExecutionContext):
        with open_pipes_session(
            context=context,
            context_injector=PipesEnvContextInjector(),
            message_reader=PipesTempFileMessageReader(),
            extras={"window_end": "2026-11-24T11:00:00+00:00"},
        ) as session:
            launch = resource.launch("ext-to-bronze", session.get_bootstrap_env_vars())
            # Nothing of this machine's environment: what a pod or a task definition would be given.
            subprocess.run(launch.command, env=launch.env, check=True)
        yield from session.get_results()

    result = materialize([launched])

    (event,) = result.get_asset_materialization_events()
    reported = {name: value.value for name, value in event.materialization.metadata.items()}
    # The heap bound goes with the launch (a container's limit must allow for it); the class archive does not.
    assert reported["argv"] == [*DEFAULT_WORKER_JVM_OPTIONS, "-jar", "/opt/kline/kline-worker.jar", "--config", "/etc/kline/pipeline.yaml", "ext-to-bronze"]
    # LC_CTYPE is Python's own locale coercion in the stand-in, not something the launch passed.
    assert set(reported["env"]) - {"LC_CTYPE"} == {"DAGSTER_PIPES_CONTEXT", "DAGSTER_PIPES_MESSAGES", "KLINE_DATABASE_URL"}
    assert reported["context_params"] == ["data"], "the context itself travels in the variable, as on Kubernetes and ECS"
    assert reported["database_url"] == "postgresql://kline:s3cret@db:5432/kline"
    assert reported["window_end"] == "2026-11-24T11:00:00+00:00"


def test_the_launch_keeps_the_database_password_off_the_command_line() -> None:
    launch = KlineWorkerResource(
        database_url="postgresql://kline:s3cret@db:5432/kline", worker_jar="/opt/kline/kline-worker.jar",
        pipeline_config="/etc/kline/pipeline.yaml",
    ).launch("silver", {"DAGSTER_PIPES_CONTEXT": "c", "DAGSTER_PIPES_MESSAGES": "m"})

    assert not any("s3cret" in part for part in launch.command)
    # Silver's launches compile with C1 only (worker_jvm.py); the others keep the JVM's default.
    assert DEFAULT_SUBCOMMAND_JVM_OPTIONS["silver"] == ("-XX:TieredStopAtLevel=1",)
    assert launch.command == ["java", *DEFAULT_WORKER_JVM_OPTIONS, "-XX:TieredStopAtLevel=1", "-jar", "/opt/kline/kline-worker.jar",
                              "--config", "/etc/kline/pipeline.yaml", "silver"]
    assert launch.env == {
        "KLINE_DATABASE_URL": "postgresql://kline:s3cret@db:5432/kline",
        "DAGSTER_PIPES_CONTEXT": "c",
        "DAGSTER_PIPES_MESSAGES": "m",
    }
