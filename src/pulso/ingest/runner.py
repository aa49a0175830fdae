"""Import one file: read, validate, load and quarantine in a single transaction.

The ``ingest_run`` row is written first, in its own transaction, so every attempt leaves a
trace; the data of the file (facts, new dimensions, quarantined rows and the run's final
counts) is then written in ONE transaction, so a crash or a kill leaves no half file behind and
the run stays ``running`` (an interrupted attempt) until a later run succeeds.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, insert, select, update

from pulso.ingest.loaders import LOADERS, LoadContext
from pulso.ingest.readers import RawTable, read_table
from pulso.ingest.specs import get_spec
from pulso.ingest.validation import check_columns, validate_frame
from pulso.ingest.values import slugify
from pulso.store.tables import DataSource, IngestRun, QuarantinedRow

__all__ = ["IngestOptions", "IngestResult", "file_sha256", "ingest_file", "ingest_frame"]

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """Settings an import needs, passed down from the entry point."""

    pseudonym_key: bytes
    own_retailer: str = "Plaza Vea"
    timezone: str = "America/Lima"
    max_future_days: int = 1
    batch_rows: int = 200_000


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one import did; ``to_dict`` is the ``pulso ingest --json`` document."""

    run_id: int
    kind: str
    path: str
    rows_read: int
    accepted: int
    quarantined: int
    duplicates: int
    status: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "quarantined": self.quarantined,
            "duplicates": self.duplicates,
            "run_id": self.run_id,
            "kind": self.kind,
            "rows_read": self.rows_read,
            "status": self.status,
        }


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _source_id(engine: Engine, source: str | None, *, kind: str, now: datetime) -> int | None:
    if source is None:
        return None
    with engine.begin() as connection:
        found = connection.execute(select(DataSource.id).where(DataSource.name == source)).scalar()
        if found is not None:
            return int(found)
        result = connection.execute(
            insert(DataSource).values(
                name=source, kind="file", config={"import_kind": kind}, created_at=now
            )
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]


def _start_run(
    engine: Engine,
    *,
    kind: str,
    label: str,
    sha: str | None,
    source_id: int | None,
    now: datetime,
) -> int:
    with engine.begin() as connection:
        result = connection.execute(
            insert(IngestRun).values(
                kind=kind,
                path=label,
                file_sha256=sha,
                source_id=source_id,
                status="running",
                started_at=now,
            )
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]


def _fail_run(engine: Engine, run_id: int, error: BaseException) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(IngestRun)
            .where(IngestRun.id == run_id)
            .values(status="failed", error=str(error)[:2000], finished_at=datetime.now(UTC))
        )


def _validate(
    table: RawTable,
    kind: str,
    *,
    file: str,
    options: IngestOptions,
    now: datetime,
    progress: ProgressCallback | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    spec = get_spec(kind)
    raw = table.frame
    check_columns(raw, spec, file=file)
    valid_parts: list[pd.DataFrame] = []
    rejected_parts = [_malformed_rejections(table)]
    for start in range(0, max(len(raw), 1), options.batch_rows):
        result = validate_frame(
            raw.iloc[start : start + options.batch_rows],
            spec,
            file=file,
            now=now,
            row_numbers=table.row_numbers[start : start + options.batch_rows],
            timezone=options.timezone,
            max_future_days=options.max_future_days,
        )
        valid_parts.append(result.valid)
        rejected_parts.append(result.rejected)
        if progress:
            progress("validate", min(start + options.batch_rows, len(raw)), len(raw))
    non_empty = [part for part in rejected_parts if len(part)]
    rejected = pd.concat(non_empty, ignore_index=True) if non_empty else rejected_parts[0]
    # Chunks restart their index at 0: renumber so row labels stay unique across chunks.
    return pd.concat(valid_parts, ignore_index=True), rejected


def _malformed_rejections(table: RawTable) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row_number": [row.row_number for row in table.malformed],
            "column": [None] * len(table.malformed),
            "reason": [row.reason for row in table.malformed],
            "reasons": [[{"column": None, "reason": row.reason}] for row in table.malformed],
            "raw": [{"_text": row.text} for row in table.malformed],
        }
    )


def ingest_file(
    engine: Engine,
    kind: str,
    path: Path,
    *,
    options: IngestOptions,
    source: str | None = None,
    progress: ProgressCallback | None = None,
) -> IngestResult:
    """Import ``path`` as ``kind``; see the module docstring for the transaction rules.

    Raises :class:`InputError` when the file cannot be read or lacks required columns (the run
    is recorded as failed); bad rows do not raise, they are quarantined.
    """
    get_spec(kind)  # unknown kinds fail before anything is written
    sha = file_sha256(path) if path.is_file() else None
    return _ingest(
        engine,
        kind,
        lambda: read_table(path),
        label=str(path),
        sha=sha,
        options=options,
        source=source,
        progress=progress,
    )


def ingest_frame(
    engine: Engine,
    kind: str,
    frame: RawTable | pd.DataFrame | Callable[[], RawTable],
    *,
    options: IngestOptions,
    source: str | None = None,
    label: str = "frame",
    sha256: str | None = None,
    progress: ProgressCallback | None = None,
) -> IngestResult:
    """Import an in-memory table as ``kind``, exactly as :func:`ingest_file` imports a file.

    ``frame`` holds text cells under the import format's column names (a ``DataFrame``, or a
    :class:`RawTable` that also carries row numbers and malformed records), or is a callable
    that produces the table: connectors pass their crawl, so that a failure while fetching is
    recorded on the same ``ingest_run`` (status ``failed``, with the error) before it is
    re-raised. ``label`` is stored as the run's ``path`` (a URL, a file name...) and ``sha256``
    as its ``file_sha256`` (the digest of the file the table was converted from, if any).
    """
    get_spec(kind)

    def produce() -> RawTable:
        table = frame() if callable(frame) else frame
        if isinstance(table, RawTable):
            return table
        return RawTable(table, np.arange(1, len(table) + 1, dtype=np.int64))

    return _ingest(
        engine,
        kind,
        produce,
        label=label,
        sha=sha256,
        options=options,
        source=source,
        progress=progress,
    )


def _ingest(
    engine: Engine,
    kind: str,
    read: Callable[[], RawTable],
    *,
    label: str,
    sha: str | None,
    options: IngestOptions,
    source: str | None,
    progress: ProgressCallback | None,
) -> IngestResult:
    loader = LOADERS[kind]
    now = datetime.now(UTC)
    source_id = _source_id(engine, source, kind=kind, now=now)
    run_id = _start_run(engine, kind=kind, label=label, sha=sha, source_id=source_id, now=now)
    try:
        table = read()
        rows_read = len(table.frame) + len(table.malformed)
        valid, rejected = _validate(
            table, kind, file=label, options=options, now=now, progress=progress
        )
        context = LoadContext(run_id, options.pseudonym_key, slugify(options.own_retailer), now)
        with engine.begin() as connection:
            outcome = loader(connection, valid, context) if len(valid) else None
            if outcome is not None and len(outcome.rejected):
                rejected = pd.concat([rejected, outcome.rejected], ignore_index=True)
            if len(rejected):
                connection.execute(insert(QuarantinedRow), _quarantine_records(rejected, run_id))
            accepted = outcome.accepted if outcome else 0
            duplicates = outcome.duplicates if outcome else 0
            connection.execute(
                update(IngestRun)
                .where(IngestRun.id == run_id)
                .values(
                    status="succeeded",
                    finished_at=datetime.now(UTC),
                    rows_read=rows_read,
                    accepted=accepted,
                    quarantined=len(rejected),
                    duplicates=duplicates,
                )
            )
    except BaseException as exc:
        _fail_run(engine, run_id, exc)
        raise
    if progress:
        progress("load", rows_read, rows_read)
    logger.info(
        "ingest run %d (%s %s): %d accepted, %d quarantined, %d duplicates",
        run_id,
        kind,
        label,
        accepted,
        len(rejected),
        duplicates,
    )
    return IngestResult(
        run_id, kind, label, rows_read, accepted, len(rejected), duplicates, "succeeded"
    )


def _quarantine_records(rejected: pd.DataFrame, run_id: int) -> list[dict[str, Any]]:
    reasons = rejected["reasons"] if "reasons" in rejected else pd.Series([None] * len(rejected))
    return [
        {
            "run_id": run_id,
            "row_number": int(row_number),
            "column": column,
            "reason": reason,
            "reasons": listed
            if isinstance(listed, list)
            else [{"column": column, "reason": reason}],
            "raw": raw,
        }
        for row_number, column, reason, listed, raw in zip(
            rejected["row_number"],
            rejected["column"],
            rejected["reason"],
            reasons,
            rejected["raw"],
            strict=True,
        )
    ]
