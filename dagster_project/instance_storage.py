"""Dagster's event log in PostgreSQL over pooled connections (`make run`'s dagster.yaml names it).

dagster-postgres opens a new connection for every statement it sends to the event log (its engine
has no pool, so that an idle instance holds nothing open). A run records several events per asset
it materializes (planned, materialized, the check results) and each one costs one to three
connections: with scram-sha-256 on loopback that is a fork of a server backend and a password
hash on both sides each time, and at 500 streams (1,100 assets a run) the run worker spent
minutes connecting. This storage is dagster-postgres' own, keeping two connections open per
process (the run worker, the daemon, the webserver, the code server) and opening more only while
threads overlap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy.pool as db_pool
from dagster._serdes import ConfigurableClassData
from dagster_postgres.event_log import PostgresEventLogStorage
from dagster_postgres.utils import create_pg_engine, pg_url_from_config

# The connections kept open per process (an event opens a second one while its first is open, once,
# to look up an index); more are opened while threads overlap (the daemon's) and closed when returned.
_POOL_SIZE = 2
_MAX_OVERFLOW = 8
# A connection older than this is replaced (an idle timeout on the server's side).
_POOL_RECYCLE_SECONDS = 600


class PooledPostgresEventLogStorage(PostgresEventLogStorage):
    """PostgresEventLogStorage whose engine keeps a connection open instead of one per statement."""

    def __init__(self, postgres_url: str, should_autocreate_tables: bool = True,
                 inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__(postgres_url, should_autocreate_tables, inst_data)
        # The URL's query (options=-c synchronous_commit=off, sslmode) reaches the new engine's connections too.
        self._engine.dispose()
        self._engine = create_pg_engine(
            self.postgres_url,
            None,
            isolation_level="AUTOCOMMIT",
            poolclass=db_pool.QueuePool,
            pool_size=_POOL_SIZE,
            max_overflow=_MAX_OVERFLOW,
            pool_recycle=_POOL_RECYCLE_SECONDS,
            # No ping before each use (a round trip per event, a seventh of a run worker's time): a
            # server restart fails the one write that finds its connection gone, and SQLAlchemy then
            # replaces the pool's connections. The restart fails the run's worker launch all the same,
            # and a daemon's tick is evaluated again.
        )

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,
                          config_value: Mapping[str, Any]) -> PooledPostgresEventLogStorage:
        return cls(inst_data=inst_data, postgres_url=pg_url_from_config(config_value),
                   should_autocreate_tables=config_value.get("should_autocreate_tables", True))
