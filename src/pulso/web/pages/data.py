"""Datos: sources, data freshness, ingest runs with their lineage, quarantine with reasons."""

from __future__ import annotations

from pathlib import PurePath

from fastapi import APIRouter
from fastapi.responses import Response

from pulso.api.deps import SessionDep
from pulso.store.queries import ingest as ingest_queries
from pulso.store.queries import ops, overview
from pulso.web.charts import Chart, Series, bar_chart
from pulso.web.colors import NEUTRAL
from pulso.web.context import PageContext, PageDep
from pulso.web.loading import cached_by_ingest, fetch_rows, fetch_table, row_limit
from pulso.web.rendering import respond
from pulso.web.tables import Column, Table, rows_from

router = APIRouter(include_in_schema=False)

_SOURCES = (
    Column("name", "Source"),
    Column("kind", "Kind"),
    Column("schedule", "Schedule"),
    Column("enabled", "Enabled", "bool"),
    Column("created_at", "Created", "datetime"),
)
_FRESHNESS = (
    Column("source", "Source"),
    Column("kind", "Kind"),
    Column("last_observation_at", "Newest data", "datetime"),
    Column("last_success_at", "Last successful load", "datetime"),
    Column("last_run_rows", "Rows in last load", "int"),
    Column("last_run_quarantined", "Quarantined in last load", "int"),
)
_RUNS = (
    Column("run_id", "Run", "int"),
    Column("source", "Source"),
    Column("kind", "Kind"),
    Column("file", "File"),
    Column("file_sha256", "SHA-256"),
    Column("status", "Status"),
    Column("started_at", "Started", "datetime"),
    Column("finished_at", "Finished", "datetime"),
    Column("rows_read", "Rows read", "int"),
    Column("accepted", "Accepted", "int"),
    Column("quarantined", "Quarantined", "int"),
    Column("duplicates", "Duplicates", "int"),
)
_REASONS = (
    Column("column", "Column"),
    Column("reason", "Reason"),
    Column("rows", "Rows", "int"),
    Column("runs", "Runs", "int"),
    Column("last_run_id", "Last run", "int"),
)
_QUARANTINE = (
    Column("run_id", "Run", "int"),
    Column("row_number", "Row", "int"),
    Column("column", "Column"),
    Column("reason", "Reason"),
    Column("raw", "Row as read", "json", sortable=False),
)
_STEPS = (
    Column("step", "Step"),
    Column("runs_by_status", "Runs by status", "json", sortable=False),
    Column("last_started_at", "Last run", "datetime"),
    Column("last_duration_seconds", "Duration (s)", "number"),
    Column("last_failed_partitions", "Failed partitions", "int"),
    Column("last_success_at", "Last success", "datetime"),
)


def _runs_table(context: PageContext, session: SessionDep) -> Table:
    rows = rows_from(
        overview.lineage(session, limit=row_limit(context, "runs")),
        [c.key for c in _RUNS if c.key != "file"] + ["path"],
    )
    link = context.url(run="RUN", quarantine_page=None) + "#quarantine"
    for row in rows:
        row["file"] = PurePath(str(row.pop("path"))).name
        row["file_sha256"] = (row["file_sha256"] or "")[:12] or None
        row["run_id__href"] = link.replace("run=RUN", f"run={row['run_id']}")
    return Table("runs", "Ingest runs and lineage", _RUNS, rows, "run_id", True, 15)


def _quarantine_table(context: PageContext, session: SessionDep) -> Table:
    run = context.params.get("run")
    run_id = int(run) if run and run.isdigit() else None
    fetched = fetch_table(
        context,
        "quarantine",
        ingest_queries.list_quarantine,
        [c.key for c in _QUARANTINE],
        native_sort=("run_id", True),
        page_size=15,
        session=session,
        run_id=run_id,
    )
    title = "Quarantined rows" if run_id is None else "Quarantined rows of the chosen run"
    note = (
        "Only the first 1,000 rows are shown; the export has them all."
        if fetched.truncated
        else None
    )
    return Table(
        "quarantine",
        title,
        _QUARANTINE,
        fetched.rows,
        "run_id",
        True,
        15,
        note=note,
        **fetched.table_args(),
    )


def _totals_chart(context: PageContext, session: SessionDep) -> Chart | None:
    totals: dict[str, list[int]] = {}
    for item in ops.ingest_totals(session.connection()):
        pair = totals.setdefault(item.source, [0, 0])
        pair[0] += item.accepted
        pair[1] += item.quarantined
    if not totals:
        return None
    names = sorted(totals)
    accepted = Series(context.gettext("Accepted"), names, [totals[n][0] for n in names], NEUTRAL)
    rejected = Series(
        context.gettext("Quarantined"), names, [totals[n][1] for n in names], "#d55e00"
    )
    return bar_chart(
        "ingest_totals",
        context.gettext("Rows loaded per source"),
        [accepted, rejected],
        horizontal=True,
        barmode="stack",
        height=max(240, 60 + 28 * len(names)),
    )


@router.get("/data")
def data_page(context: PageDep, session: SessionDep) -> Response:
    connection = session.connection()
    sources = fetch_rows(
        ingest_queries.list_sources,
        [c.key for c in _SOURCES],
        limit=row_limit(context, "sources"),
        session=session,
    )
    statuses = cached_by_ingest(session, "source_status", lambda: ops.source_status(connection))
    freshness = rows_from(statuses, [c.key for c in _FRESHNESS])
    steps = rows_from(ops.pipeline_step_status(connection), [c.key for c in _STEPS])
    found = cached_by_ingest(session, "reasons", lambda: overview.quarantine_reasons(session))
    reasons = rows_from(found, [c.key for c in _REASONS])
    link = context.url(run="RUN") + "#quarantine"
    for row in reasons:
        row["last_run_id__href"] = link.replace("run=RUN", f"run={row['last_run_id']}")
    tables = [
        Table("freshness", "Data freshness", _FRESHNESS, freshness, "source"),
        Table("sources", "Sources", _SOURCES, sources.rows, "name"),
        _runs_table(context, session),
        Table("reasons", "Why rows were quarantined", _REASONS, reasons, "rows", True, 10),
        _quarantine_table(context, session),
        Table("steps", "Pipeline steps (insight tables)", _STEPS, steps, "step"),
    ]
    chart = _totals_chart(context, session)
    return respond(
        context,
        "pages/data.html",
        tables=tables,
        charts=[chart] if chart else [],
        page_title="Data",
        page_intro="Where the data comes from, how fresh it is and what was rejected, and why.",
        has_data=bool(freshness) or sources.total > 0,
    )
