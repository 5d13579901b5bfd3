"""The Dagster UI over the real project, as `make run` serves it: `dagster dev` on the code location,
dagster-postgres instance storage, the real worker jar and PostgreSQL, a one-pair pipeline.yaml
pointing at the local fake Binance. One hourly partition is materialized through Dagster's GraphQL
API, then headless Chromium (Debian's, driven by Playwright) opens the asset graph and the silver
asset's page. Screenshots and the server's log are kept in dagster_project/tests/output/ (or
$KLINE_UI_OUTPUT).

The test is written against what the UI shows: asset keys, group names, check names and metadata
labels, never op names. Without Chromium it fails (scripts/ensure-chromium.sh installs it);
KLINE_SKIP_UI_TEST=1 skips it on a machine that cannot have one."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from dagster_project.config import REPO_ROOT, worker_jar_path
from dagster_project.keys import (
    BRONZE_GROUP,
    CROSS_VENUE_DIVERGENCE_CHECK,
    DEAD_LETTER_SHARE_CHECK,
    NEWEST_MINUTE_FRESH_CHECK,
    NO_MISSING_MINUTES_CHECK,
    OHLC_CONSISTENT_CHECK,
    ONE_ROW_PER_KEY_CHECK,
    SILVER_GROUP,
    bronze_rest_key,
    ext_to_bronze_key,
    silver_key,
)
from dagster_project.tests.fake_binance import MINUTE, CapturedPair, FakeBinanceRest, serve
from dagster_project.tests.pipeline_setup import fresh_database, write_fake_binance_pipeline

SILVER_CHECKS = (
    NO_MISSING_MINUTES_CHECK, ONE_ROW_PER_KEY_CHECK, OHLC_CONSISTENT_CHECK, CROSS_VENUE_DIVERGENCE_CHECK, NEWEST_MINUTE_FRESH_CHECK
)
# The partition is days old, so silver's newest minute is too: a bound of ten years lets every check pass.
CHECKS_CONFIG = "checks: {max_silver_lag_seconds: 315360000}\n"

WORKER_JAR = worker_jar_path()
pytestmark = pytest.mark.skipif(
    not WORKER_JAR.is_file(),
    reason=f"worker jar {WORKER_JAR} does not exist yet: build java-workers or set KLINE_WORKER_JAR",
)

SKIP_ENV = "KLINE_SKIP_UI_TEST"
CHROMIUM_ENV = "KLINE_CHROMIUM"
OUTPUT_ENV = "KLINE_UI_OUTPUT"
OUTPUT_DIR = Path(os.environ.get(OUTPUT_ENV) or REPO_ROOT / "dagster_project" / "tests" / "output")

LOCATION = "kline_pipeline"  # pyproject's [tool.dagster] code_location_name, which `dagster dev` loads
HOUR = datetime(2026, 11, 24, 10, tzinfo=timezone.utc)
PARTITION = "2026-11-24-10:00"
# Disconnected 10:20-10:22: bronze-rest fills three minutes from the fake's REST API.
CAPTURED = {"BTCUSDT": CapturedPair("BTCUSDT", HOUR, missing_minutes=frozenset(HOUR + k * MINUTE for k in (20, 21, 22)))}
WS_KEY = ext_to_bronze_key("binance", "BTCUSDT")
REST_KEY = bronze_rest_key("binance", "BTCUSDT")
SILVER_KEY = silver_key("BTC-USDT")

SERVER_START_TIMEOUT_S = 90
RUN_TIMEOUT_S = 120
UI_TIMEOUT_MS = 30_000
# As root Chromium needs --no-sandbox; the rest keep it off this machine's closed network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def chromium_executable() -> str:
    """$KLINE_CHROMIUM, else Debian's /usr/bin/chromium, else chromium on the PATH; fails when none is there."""
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"{SKIP_ENV}=1: the Dagster UI test is switched off")
    for candidate in (os.environ.get(CHROMIUM_ENV), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(
        "no Chromium for the Dagster UI test: run scripts/ensure-chromium.sh (installs Debian's chromium; "
        f"`make test` does), or set {CHROMIUM_ENV}=/path/to/chromium, or {SKIP_ENV}=1 to skip this test",
        pytrace=False,
    )


@dataclass(frozen=True)
class DagsterDev:
    """A running `dagster dev`: its base URL and the log it writes."""

    url: str
    log: Path

    def graphql(self, query: str, **variables: object) -> dict:
        body = json.dumps({"query": query, "variables": variables}).encode()
        request = urllib.request.Request(f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                answer = json.load(response)
        except urllib.error.HTTPError as e:  # a query the schema refuses: 400 with the errors in the body
            raise AssertionError(f"GraphQL answered {e.code}: {e.read().decode(errors='replace')}") from e
        assert not answer.get("errors"), answer["errors"]
        return answer["data"]

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="module")
def fake_binance() -> Iterator[FakeBinanceRest]:
    with serve(FakeBinanceRest(pairs=CAPTURED)) as fake:
        yield fake


@pytest.fixture(scope="module")
def dagster_dev(tmp_path_factory: pytest.TempPathFactory, database_url: str, fake_binance: FakeBinanceRest) -> Iterator[DagsterDev]:
    """`dagster dev` on a free port, with the instance in a database of its own (as `make run` has it)."""
    chromium_executable()  # no server is started for a test that cannot open the UI
    config = write_fake_binance_pipeline(tmp_path_factory.mktemp("pipeline"), fake_binance.url, CAPTURED, CHECKS_CONFIG)
    home = tmp_path_factory.mktemp("dagster_home")
    (home / "dagster.yaml").write_text(
        "storage:\n  postgres:\n    postgres_url:\n      env: KLINE_DAGSTER_DATABASE_URL\ntelemetry:\n  enabled: false\n",
        encoding="utf-8",
    )
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    log = OUTPUT_DIR / "dagster-dev.log"
    port = _free_port()
    with fresh_database("kline_dagster_ui") as instance_url, log.open("w", encoding="utf-8") as log_file:
        env = {
            **os.environ,
            "DAGSTER_HOME": str(home),
            "KLINE_DAGSTER_DATABASE_URL": instance_url,
            "KLINE_DATABASE_URL": database_url,
            "KLINE_PIPELINE_CONFIG": str(config),
            "KLINE_WORKER_JAR": str(WORKER_JAR.resolve()),
        }
        # No -m: the code location is the project's, from pyproject.toml, as `make run` serves it.
        command = [str(Path(sys.executable).parent / "dagster"), "dev", "-h", "127.0.0.1", "-p", str(port)]
        # A session of its own, so that teardown can end the server and everything it started.
        server = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
        dev = DagsterDev(url=f"http://127.0.0.1:{port}", log=log)
        try:
            _wait_for_code_location(dev, server)
            _stop_schedules(dev)
            yield dev
        finally:
            _stop(server)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_WORKSPACE = """
query {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError { __typename ... on PythonError { message } }
      }
    }
  }
}
"""


def _wait_for_code_location(dev: DagsterDev, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"dagster dev exited with code {server.returncode}:\n{dev.log_tail()}", pytrace=False)
        try:
            workspace = dev.graphql(_WORKSPACE)["workspaceOrError"]
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
            continue
        entries = {e["name"]: e for e in workspace.get("locationEntries", [])}
        entry = entries.get(LOCATION)
        if entry and entry["loadStatus"] == "LOADED":
            loaded = entry["locationOrLoadError"] or {}
            if loaded.get("__typename") == "PythonError":
                pytest.fail(f"the code location failed to load: {loaded['message']}", pytrace=False)
            if loaded.get("__typename") == "RepositoryLocation":
                return
        time.sleep(0.5)
    pytest.fail(f"the code location did not load within {SERVER_START_TIMEOUT_S} s:\n{dev.log_tail()}", pytrace=False)


_SCHEDULES = """
query Schedules($location: String!) {
  schedulesOrError(repositorySelector: {repositoryLocationName: $location, repositoryName: "__repository__"}) {
    __typename
    ... on Schedules { results { name scheduleState { id status } } }
  }
}
"""

_STOP_SCHEDULE = """
mutation Stop($id: String!) {
  stopRunningSchedule(id: $id) {
    __typename
    ... on ScheduleStateResult { scheduleState { status } }
    ... on Error { message }
  }
}
"""


def _stop_schedules(dev: DagsterDev) -> None:
    """The hourly schedule starts RUNNING (as `make run` wants); here its minute-10 run would add a
    second materialization beside the test's. Switched off, as the UI's toggle does."""
    schedules = dev.graphql(_SCHEDULES, location=LOCATION)["schedulesOrError"]["results"]
    for schedule in schedules:
        if schedule["scheduleState"]["status"] == "RUNNING":
            stopped = dev.graphql(_STOP_SCHEDULE, id=schedule["scheduleState"]["id"])["stopRunningSchedule"]
            assert stopped.get("scheduleState", {}).get("status") == "STOPPED", (schedule["name"], stopped)


def _stop(server: subprocess.Popen) -> None:
    """Ctrl-C, as a user stops it (dagster dev then stops its webserver, daemon and code server)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(server.pid, signal.SIGKILL)  # whatever of its session is left
    except ProcessLookupError:
        pass
    server.wait(timeout=10)


_ASSET_NODES = """
query {
  assetNodes {
    assetKey { path }
    groupName
    assetChecksOrError { __typename ... on AssetChecks { checks { name } } }
  }
}
"""

_LAUNCH_RUN = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on Error { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""

_RUN_STATUS = """
query RunStatus($runId: ID!) { runOrError(runId: $runId) { __typename ... on Run { status } } }
"""

_RUN_ERRORS = """
query RunErrors($runId: ID!) {
  runOrError(runId: $runId) {
    ... on Run {
      eventConnection {
        events {
          __typename
          ... on ExecutionStepFailureEvent { stepKey error { message } }
          ... on RunFailureEvent { message }
        }
      }
    }
  }
}
"""


@dataclass(frozen=True)
class Materialized:
    run_id: str
    assets: dict[str, dict]  # by asset key (a/b): the node's group and check names


@pytest.fixture(scope="module")
def materialized(dagster_dev: DagsterDev) -> Materialized:
    """One run of every asset and check of the code location for PARTITION, launched and awaited through GraphQL."""
    nodes = dagster_dev.graphql(_ASSET_NODES)["assetNodes"]
    assets = {
        "/".join(n["assetKey"]["path"]): {
            "path": n["assetKey"]["path"],
            "group": n["groupName"],
            "checks": [c["name"] for c in (n["assetChecksOrError"].get("checks") or [])],
        }
        for n in nodes
    }
    params = {
        "selector": {
            "repositoryLocationName": LOCATION,
            "repositoryName": "__repository__",
            "jobName": "__ASSET_JOB",
            "assetSelection": [{"path": a["path"]} for a in assets.values()],
            "assetCheckSelection": [
                {"assetKey": {"path": a["path"]}, "name": check} for a in assets.values() for check in a["checks"]
            ],
        },
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": PARTITION}]},
    }
    launched = dagster_dev.graphql(_LAUNCH_RUN, params=params)["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]

    deadline = time.monotonic() + RUN_TIMEOUT_S
    while True:
        status = dagster_dev.graphql(_RUN_STATUS, runId=run_id)["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        if time.monotonic() > deadline:
            pytest.fail(f"run {run_id} still {status} after {RUN_TIMEOUT_S} s:\n{dagster_dev.log_tail()}", pytrace=False)
        time.sleep(1)
    if status != "SUCCESS":
        events = dagster_dev.graphql(_RUN_ERRORS, runId=run_id)["runOrError"]["eventConnection"]["events"]
        failures = [e for e in events if e["__typename"] in ("ExecutionStepFailureEvent", "RunFailureEvent")]
        pytest.fail(f"run {run_id} ended {status}: {failures}\n{dagster_dev.log_tail()}", pytrace=False)
    return Materialized(run_id, assets)


@pytest.fixture(scope="module")
def browser(dagster_dev: DagsterDev) -> Iterator[Browser]:
    executable = chromium_executable()
    # The UI's first-visit "Join the Dagster community" dialog would cover the pages: seen, as its Skip does.
    assert dagster_dev.graphql("mutation { setNuxSeen }")["setNuxSeen"] is True
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    context.set_default_timeout(UI_TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def screenshots(request: pytest.FixtureRequest) -> Iterator[list[Path]]:
    """Where the module's screenshots went, said at its end (also under -q, and when a test failed)."""
    taken: list[Path] = []
    yield taken
    if taken:
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled() if capture else nullcontext():
            print(f"\nDagster UI screenshots ({len(taken)}) in {OUTPUT_DIR}: {', '.join(p.name for p in taken)}", flush=True)


@contextmanager
def kept_screenshot(page: Page, name: str, taken: list[Path]) -> Iterator[None]:
    """A full-page screenshot once the block is done, whether its assertions held or not."""
    try:
        yield
    finally:
        path = OUTPUT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)


_MATERIALIZATIONS = """
query Materializations($path: [String!]!, $partition: String!) {
  assetOrError(assetKey: {path: $path}) {
    __typename
    ... on Asset {
      assetMaterializations(partitions: [$partition]) {
        runId
        partition
        metadataEntries { label ... on IntMetadataEntry { intValue } }
      }
    }
  }
}
"""


def test_the_run_materialized_every_asset_of_both_layers_for_the_partition(
    materialized: Materialized, dagster_dev: DagsterDev
) -> None:
    assert {key: (a["group"], sorted(a["checks"])) for key, a in materialized.assets.items()} == {
        WS_KEY.to_user_string(): (BRONZE_GROUP, [DEAD_LETTER_SHARE_CHECK]),
        REST_KEY.to_user_string(): (BRONZE_GROUP, [NO_MISSING_MINUTES_CHECK]),
        SILVER_KEY.to_user_string(): (SILVER_GROUP, sorted(SILVER_CHECKS)),
    }
    for key in (WS_KEY, REST_KEY, SILVER_KEY):
        asset = dagster_dev.graphql(_MATERIALIZATIONS, path=key.path, partition=PARTITION)["assetOrError"]
        assert [(m["runId"], m["partition"]) for m in asset["assetMaterializations"]] == [(materialized.run_id, PARTITION)], key
    (silver,) = dagster_dev.graphql(_MATERIALIZATIONS, path=SILVER_KEY.path, partition=PARTITION)["assetOrError"][
        "assetMaterializations"
    ]
    reported = {e["label"]: e.get("intValue") for e in silver["metadataEntries"]}
    assert (reported["inserted"], reported["missing_minutes"]) == (60, 0)


def test_the_asset_graph_shows_both_layers_with_their_assets_and_checks(
    materialized: Materialized, dagster_dev: DagsterDev, page: Page, screenshots: list[Path]
) -> None:
    with kept_screenshot(page, "asset-graph", screenshots):
        page.goto(f"{dagster_dev.url}/asset-groups")  # Lineage: the global asset graph
        graph = page.locator("svg")  # the graph itself; the sidebar's tree of groups is outside it
        for group in (BRONZE_GROUP, SILVER_GROUP):
            expect(graph.get_by_text(group, exact=True)).to_be_visible()

        _expand_all_groups(page, graph)

        for key, group in ((WS_KEY, BRONZE_GROUP), (REST_KEY, BRONZE_GROUP), (SILVER_KEY, SILVER_GROUP)):
            node = _graph_box(graph, key.path[-1])
            expect(node).to_be_visible()
            assert _inside(node, _graph_box(graph, group)), f"{key.to_user_string()} is not drawn inside group {group}"
        for key, checks in ((WS_KEY, 1), (REST_KEY, 1), (SILVER_KEY, len(SILVER_CHECKS))):  # the node's "Asset checks" row
            expect(_graph_box(graph, key.path[-1])).to_contain_text(f"{checks} / {checks} Passed")


def _expand_all_groups(page: Page, graph: Locator) -> None:
    """The graph's settings menu (the cog by the zoom buttons): Expand all groups."""
    page.get_by_role("button", name="settings", exact=True).click()
    page.get_by_role("menuitem").filter(has_text="Expand all groups").click()
    expect(graph.get_by_text(SILVER_KEY.path[-1], exact=True)).to_be_visible()


def _graph_box(graph: Locator, title: str) -> Locator:
    """The box the graph draws for an asset (by the last part of its key) or an expanded group (by its name)."""
    return graph.locator("foreignObject").filter(has=graph.page.get_by_text(title, exact=True))


def _inside(inner: Locator, outer: Locator) -> bool:
    a, b = inner.bounding_box(), outer.bounding_box()
    assert a is not None and b is not None
    return b["x"] <= a["x"] and b["y"] <= a["y"] and a["x"] + a["width"] <= b["x"] + b["width"] and (
        a["y"] + a["height"] <= b["y"] + b["height"]
    )


def _metadata_value(page: Page, label: str) -> Locator:
    """The last cell of the metadata table's row for label."""
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=label, exact=True))
    return row.get_by_role("cell").last


def test_the_silver_asset_page_shows_its_metadata_and_its_check(
    materialized: Materialized, dagster_dev: DagsterDev, page: Page, screenshots: list[Path]
) -> None:
    with kept_screenshot(page, "silver-asset", screenshots):
        page.goto(f"{dagster_dev.url}/assets/{SILVER_KEY.to_user_string()}")
        expect(page.get_by_text("Latest materialization", exact=True)).to_be_visible()
        expect(page.get_by_text(PARTITION, exact=True)).to_be_visible()  # the latest materialization's partition
        # What the worker reported for the partition: 60 minutes, all final, none missing.
        for label, value in {"candidates": "60", "inserted": "60", "missing_minutes": "0"}.items():
            expect(_metadata_value(page, label)).to_have_text(value)
        expect(_metadata_value(page, "symbol")).to_have_text("BTC-USDT")  # the definition's own metadata
        expect(page.get_by_text("Latest check results", exact=True)).to_be_visible()

    with kept_screenshot(page, "silver-asset-checks", screenshots):
        page.get_by_role("tab", name="Checks", exact=True).click()
        expect(page.get_by_text("Succeeded", exact=True)).to_have_count(len(SILVER_CHECKS))  # one row per check
        page.get_by_title(NO_MISSING_MINUTES_CHECK).click()
        expect(page.get_by_text("Evaluation result", exact=True)).to_be_visible()
        expect(page.get_by_text("Passed", exact=True)).to_be_visible()
        expect(_metadata_value(page, "missing_minutes")).to_have_text("0")
