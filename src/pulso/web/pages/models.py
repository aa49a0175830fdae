"""Modelos: every trained model version with its stage, metrics and data version."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pulso.api.deps import SessionDep
from pulso.store.queries import forecast as forecast_queries
from pulso.store.queries import models as model_queries
from pulso.web.context import PageContext, PageDep
from pulso.web.i18n import N_
from pulso.web.loading import fetch_rows, row_limit, tables_exist
from pulso.web.rendering import respond
from pulso.web.tables import Column, Table, rows_from

router = APIRouter(include_in_schema=False)

_VERSIONS = (
    Column("name", "Model"),
    Column("version", "Version", "int"),
    Column("stage", "Stage"),
    Column("created_at", "Trained", "datetime"),
    Column("data_version", "Data version"),
    Column("metrics", "Metrics", "json", sortable=False),
    Column("params", "Parameters", "json", sortable=False),
)
_METRICS = (
    Column("model_name", "Model"),
    Column("model_version", "Version", "int"),
    Column("metric", "Metric"),
    Column("method", "Method"),
    Column("segment", "Segment"),
    Column("horizon", "Horizon (weeks)", "int"),
    Column("value", "Value", "number"),
    Column("n_obs", "Observations", "int"),
)
_STAGES = {
    "production": N_("production"),
    "archived": N_("archived"),
    "candidate": N_("candidate"),
}
_MAX_METRICS_SHOWN = 12


def _short_metrics(metrics: dict[str, Any]) -> dict[str, Any]:
    """The scalar metrics, the first few only (the export has them all)."""
    scalars = {
        k: round(v, 4) if isinstance(v, float) else v
        for k, v in metrics.items()
        if isinstance(v, int | float | str)
    }
    return dict(list(scalars.items())[:_MAX_METRICS_SHOWN])


def _version_rows(
    context: PageContext, session: Session, *, exporting: bool
) -> list[dict[str, Any]]:
    rows = rows_from(
        model_queries.list_model_versions(session.connection()), [c.key for c in _VERSIONS]
    )
    for row in rows:
        row["stage"] = context.gettext(_STAGES.get(row["stage"], row["stage"]))
        if not exporting:
            row["metrics"] = _short_metrics(row["metrics"] or {})
    return rows


@router.get("/models")
def models_page(context: PageDep, session: SessionDep) -> Response:
    exporting = context.params.get("table") == "versions" and "export" in context.params
    versions = _version_rows(context, session, exporting=exporting)
    metrics: list[dict[str, Any]] = []
    if tables_exist(session, "insight_model_metric"):
        metrics = fetch_rows(
            forecast_queries.list_model_metrics,
            [c.key for c in _METRICS],
            limit=row_limit(context, "metrics"),
            session=session,
        ).rows
    tables = [
        Table("versions", N_("Model versions"), _VERSIONS, versions, "created_at", True),
        Table(
            "metrics",
            N_("Evaluation of the forecasting models against their baselines"),
            _METRICS,
            metrics,
            "model_name",
        ),
    ]
    return respond(
        context,
        "pages/models.html",
        tables=tables,
        page_title=N_("Models"),
        page_intro=N_(
            "Every trained model: its version, stage, the data it learnt from and how well it does."
        ),
        has_data=bool(versions),
    )
