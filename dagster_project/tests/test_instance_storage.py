"""The event log `make run` configures (scripts/run.sh's dagster.yaml): dagster-postgres' storage
over one pooled connection, with Dagster's commits not waiting for the disk."""

import re
from pathlib import Path

from dagster import AssetKey, AssetMaterialization, DagsterEvent, DagsterEventType, DagsterInstance, asset, materialize
from dagster._core.events import StepMaterializationData
from dagster._core.events.log import EventLogEntry
from sqlalchemy import event

from dagster_project.config import REPO_ROOT
from dagster_project.instance_storage import PooledPostgresEventLogStorage

_EVENTS = 40


def _materialization(index: int) -> EventLogEntry:
    planned = DagsterEvent(
        DagsterEventType.ASSET_MATERIALIZATION.value,
        "job",
        event_specific_data=StepMaterializationData(AssetMaterialization(AssetKey(["bronze", f"pair_{index % 4}"]),
                                                                          metadata={"rows": index})),
    )
    return EventLogEntry(error_info=None, level="DEBUG", user_message="", run_id="run-" + "0" * 32, timestamp=float(index),
                         step_key="step", job_name="job", dagster_event=planned)


def test_a_run_s_events_are_recorded_over_pooled_connections_not_one_per_event(database_url: str) -> None:
    storage = PooledPostgresEventLogStorage(database_url)
    connects = []
    event.listen(storage._engine, "connect", lambda *_: connects.append(1))

    for index in range(_EVENTS):
        storage.store_event(_materialization(index))

    # dagster-postgres' own storage opens one or two per event; the pool keeps two.
    assert len(connects) <= 2, f"{len(connects)} connections opened for {_EVENTS} events"
    stored = storage.get_logs_for_run("run-" + "0" * 32)
    assert [e.dagster_event.event_specific_data.materialization.metadata["rows"].value for e in stored] == list(range(_EVENTS))
    latest = storage.get_latest_materialization_events([AssetKey(["bronze", "pair_3"])])[AssetKey(["bronze", "pair_3"])]
    assert latest.dagster_event.event_specific_data.materialization.metadata["rows"].value == _EVENTS - 1


def test_dagster_s_connections_commit_without_waiting_for_the_disk_when_the_url_says_so(database_url: str) -> None:
    storage = PooledPostgresEventLogStorage(database_url + "?options=-c%20synchronous_commit%3Doff")
    with storage._connect() as conn:
        assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "off"
    with PooledPostgresEventLogStorage(database_url)._connect() as conn:
        assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"


def test_run_sh_s_instance_loads_and_records_a_materialization(tmp_path: Path, database_url: str, monkeypatch) -> None:
    # The instance settings exactly as scripts/run.sh writes them, with its one substitution made.
    script = (REPO_ROOT / "scripts" / "run.sh").read_text()
    yaml = re.search(r'cat > "\$DAGSTER_HOME/dagster.yaml" <<YAML\n(.*?)\nYAML\n', script, re.S).group(1)
    (tmp_path / "dagster.yaml").write_text(yaml.replace("$max_concurrent_runs", "1"))
    monkeypatch.setenv("KLINE_DAGSTER_DATABASE_URL", database_url + "?options=-c%20synchronous_commit%3Doff")

    @asset
    def pair() -> None:
        return None

    with DagsterInstance.from_config(str(tmp_path)) as instance:
        assert isinstance(instance.event_log_storage, PooledPostgresEventLogStorage)
        assert materialize([pair], instance=instance).success
        assert instance.get_latest_materialization_event(AssetKey("pair")) is not None
