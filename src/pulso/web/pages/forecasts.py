"""Pronósticos: competitor price forecasts with intervals, next week's promotion odds and why."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pulso.api.deps import SessionDep
from pulso.store.queries import forecast as forecast_queries
from pulso.web.charts import Chart, Series, bar_chart, line_chart
from pulso.web.colors import NEUTRAL, retailer_color
from pulso.web.context import PageContext, PageDep
from pulso.web.i18n import N_
from pulso.web.loading import FilterOptions, fetch_rows, row_limit, tables_exist
from pulso.web.rendering import respond
from pulso.web.tables import Column, Table

router = APIRouter(include_in_schema=False)

_TABLES = ("insight_price_forecast", "insight_promo_prediction", "insight_promo_shap_importance")
_FORECASTS = (
    Column("listing_name", "Listing"),
    Column("retailer_name", "Retailer"),
    Column("category", "Category"),
    Column("target_week", "Week", "date"),
    Column("horizon_weeks", "Weeks ahead", "int"),
    Column("last_price_pen", "Last price", "money"),
    Column("forecast_pen", "Forecast", "money"),
    Column("lower_pen", "Low", "money"),
    Column("upper_pen", "High", "money"),
)
_PREDICTIONS = (
    Column("retailer_name", "Retailer"),
    Column("category", "Category"),
    Column("target_week", "Week", "date"),
    Column("probability", "Probability of a promotion", "share"),
    Column("expected_share", "Expected share of listings", "share"),
    Column("reason_text", "Main reasons", sortable=False),
)
_TOP_REASONS = 3
_TOP_FEATURES = 15


def _category_chart(
    context: PageContext, session: Session, names: dict[str, str], retailer_id: int | None
) -> Chart | None:
    filters = context.filters
    page = forecast_queries.list_price_forecasts(
        session,
        page=1,
        page_size=5_000,
        level="category",
        category=filters.category,
        retailer_id=retailer_id,
    )
    if not page.items:
        return None
    category = filters.category or sorted({row.category or "" for row in page.items})[0]
    by_retailer: dict[str, list[Any]] = defaultdict(list)
    for row in page.items:
        if (row.category or "") == category:
            by_retailer[row.retailer].append(row)
    series = []
    for slug, rows in sorted(by_retailer.items()):
        rows.sort(key=lambda r: r.target_week)
        first = rows[0]
        x = [first.origin_week, *(r.target_week for r in rows)]
        start = first.last_price_pen if first.last_price_pen is not None else first.forecast_pen
        series.append(
            Series(
                names.get(slug, slug),
                x,
                [start, *(r.forecast_pen for r in rows)],
                retailer_color(slug),
                mode="lines+markers",
                lower=[start, *(r.lower_pen for r in rows)],
                upper=[start, *(r.upper_pen for r in rows)],
            )
        )
    coverage = round(page.items[0].coverage * 100)
    return line_chart(
        "forecast",
        context.gettext("Price forecast for %(category)s (mean shelf price)", category=category),
        series,
        y_kind="money",
        description=context.gettext(
            "Shaded: the %(coverage)s %% prediction interval.", coverage=coverage
        ),
    )


def _reason_text(context: PageContext, reasons: list[dict[str, Any]]) -> str:
    parts = []
    for reason in reasons[:_TOP_REASONS]:
        shap = float(reason.get("shap", 0.0))
        arrow = "↑" if shap > 0 else "↓"
        parts.append(f"{reason.get('feature')} {arrow}")
    return ", ".join(parts) or context.gettext("none")


def _why_chart(context: PageContext, row: dict[str, Any]) -> Chart | None:
    reasons = row.get("reasons") or []
    if not reasons:
        return None
    features = [str(r.get("feature")) for r in reasons]
    values = [float(r.get("shap", 0.0)) for r in reasons]
    colors = ["#c8102e" if v > 0 else "#2e8b57" for v in values]
    chart = bar_chart(
        "why",
        context.gettext(
            "Why %(retailer)s may run a promotion in %(category)s",
            retailer=row["retailer_name"],
            category=row["category"] or "–",
        ),
        [Series(context.gettext("SHAP contribution (log-odds)"), features, values, NEUTRAL)],
        horizontal=True,
        height=max(220, 60 + 30 * len(features)),
        description=context.gettext(
            "Bars to the right push the probability up; to the left, down."
        ),
    )
    chart.figure["data"][0]["marker"]["color"] = colors
    return chart


def _importance_chart(context: PageContext, session: Session) -> Chart | None:
    page = forecast_queries.list_promo_importance(session, page=1, page_size=_TOP_FEATURES)
    if not page.items:
        return None
    rows = page.items
    return bar_chart(
        "importance",
        context.gettext("What drives promotions overall (mean |SHAP|)"),
        [
            Series(
                context.gettext("Mean |SHAP|"),
                [r.feature for r in rows],
                [r.mean_abs_shap for r in rows],
                NEUTRAL,
            )
        ],
        horizontal=True,
        height=max(240, 60 + 26 * len(rows)),
    )


def _tables(
    context: PageContext, session: Session, names: dict[str, str], retailer_id: int | None
) -> tuple[Table, Table, list[dict[str, Any]]]:
    filters = context.filters
    forecasts = fetch_rows(
        forecast_queries.list_price_forecasts,
        [c.key for c in _FORECASTS if c.key != "retailer_name"] + ["retailer"],
        limit=row_limit(context, "forecasts"),
        session=session,
        level="listing",
        category=filters.category,
        retailer_id=retailer_id,
    )
    predictions = fetch_rows(
        forecast_queries.list_promo_predictions,
        [c.key for c in _PREDICTIONS if c.key not in {"retailer_name", "reason_text"}]
        + ["retailer", "reasons"],
        limit=row_limit(context, "predictions"),
        session=session,
        level="category",
        category=filters.category,
        retailer_id=retailer_id,
    )
    for row in forecasts.rows + predictions.rows:
        row["retailer_name"] = names.get(row["retailer"], row["retailer"])
    for row in predictions.rows:
        row["reason_text"] = _reason_text(context, row["reasons"] or [])
    note = N_(
        "Showing the first 1,000 forecasts; filter by category or competitor, or export them all."
    )
    return (
        Table(
            "forecasts",
            N_("Price forecasts per listing"),
            _FORECASTS,
            forecasts.rows,
            "target_week",
            note=note if forecasts.truncated else None,
        ),
        Table(
            "predictions",
            N_("Promotions next week: probability per competitor and category"),
            _PREDICTIONS,
            predictions.rows,
            "probability",
            True,
        ),
        predictions.rows,
    )


@router.get("/forecasts")
def forecasts_page(context: PageDep, session: SessionDep) -> Response:
    options = FilterOptions.load(session)
    names = options.slug_names
    charts: list[Chart] = []
    tables: list[Table] = []
    if tables_exist(session, *_TABLES):
        retailer_id = options.retailer_id(context.filters.competitor)
        forecasts, predictions, prediction_rows = _tables(context, session, names, retailer_id)
        tables = [forecasts, predictions]
        ranked = sorted(prediction_rows, key=lambda r: -r["probability"])
        candidates = (
            _category_chart(context, session, names, retailer_id),
            _why_chart(context, ranked[0]) if ranked else None,
            _importance_chart(context, session),
        )
        charts = [chart for chart in candidates if chart is not None]
    return respond(
        context,
        "pages/forecasts.html",
        tables=tables,
        charts=charts,
        options=options.as_dict(),
        page_title=N_("Forecasts"),
        page_intro=N_(
            "Where competitor prices are heading, and who is likely to run a promotion next week, with the reasons."
        ),
        has_data=any(table.rows for table in tables),
    )
