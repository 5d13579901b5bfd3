"""Secrets stay secret, and the workers need no more of PostgreSQL than the pipeline's own schemas.

The whole pipeline for one hour runs as a role made by scripts/create-pipeline-role.sql (it owns
only bronze and silver) whose password, like the AWS keys in the environment, is a random string
that appears nowhere else. Then every output of the run is searched for those strings: the
worker's and the engine's stdout and stderr, every --help, `describe`, a run refused for a wrong
password, an engine run whose S3 uploads fail, and every Dagster event of the materialization
(metadata, logs, the run's config). Skipped, saying why, when the test server's role may not create
roles or psql is missing (make test's local server allows both).
"""

import os
import secrets
import shutil
import string
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from dagster import DagsterInstance, EnvVar, materialize
from dagster._serdes import serialize_value

from dagster_project.config import REPO_ROOT, load_pipeline_config
from dagster_project.resources import DATABASE_URL_ENV, KlineWorkerResource
from dagster_project.tests.chaos_rows import record_chaos_row
from dagster_project.tests.fake_binance import FakeBinanceRest, serve
from dagster_project.tests.pipeline_setup import ADMIN_DATABASE_URL, write_fake_binance_pipeline
from dagster_project.tests.test_materialize_end_to_end import CAPTURED, PARTITION, WORKER_JAR, all_assets

ENGINE_JAR = REPO_ROOT / "ingestion-engine" / "target" / "kline-engine.jar"
ROLE_SQL = REPO_ROOT / "scripts" / "create-pipeline-role.sql"
SUBCOMMANDS = ["ext-to-bronze", "bronze-rest", "silver", "migrate", "describe", "list-finished"]

pytestmark = [
    pytest.mark.chaos,
    pytest.mark.skipif(not WORKER_JAR.is_file() or not ENGINE_JAR.is_file(), reason="the worker and engine jars are not built yet (make build)"),
]


@dataclass(frozen=True)
class PipelineRole:
    name: str
    password: str
    url: str  # the pipeline database, as this role


def _admin() -> str:
    return ADMIN_DATABASE_URL.removeprefix("jdbc:")


def _may_create_roles() -> bool:
    with psycopg.connect(_admin()) as conn:
        return conn.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user").fetchone()[0]


@pytest.fixture(scope="module")
def pipeline_role() -> Iterator[PipelineRole]:
    if shutil.which("psql") is None:
        pytest.skip("psql is not installed: the role is made by scripts/create-pipeline-role.sql through psql")
    if not _may_create_roles():
        pytest.skip("the role of KLINE_DATABASE_URL may not create roles (scripts/ensure-postgres.sh's local one may)")
    suffix = uuid.uuid4().hex[:10]
    name, database = f"kline_pipeline_{suffix}", f"kline_role_{suffix}"
    password = "pw" + secrets.token_hex(16)
    admin = _admin()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {database}")
    database_admin = urlunsplit(urlsplit(admin)._replace(path=f"/{database}"))
    try:
        subprocess.run(["psql", "-q", "-d", database_admin, "-v", f"role={name}", "-v", f"password={password}", "-f", str(ROLE_SQL)],
                       check=True, capture_output=True, text=True)
        parts = urlsplit(admin)
        as_role = parts._replace(netloc=f"{name}:{password}@{parts.hostname}:{parts.port or 5432}", path=f"/{database}")
        yield PipelineRole(name, password, urlunsplit(as_role))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            conn.execute(f"DROP ROLE IF EXISTS {name}")


def _random_aws_keys() -> dict[str, str]:
    upper = string.ascii_uppercase + string.digits
    return {
        "AWS_ACCESS_KEY_ID": "AKIA" + "".join(secrets.choice(upper) for _ in range(16)),
        "AWS_SECRET_ACCESS_KEY": "".join(secrets.choice(string.ascii_letters + string.digits + "+/") for _ in range(40)),
    }


@dataclass
class Outputs:
    """Every text the run showed anyone, by where it came from."""

    texts: dict[str, str]

    def add(self, where: str, text: str) -> None:
        self.texts[where] = self.texts.get(where, "") + text

    def containing(self, secret: str) -> list[str]:
        return [where for where, text in self.texts.items() if secret in text]


def _run(outputs: Outputs, where: str, command: list[str], env: dict[str, str], timeout: float = 120) -> int:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    outputs.add(where, done.stdout + done.stderr)
    return done.returncode


@pytest.fixture(scope="module")
def run_as_role(pipeline_role: PipelineRole, tmp_path_factory: pytest.TempPathFactory) -> tuple[Outputs, dict[str, str], bool]:
    """The pipeline's hour as the role, with AWS keys in the environment, and everything it printed."""
    aws = _random_aws_keys()
    outputs = Outputs({})
    root = tmp_path_factory.mktemp("secrets")
    env = {**os.environ, **aws, DATABASE_URL_ENV: pipeline_role.url}

    with serve(FakeBinanceRest(pairs=CAPTURED)) as fake:
        config = load_pipeline_config(write_fake_binance_pipeline(root, fake.url, CAPTURED))
        # Dagster reads the URL through EnvVar, as definitions.py does; the worker's output goes to
        # this process's stdout and stderr, captured by redirecting the file descriptors.
        instance = DagsterInstance.ephemeral()
        saved = {k: os.environ.get(k) for k in (*aws, DATABASE_URL_ENV)}
        os.environ.update({**aws, DATABASE_URL_ENV: pipeline_role.url})
        captured = root / "dagster-process-output.txt"
        try:
            with open(captured, "w") as sink:
                stdout, stderr = os.dup(1), os.dup(2)
                os.dup2(sink.fileno(), 1)
                os.dup2(sink.fileno(), 2)
                try:
                    result = materialize(
                        all_assets(config), partition_key=PARTITION, instance=instance, raise_on_error=False,
                        resources={"kline_worker": KlineWorkerResource(
                            database_url=EnvVar(DATABASE_URL_ENV), worker_jar=str(WORKER_JAR), pipeline_config=str(config.path))},
                    )
                finally:
                    os.dup2(stdout, 1)
                    os.dup2(stderr, 2)
                    os.close(stdout)
                    os.close(stderr)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        outputs.add("dagster process stdout/stderr (worker logs)", captured.read_text(errors="replace"))
        for record in instance.all_logs(result.run_id):
            outputs.add("dagster events", serialize_value(record) + "\n")
        outputs.add("dagster run config", serialize_value(instance.get_run_by_id(result.run_id)))

    worker = ["java", "-jar", str(WORKER_JAR)]
    _run(outputs, "kline-worker --help", [*worker, "--help"], env)
    for sub in SUBCOMMANDS:
        _run(outputs, f"kline-worker {sub} --help", [*worker, sub, "--help"], env)
    _run(outputs, "kline-worker describe", [*worker, "--config", str(config.path), "describe"], env)
    wrong = pipeline_role.url.replace(pipeline_role.password, "wrong" + pipeline_role.password[::-1])
    refused = _run(outputs, "kline-worker silver, wrong password",
                   [*worker, "--config", str(config.path), "silver", "--all-symbols",
                    "--start", "2026-11-24T10:00:00Z", "--end", "2026-11-24T11:00:00Z"], {**env, DATABASE_URL_ENV: wrong})

    # S3 at an address where nothing listens: every call fails, and says so, with the keys in the environment.
    s3_config = root / "pipeline-s3.yaml"
    s3_config.write_text(config.path.read_text().replace(
        "s3: {enabled: false}", "s3: {enabled: true, bucket: kline-pipeline-bronze, endpoint: 'http://127.0.0.1:9', region: us-east-1}"))
    _run(outputs, "kline-worker list-finished, S3 down", [*worker, "--config", str(s3_config), "list-finished"], env)
    engine = ["java", "-jar", str(ENGINE_JAR)]
    _run(outputs, "kline-engine --help", [*engine, "--help"], env)
    # A file the previous run left: the engine tries to upload it at start and keeps failing.
    leftover = next((root / "bronze").rglob("*.jsonl"))
    _run(outputs, "kline-engine, S3 down", [*engine, "--config", str(s3_config), "--exit-after", "6"], env, timeout=90)
    assert leftover.exists(), "a file never confirmed uploaded stays on disk"
    return outputs, {"database password": pipeline_role.password, "wrong database password": "wrong" + pipeline_role.password[::-1], **aws}, (
        result.success and refused == 3)


def test_the_pipeline_runs_as_a_role_that_owns_only_bronze_and_silver(run_as_role, pipeline_role: PipelineRole) -> None:
    _outputs, _secrets, succeeded = run_as_role
    assert succeeded, "the hour materialized as the pipeline role, and a wrong password failed with exit 3 (database)"
    with psycopg.connect(pipeline_role.url) as conn:
        owned = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) ORDER BY 1"
        ).fetchall()
        assert owned == [("bronze",), ("silver",)]
        outside = conn.execute(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND n.nspname NOT IN ('bronze', 'silver', 'pg_toast')"
        ).fetchall()
        assert outside == []
        assert conn.execute("SELECT count(*) FROM silver.fact_ohlcv").fetchone()[0] == 120
        assert conn.execute(
            "SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = current_user").fetchone()[0] is False
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE TABLE public.not_ours (x int)")


def test_no_secret_appears_in_any_output(run_as_role) -> None:
    outputs, secret_values, _ = run_as_role
    assert any("Exception" in text or "ERROR" in text for text in outputs.texts.values()), "the failures did print errors"
    assert any("127.0.0.1:9" in text or "S3" in text for text in outputs.texts.values()), "the S3 failures were reported"
    leaks = {name: outputs.containing(value) for name, value in secret_values.items() if outputs.containing(value)}
    assert leaks == {}, f"secrets found in: {leaks}"
    record_chaos_row("secrets", "database password and AWS keys in every output", trials=len(outputs.texts),
                     notes=f"{len(secret_values)} secrets, {len(outputs.texts)} outputs searched")
