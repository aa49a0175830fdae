"""What a source remembers between runs, in the store: breaker, cached pages, seen files.

Kept in the database (``pulso.store.tables_sources``), not on a worker's disk, so that any
worker (a laptop, an Airflow pod) picks up where the last run of the source left off.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pulso.ingest.connectors.http import BreakerState, CachedResponse
from pulso.store.tables_sources import HttpCacheEntry, SourceFile, SourceState

__all__ = [
    "DbResponseCache",
    "SourceStatus",
    "load_status",
    "record_file",
    "save_status",
    "seen_digests",
]

logger = logging.getLogger(__name__)


def _upsert(
    connection: Connection,
    table: Table,
    values: Mapping[str, Any],
    *,
    keys: list[str],
) -> None:
    insert = sqlite_insert if connection.dialect.name == "sqlite" else pg_insert
    statement = insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in keys],
        set_={name: statement.excluded[name] for name in values if name not in keys},
    )
    connection.execute(statement)


class DbResponseCache:
    """A :class:`~pulso.ingest.connectors.http.ResponseCache` of one source in the store."""

    def __init__(self, engine: Engine, source_id: int) -> None:
        self.engine = engine
        self.source_id = source_id

    def get(self, key: str) -> CachedResponse | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(HttpCacheEntry).where(
                    HttpCacheEntry.source_id == self.source_id, HttpCacheEntry.url_key == key
                )
            ).first()
        if row is None:
            return None
        return CachedResponse(
            row.url, row.status, zlib.decompress(row.body), row.etag, row.last_modified
        )

    def put(self, key: str, response: CachedResponse) -> None:
        table = HttpCacheEntry.__table__
        assert isinstance(table, Table)
        with self.engine.begin() as connection:
            _upsert(
                connection,
                table,
                {
                    "source_id": self.source_id,
                    "url_key": key,
                    "url": response.url,
                    "etag": (response.etag or "")[:200] or None,
                    "last_modified": (response.last_modified or "")[:64] or None,
                    "status": response.status,
                    "body": zlib.compress(response.body, 6),
                    "fetched_at": datetime.now(UTC),
                },
                keys=["source_id", "url_key"],
            )


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """A source's breaker and its last runs."""

    breaker: BreakerState = field(default_factory=BreakerState)
    last_run_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None


def load_status(engine: Engine, source_id: int) -> SourceStatus:
    with engine.connect() as connection:
        row = connection.execute(
            select(SourceState).where(SourceState.source_id == source_id)
        ).first()
    if row is None:
        return SourceStatus()
    return SourceStatus(
        BreakerState(row.consecutive_failures, row.breaker_opened_at),
        row.last_run_at,
        row.last_success_at,
        row.last_error,
    )


def save_status(
    engine: Engine,
    source_id: int,
    *,
    breaker: BreakerState,
    ran_at: datetime,
    error: str | None,
) -> None:
    """Store the breaker and this run (a success when ``error`` is None)."""
    table = SourceState.__table__
    assert isinstance(table, Table)
    values: dict[str, Any] = {
        "source_id": source_id,
        "consecutive_failures": breaker.consecutive_failures,
        "breaker_opened_at": breaker.opened_at,
        "last_run_at": ran_at,
        "last_error": None if error is None else error[:2000],
    }
    if error is None:
        values["last_success_at"] = ran_at
    with engine.begin() as connection:
        _upsert(connection, table, values, keys=["source_id"])


def seen_digests(engine: Engine, source_id: int) -> set[str]:
    """SHA-256 digests of the files a folder source has already taken."""
    with engine.connect() as connection:
        return set(
            connection.scalars(
                select(SourceFile.file_sha256).where(SourceFile.source_id == source_id)
            )
        )


def record_file(
    engine: Engine,
    source_id: int,
    *,
    path: str,
    sha256: str,
    size_bytes: int,
    status: str,
    run_id: int | None,
) -> None:
    table = SourceFile.__table__
    assert isinstance(table, Table)
    with engine.begin() as connection:
        _upsert(
            connection,
            table,
            {
                "source_id": source_id,
                "path": path,
                "file_sha256": sha256,
                "size_bytes": size_bytes,
                "status": status,
                "run_id": run_id,
                "seen_at": datetime.now(UTC),
            },
            keys=["source_id", "file_sha256"],
        )
