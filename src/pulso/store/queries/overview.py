"""Read queries over the core tables for the dashboard's overview, data and model pages.

Everything here stays cheap on a large history: counts come from small tables or from the
ingest runs' own tallies, never from scanning ``price_observation``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, case, func, select
from sqlalchemy.orm import Session

from pulso.store.tables import (
    Alert,
    DataSource,
    Diner,
    Dish,
    IngestRun,
    Listing,
    ModelVersion,
    Product,
    QuarantinedRow,
    Restaurant,
    Retailer,
)
from pulso.store.tables_ops import PipelineRun
from pulso.store.types import UTCDateTime

__all__ = [
    "CoreCounts",
    "FreshnessRow",
    "LineageRow",
    "QuarantineReason",
    "core_counts",
    "data_freshness",
    "ingest_fingerprint",
    "lineage",
    "list_categories",
    "list_model_versions",
    "list_pipeline_runs",
    "list_restaurants",
    "list_retailers",
    "quarantine_reasons",
]


@dataclass(frozen=True, slots=True)
class CoreCounts:
    """How much data Pulso holds (rows loaded are the ingest runs' accepted counts)."""

    retailers: int
    competitors: int
    products: int
    listings: int
    restaurants: int
    dishes: int
    diners: int
    price_rows_loaded: int
    order_rows_loaded: int
    feedback_rows_loaded: int
    ingest_runs: int
    quarantined_rows: int
    open_alerts: int
    last_ingest_at: datetime | None


@dataclass(frozen=True, slots=True)
class FreshnessRow:
    """The newest load of one source (or of one kind, for files loaded without a source)."""

    source: str | None
    kind: str
    runs: int
    failed_runs: int
    rows_accepted: int
    rows_quarantined: int
    last_started_at: datetime
    last_succeeded_at: datetime | None


@dataclass(frozen=True, slots=True)
class LineageRow:
    """An ingest run with where its rows came from: source, file and file hash."""

    run_id: int
    source: str | None
    kind: str
    path: str
    file_sha256: str | None
    status: str
    started_at: datetime
    finished_at: datetime | None
    rows_read: int
    accepted: int
    quarantined: int
    duplicates: int


@dataclass(frozen=True, slots=True)
class QuarantineReason:
    """How many quarantined rows share one column and reason."""

    column: str | None
    reason: str
    rows: int
    runs: int
    last_run_id: int


def _count(session: Session, column: object) -> int:
    return int(session.scalar(select(func.count(column))) or 0)  # type: ignore[arg-type]


def _loaded(session: Session, kind: str) -> int:
    total = session.scalar(select(func.sum(IngestRun.accepted)).where(IngestRun.kind == kind))
    return int(total or 0)


def core_counts(session: Session) -> CoreCounts:
    """Counts for the overview page's KPI cards."""
    retailers = session.execute(
        select(func.count(Retailer.id), func.sum(case((Retailer.is_own, 0), else_=1)))
    ).one()
    return CoreCounts(
        retailers=int(retailers[0] or 0),
        competitors=int(retailers[1] or 0),
        products=_count(session, Product.id),
        listings=_count(session, Listing.id),
        restaurants=_count(session, Restaurant.id),
        dishes=_count(session, Dish.id),
        diners=_count(session, Diner.id),
        price_rows_loaded=_loaded(session, "prices"),
        order_rows_loaded=_loaded(session, "orders"),
        feedback_rows_loaded=_loaded(session, "feedback"),
        ingest_runs=_count(session, IngestRun.id),
        quarantined_rows=int(session.scalar(select(func.sum(IngestRun.quarantined))) or 0),
        open_alerts=int(
            session.scalar(select(func.count(Alert.id)).where(Alert.acknowledged_at.is_(None)))
            or 0
        ),
        last_ingest_at=session.scalar(
            select(func.max(IngestRun.finished_at)).where(IngestRun.status == "succeeded")
        ),
    )


def data_freshness(session: Session) -> list[FreshnessRow]:
    """Per source (and kind), how many runs, how many rows and when it last loaded."""
    succeeded = IngestRun.status == "succeeded"
    statement = (
        select(
            DataSource.name,
            IngestRun.kind,
            func.count(IngestRun.id),
            func.sum(case((IngestRun.status == "failed", 1), else_=0).cast(Integer)),
            func.sum(IngestRun.accepted),
            func.sum(IngestRun.quarantined),
            func.max(IngestRun.started_at),
            func.max(case((succeeded, IngestRun.finished_at), else_=None)),
        )
        .outerjoin(DataSource, DataSource.id == IngestRun.source_id)
        .group_by(DataSource.name, IngestRun.kind)
        .order_by(DataSource.name, IngestRun.kind)
    )
    return [
        FreshnessRow(
            source=row[0],
            kind=row[1],
            runs=int(row[2]),
            failed_runs=int(row[3] or 0),
            rows_accepted=int(row[4] or 0),
            rows_quarantined=int(row[5] or 0),
            last_started_at=_as_utc(row[6]),
            last_succeeded_at=_as_utc(row[7]) if row[7] is not None else None,
        )
        for row in session.execute(statement)
    ]


def _as_utc(value: datetime | str) -> datetime:
    """Aggregates may come back raw on SQLite: parse and attach UTC when they do."""
    parsed = UTCDateTime().process_result_value(value, None)  # type: ignore[arg-type]
    assert parsed is not None
    return parsed


def ingest_fingerprint(session: Session) -> tuple[int, int, str, int]:
    """Changes whenever an ingest run or a pipeline step starts or ends."""
    runs, newest, finished = session.execute(
        select(func.count(IngestRun.id), func.max(IngestRun.id), func.max(IngestRun.finished_at))
    ).one()
    steps = session.scalar(
        select(func.count(PipelineRun.id) + func.coalesce(func.max(PipelineRun.id), 0))
    )
    return int(runs or 0), int(newest or 0), str(finished), int(steps or 0)


def lineage(session: Session, *, limit: int = 500) -> list[LineageRow]:
    """The newest ingest runs with their source, file and hash."""
    statement = (
        select(IngestRun, DataSource.name)
        .outerjoin(DataSource, DataSource.id == IngestRun.source_id)
        .order_by(IngestRun.id.desc())
        .limit(limit)
    )
    return [
        LineageRow(
            run_id=run.id,
            source=source,
            kind=run.kind,
            path=run.path,
            file_sha256=run.file_sha256,
            status=run.status,
            started_at=run.started_at,
            finished_at=run.finished_at,
            rows_read=run.rows_read,
            accepted=run.accepted,
            quarantined=run.quarantined,
            duplicates=run.duplicates,
        )
        for run, source in session.execute(statement)
    ]


def quarantine_reasons(session: Session, *, limit: int = 200) -> list[QuarantineReason]:
    """Why rows were quarantined, the most frequent reasons first."""
    statement = (
        select(
            QuarantinedRow.column,
            QuarantinedRow.reason,
            func.count(QuarantinedRow.id),
            func.count(func.distinct(QuarantinedRow.run_id)),
            func.max(QuarantinedRow.run_id),
        )
        .group_by(QuarantinedRow.column, QuarantinedRow.reason)
        .order_by(func.count(QuarantinedRow.id).desc(), QuarantinedRow.reason)
        .limit(limit)
    )
    return [
        QuarantineReason(row[0], row[1], int(row[2]), int(row[3]), int(row[4]))
        for row in session.execute(statement)
    ]


def list_model_versions(session: Session) -> list[ModelVersion]:
    """Every trained model version, newest first within each model."""
    return list(
        session.scalars(
            select(ModelVersion).order_by(ModelVersion.name, ModelVersion.version.desc())
        )
    )


def list_pipeline_runs(session: Session, *, limit: int = 200) -> list[PipelineRun]:
    """The newest pipeline step runs (what turned raw rows into insight tables, and when)."""
    return list(session.scalars(select(PipelineRun).order_by(PipelineRun.id.desc()).limit(limit)))


def list_retailers(session: Session) -> list[Retailer]:
    """Every retailer, ours first, then by name."""
    return list(session.scalars(select(Retailer).order_by(Retailer.is_own.desc(), Retailer.name)))


def list_categories(session: Session) -> list[str]:
    """The categories of our catalog, sorted."""
    return [
        str(value)
        for value in session.scalars(
            select(Product.category).distinct().order_by(Product.category)
        )
    ]


def list_restaurants(session: Session) -> list[Restaurant]:
    """Every restaurant, by name."""
    return list(session.scalars(select(Restaurant).order_by(Restaurant.name)))
