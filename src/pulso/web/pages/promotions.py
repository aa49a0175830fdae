"""Promociones: weekly calendar, depth and duration per competitor, parsed promotion texts."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pulso.api.deps import SessionDep
from pulso.store.queries import retail as retail_queries
from pulso.store.queries.retail import RetailFilters
from pulso.web.charts import Chart, Series, bar_chart, heatmap_chart
from pulso.web.colors import retailer_color
from pulso.web.context import PageContext, PageDep
from pulso.web.i18n import N_
from pulso.web.loading import FilterOptions, cached_by_ingest, fetch_rows, fetch_table, row_limit
from pulso.web.pages.prices import ALL, retail_filters
from pulso.web.rendering import respond
from pulso.web.tables import Column, Table, rows_from

router = APIRouter(include_in_schema=False)

#: Parsed promotion types (``pulso promo parse``), as shown to people.
PROMO_TYPES = {
    "percent_off": N_("% off"),
    "amount_off": N_("S/ off"),
    "multibuy": N_("Multibuy (e.g. 3x2)"),
    "nth_unit_discount": N_("Discount on the nth unit"),
    "card_price": N_("Card price"),
    "bundle": N_("Bundle"),
    "unknown": N_("Not understood"),
}
_STATS = (
    Column("retailer_name", "Retailer"),
    Column("category", "Category"),
    Column("promotions", "Promotions", "int"),
    Column("promos_per_listing_month", "Per listing and month", "number"),
    Column("promo_day_share", "Days on promotion", "share"),
    Column("mean_depth", "Mean depth", "share"),
    Column("median_depth", "Median depth", "share"),
    Column("max_depth", "Deepest", "share"),
    Column("mean_duration_days", "Mean days", "number"),
    Column("median_duration_days", "Median days", "number"),
)
_PROMOS = (
    Column("retailer_name", "Retailer"),
    Column("listing_name", "Listing"),
    Column("category", "Category"),
    Column("raw_text", "Promotion text"),
    Column("type_label", "Type"),
    Column("effective_discount", "Effective discount", "share"),
    Column("starts_on", "From", "date"),
    Column("ends_on", "To", "date"),
)


def _calendar_chart(
    context: PageContext, session: Session, filters: RetailFilters
) -> Chart | None:
    scoped = RetailFilters(
        category=filters.category or ALL,
        retailer_id=filters.retailer_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    page = retail_queries.list_promo_calendar(session, scoped, page=1, page_size=10_000)
    cells: dict[tuple[str, Any], float] = {
        (row["retailer_name"], row["week"]): row["listing_share"]
        for row in rows_from(page.items, ["retailer_name", "week", "listing_share"])
    }
    if not cells:
        return None
    retailers = sorted({name for name, _ in cells})
    weeks = sorted({week for _, week in cells})
    z = [[cells.get((name, week)) for week in weeks] for name in retailers]
    return heatmap_chart(
        "calendar",
        context.gettext("Promotion calendar: share of listings on promotion per week"),
        x=[context.fmt.date(week) for week in weeks],
        y=retailers,
        z=z,
        colorscale="YlOrRd",
        reverse=True,
        value_kind="share",
        hover="%{y} · %{x}: %{z:.0%}<extra></extra>",
    )


def _depth_chart(context: PageContext, rows: list[dict[str, Any]]) -> Chart | None:
    everyone = [row for row in rows if row["category"] == ALL] or rows
    if not everyone:
        return None
    by_retailer: dict[str, list[float]] = defaultdict(list)
    for row in everyone:
        if row["mean_depth"] is not None:
            by_retailer[row["retailer_name"]].append(row["mean_depth"])
    series = [
        Series(name, [name], [sum(values) / len(values)], retailer_color(name))
        for name, values in sorted(by_retailer.items())
    ]
    return bar_chart(
        "depth",
        context.gettext("Mean promotion depth per retailer"),
        series,
        value_kind="share",
        barmode="group",
        height=300,
    )


def _stats_rows(
    context: PageContext, session: Session, filters: RetailFilters
) -> list[dict[str, Any]]:
    fetched = fetch_rows(
        retail_queries.list_promo_stats,
        [c.key for c in _STATS],
        limit=row_limit(context, "stats"),
        session=session,
        filters=filters,
    )
    return fetched.rows


@router.get("/promotions")
def promotions_page(context: PageDep, session: SessionDep) -> Response:
    options = FilterOptions.load(session)
    filters = retail_filters(context, options)
    stats = _stats_rows(context, session, filters)

    def list_promotions(**kwargs: Any) -> Any:
        name = f"promotions:{filters}:{kwargs['page']}:{kwargs['page_size']}"
        return cached_by_ingest(
            session, name, lambda: retail_queries.list_promotions(session, filters, **kwargs)
        )

    promos = fetch_table(
        context,
        "promotions",
        list_promotions,
        [c.key for c in _PROMOS if c.key != "type_label"] + ["promo_type"],
        native_sort=("starts_on", True),
    )
    for row in promos.rows:
        row["type_label"] = context.gettext(
            PROMO_TYPES.get(row["promo_type"] or "unknown", "unknown")
        )
    charts = [
        chart
        for chart in (_calendar_chart(context, session, filters), _depth_chart(context, stats))
        if chart is not None
    ]
    for row in stats:
        if row["category"] == ALL:
            row["category"] = context.gettext("All categories")
    note = N_("Showing the newest 1,000 promotions; the export has them all.")
    tables = [
        Table(
            "stats",
            N_("Depth, duration and frequency per retailer"),
            _STATS,
            stats,
            "promo_day_share",
            True,
        ),
        Table(
            "promotions",
            N_("Promotion texts and how they were parsed"),
            _PROMOS,
            promos.rows,
            "starts_on",
            True,
            note=note if promos.truncated else None,
            **promos.table_args(),
        ),
    ]
    return respond(
        context,
        "pages/promotions.html",
        tables=tables,
        charts=charts,
        options=options.as_dict(),
        page_title=N_("Promotions"),
        page_intro=N_("Who runs which promotions, how deep and for how long."),
        has_data=bool(stats) or bool(promos.rows),
    )
