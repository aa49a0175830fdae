"""Operations snapshots: ingest counts, data freshness, pipeline health and open alerts.

Every function takes a connection and runs a few aggregate queries, cheap enough to be run on
each Prometheus scrape (see :mod:`pulso.observability.metrics`). Sources are named by their
``data_source.name``; runs loaded without a source are counted under :data:`UNNAMED_SOURCE`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Connection, func, literal, select
from sqlalchemy.orm import InstrumentedAttribute

from pulso.store.tables import (
    Alert,
    DataSource,
    Feedback,
    IngestRun,
    OwnPrice,
    PriceObservation,
    Promotion,
    RestaurantOrder,
    SurveyResponse,
)
from pulso.store.tables_ops import PipelineRun

__all__ = [
    "UNNAMED_SOURCE",
    "AlertCount",
    "IngestTotals",
    "SourceStatus",
    "StepStatus",
    "ingest_totals",
    "open_alert_counts",
    "pipeline_step_status",
    "source_status",
]

#: The ``source`` of runs that were loaded without naming a data source.
UNNAMED_SOURCE = "unnamed"

#: The column that dates each import kind's facts (what "the last observation" means).
_EVENT_TIME: Mapping[str, InstrumentedAttribute[Any]] = {
    "prices": PriceObservation.observed_at,
    "orders": RestaurantOrder.ordered_at,
    "feedback": Feedback.created_at,
    "surveys": SurveyResponse.submitted_at,
    "sales": OwnPrice.day,
    "promotions": Promotion.starts_on,
}


@dataclass(frozen=True, slots=True)
class IngestTotals:
    """Runs and row counts of one source and import kind, for one run status."""

    source: str
    kind: str
    status: str
    runs: int
    accepted: int
    quarantined: int
    duplicates: int


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """The latest good run of one source and kind, and how fresh its data is.

    ``last_observation_at`` is the newest fact time (price observed, order placed...) of the
    latest run that accepted rows; kinds without a fact time (catalog, menu) use the time the
    run finished. ``last_run_rows`` and ``last_run_quarantined`` describe the latest run.
    """

    source: str
    kind: str
    last_success_at: datetime | None
    last_observation_at: datetime | None
    last_run_rows: int
    last_run_quarantined: int


@dataclass(frozen=True, slots=True)
class StepStatus:
    """A pipeline step's run counts and how its latest run (all partitions) went."""

    step: str
    runs_by_status: dict[str, int]
    last_started_at: datetime | None
    last_duration_seconds: float
    last_failed_partitions: int
    last_success_at: datetime | None


@dataclass(frozen=True, slots=True)
class AlertCount:
    """Open (unacknowledged) alerts of one severity and kind."""

    severity: str
    kind: str
    open: int


def _source_name() -> Any:
    return func.coalesce(DataSource.name, literal(UNNAMED_SOURCE)).label("source")


def ingest_totals(connection: Connection) -> list[IngestTotals]:
    """Run counts and accepted / quarantined / duplicate rows per source, kind and status."""
    statement = (
        select(
            _source_name(),
            IngestRun.kind,
            IngestRun.status,
            func.count(),
            func.coalesce(func.sum(IngestRun.accepted), 0),
            func.coalesce(func.sum(IngestRun.quarantined), 0),
            func.coalesce(func.sum(IngestRun.duplicates), 0),
        )
        .select_from(IngestRun)
        .outerjoin(DataSource, IngestRun.source_id == DataSource.id)
        .group_by(DataSource.name, IngestRun.kind, IngestRun.status)
    )
    return [
        IngestTotals(str(s), str(k), str(st), int(n), int(a), int(q), int(d))
        for s, k, st, n, a, q, d in connection.execute(statement)
    ]


def _latest_runs(connection: Connection, *, with_rows: bool) -> list[Any]:
    latest = select(func.max(IngestRun.id)).where(IngestRun.status == "succeeded")
    if with_rows:
        latest = latest.where(IngestRun.accepted > 0)
    latest_ids = latest.group_by(IngestRun.source_id, IngestRun.kind)
    statement = (
        select(
            IngestRun.id,
            _source_name(),
            IngestRun.kind,
            IngestRun.finished_at,
            IngestRun.rows_read,
            IngestRun.quarantined,
        )
        .outerjoin(DataSource, IngestRun.source_id == DataSource.id)
        .where(IngestRun.id.in_(latest_ids))
    )
    return list(connection.execute(statement))


def _as_utc(value: datetime | date | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), tzinfo=UTC)


def _newest_fact_times(
    connection: Connection, run_ids_by_kind: Mapping[str, list[int]]
) -> dict[int, datetime | None]:
    newest: dict[int, datetime | None] = {}
    for kind, run_ids in run_ids_by_kind.items():
        column = _EVENT_TIME.get(kind)
        if column is None or not run_ids:
            newest.update(dict.fromkeys(run_ids))
            continue
        run_id = column.class_.run_id
        statement = select(run_id, func.max(column)).where(run_id.in_(run_ids)).group_by(run_id)
        newest.update(dict.fromkeys(run_ids))
        newest.update({int(r): _as_utc(t) for r, t in connection.execute(statement)})
    return newest


def source_status(
    connection: Connection, *, known: MutableMapping[int, datetime | None] | None = None
) -> list[SourceStatus]:
    """Freshness of every source and kind that has at least one successful run.

    ``known`` maps run ids to their newest fact time; it is read, filled and pruned, so a
    caller that keeps it scans each run's rows once (a successful run's rows never change).
    """
    good = {(row.source, row.kind): row for row in _latest_runs(connection, with_rows=True)}
    fact_times = known if known is not None else {}
    for stale in set(fact_times) - {int(row.id) for row in good.values()}:
        del fact_times[stale]  # runs no longer the latest of their source
    by_kind: dict[str, list[int]] = defaultdict(list)
    for row in good.values():
        if int(row.id) not in fact_times:
            by_kind[row.kind].append(int(row.id))
    fact_times.update(_newest_fact_times(connection, by_kind))
    statuses = []
    for row in _latest_runs(connection, with_rows=False):
        with_rows = good.get((row.source, row.kind))
        observed = None
        if with_rows is not None:
            observed = fact_times.get(int(with_rows.id), None) or with_rows.finished_at
        statuses.append(
            SourceStatus(
                source=str(row.source),
                kind=str(row.kind),
                last_success_at=row.finished_at,
                last_observation_at=observed,
                last_run_rows=int(row.rows_read),
                last_run_quarantined=int(row.quarantined),
            )
        )
    return statuses


def _latest_step_runs(connection: Connection) -> dict[str, list[Any]]:
    newest = (
        select(PipelineRun.step, func.max(PipelineRun.started_at).label("started_at"))
        .group_by(PipelineRun.step)
        .subquery()
    )
    latest_keys = select(PipelineRun.step, PipelineRun.run_key).join(
        newest,
        (PipelineRun.step == newest.c.step) & (PipelineRun.started_at == newest.c.started_at),
    )
    keys = {(step, key) for step, key in connection.execute(latest_keys)}
    if not keys:
        return {}
    statement = select(
        PipelineRun.step,
        PipelineRun.run_key,
        PipelineRun.status,
        PipelineRun.started_at,
        PipelineRun.duration_seconds,
    ).where(PipelineRun.run_key.in_({key for _, key in keys}))
    rows: dict[str, list[Any]] = defaultdict(list)
    for row in connection.execute(statement):
        if (row.step, row.run_key) in keys:
            rows[row.step].append(row)
    return rows


def pipeline_step_status(connection: Connection) -> list[StepStatus]:
    """Per step: runs by status, and the duration and failed partitions of its latest run."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    totals = select(PipelineRun.step, PipelineRun.status, func.count()).group_by(
        PipelineRun.step, PipelineRun.status
    )
    for step, status, runs in connection.execute(totals):
        counts[str(step)][str(status)] = int(runs)
    successes = select(PipelineRun.step, func.max(PipelineRun.finished_at)).where(
        PipelineRun.status == "succeeded"
    )
    last_success = {
        str(step): finished
        for step, finished in connection.execute(successes.group_by(PipelineRun.step))
    }
    latest = _latest_step_runs(connection)
    statuses = []
    for step in sorted(counts):
        rows = latest.get(step, [])
        statuses.append(
            StepStatus(
                step=step,
                runs_by_status=counts[step],
                last_started_at=min((r.started_at for r in rows), default=None),
                last_duration_seconds=float(sum(r.duration_seconds or 0.0 for r in rows)),
                last_failed_partitions=sum(r.status == "failed" for r in rows),
                last_success_at=last_success.get(step),
            )
        )
    return statuses


def open_alert_counts(connection: Connection) -> list[AlertCount]:
    """Unacknowledged alerts per severity and kind."""
    statement = (
        select(Alert.severity, Alert.kind, func.count())
        .where(Alert.acknowledged_at.is_(None))
        .group_by(Alert.severity, Alert.kind)
    )
    return [AlertCount(str(s), str(k), int(n)) for s, k, n in connection.execute(statement)]
