"""Read queries over sources, ingest runs and quarantined rows (for the API and the CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from pulso.store.tables import DataSource, IngestRun, QuarantinedRow

__all__ = ["Page", "get_ingest_run", "list_ingest_runs", "list_quarantine", "list_sources"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of results and the total count that matched."""

    items: list[T]
    total: int
    page: int
    page_size: int


def _paged(session: Session, statement: Select[Any], *, page: int, page_size: int) -> Page[Any]:
    total = (
        session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    )
    rows = session.scalars(statement.limit(page_size).offset((page - 1) * page_size)).all()
    return Page(list(rows), int(total), page, page_size)


def list_sources(session: Session, *, page: int = 1, page_size: int = 50) -> Page[DataSource]:
    """Configured data sources, by name."""
    return _paged(
        session, select(DataSource).order_by(DataSource.name), page=page, page_size=page_size
    )


def list_ingest_runs(
    session: Session,
    *,
    page: int = 1,
    page_size: int = 50,
    kind: str | None = None,
    status: str | None = None,
    source_id: int | None = None,
) -> Page[IngestRun]:
    """Ingest runs, newest first, optionally filtered by kind, status or source."""
    statement = select(IngestRun).order_by(IngestRun.id.desc())
    if kind is not None:
        statement = statement.where(IngestRun.kind == kind)
    if status is not None:
        statement = statement.where(IngestRun.status == status)
    if source_id is not None:
        statement = statement.where(IngestRun.source_id == source_id)
    return _paged(session, statement, page=page, page_size=page_size)


def list_quarantine(
    session: Session,
    *,
    page: int = 1,
    page_size: int = 50,
    run_id: int | None = None,
    column: str | None = None,
) -> Page[QuarantinedRow]:
    """Quarantined rows in file order, optionally for one run or one column."""
    statement = select(QuarantinedRow).order_by(
        QuarantinedRow.run_id.desc(), QuarantinedRow.row_number
    )
    if run_id is not None:
        statement = statement.where(QuarantinedRow.run_id == run_id)
    if column is not None:
        statement = statement.where(QuarantinedRow.column == column)
    return _paged(session, statement, page=page, page_size=page_size)


def get_ingest_run(session: Session, run_id: int) -> IngestRun | None:
    """One ingest run, or None."""
    return session.get(IngestRun, run_id)
