"""Precios: price gaps against each competitor, the price index, history per product, stock-outs."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pulso.api.deps import SessionDep
from pulso.errors import NotFoundError
from pulso.store.queries import indicators
from pulso.store.queries import retail as retail_queries
from pulso.store.queries.retail import RetailFilters
from pulso.web.charts import Chart, Series, heatmap_chart, line_chart
from pulso.web.colors import retailer_color
from pulso.web.context import PageContext, PageDep
from pulso.web.i18n import N_
from pulso.web.loading import FilterOptions, cached_by_ingest, fetch_table
from pulso.web.rendering import respond
from pulso.web.tables import Column, Table, rows_from

router = APIRouter(include_in_schema=False)

ALL = "*"
#: Days of price history the chart shows when no date range is chosen.
HISTORY_DAYS = 120
_GAPS = (
    Column("product_name", "Product"),
    Column("category", "Category"),
    Column("retailer_name", "Competitor"),
    Column("their_shelf_pen", "Their price", "money"),
    Column("our_shelf_pen", "Our price", "money"),
    Column("gap_shelf_pen", "Gap S/", "money"),
    Column("gap_shelf_pct", "Gap %", "pct"),
    Column("gap_card_pct", "Gap with card %", "pct"),
    Column("gap_unit_pct", "Gap per unit %", "pct"),
    Column("their_in_stock", "In stock", "bool"),
    Column("key_item", "Key item", "bool"),
    Column("observed_on", "Seen on", "date"),
)
_ACTIVITY = (
    Column("listing_name", "Listing"),
    Column("retailer_name", "Retailer"),
    Column("category", "Category"),
    Column("stockout_rate", "Days out of stock", "share"),
    Column("stockout_runs", "Stock-outs", "int"),
    Column("price_changes", "Price changes", "int"),
    Column("promo_day_share", "Days on promotion", "share"),
    Column("latest_shelf_pen", "Latest price", "money"),
    Column("last_day", "Last seen", "date"),
)


def retail_filters(context: PageContext, options: FilterOptions) -> RetailFilters:
    """The URL's filters as the retail queries take them."""
    filters = context.filters
    return RetailFilters(
        category=filters.category,
        retailer_id=options.retailer_id(filters.competitor),
        date_from=filters.date_from,
        date_to=filters.date_to,
    )


def _gap_table(context: PageContext, session: Session, filters: RetailFilters) -> Table:
    keys = [c.key for c in _GAPS] + ["product_id"]
    fetched = fetch_table(
        context,
        "gaps",
        retail_queries.list_price_gaps,
        keys,
        native_sort=("gap_shelf_pct", False),
        session=session,
        filters=filters,
    )
    for row in fetched.rows:
        row["product_name__href"] = context.url(product=row["product_id"]) + "#history"
    note = N_(
        "Showing the 1,000 biggest undercuts; filter by category or competitor to see the rest (the export has them all)."
    )
    return Table(
        "gaps",
        N_("Price gaps (latest prices; positive: the competitor is dearer)"),
        _GAPS,
        fetched.rows,
        "gap_shelf_pct",
        note=note if fetched.truncated else None,
        **fetched.table_args(),
    )


def _index_heatmap(context: PageContext, session: Session, options: FilterOptions) -> Chart | None:
    values = indicators.latest_price_index(session.connection())
    filters = context.filters
    cells = {
        (value.retailer, value.category): value.value
        for value in values
        if value.category != ALL
        and (filters.category is None or value.category == filters.category)
        and (filters.competitor is None or value.retailer == filters.competitor)
    }
    if not cells:
        return None
    names = dict(options.competitors)
    retailers = sorted({slug for slug, _ in cells})
    categories = sorted({category for _, category in cells})
    z = [[cells.get((slug, category)) for slug in retailers] for category in categories]
    return heatmap_chart(
        "index_heatmap",
        context.gettext("Price index by category and competitor (latest week, ours = 100)"),
        x=[names.get(slug, slug) for slug in retailers],
        y=categories,
        z=z,
        colorscale="RdBu",
        reverse=True,
        zmid=100.0,
        value_kind="index",
        hover="%{y} · %{x}: %{z:.1f}<extra></extra>",
        description=context.gettext(
            "Below 100 (red) the competitor is cheaper than us; above 100 (blue), dearer."
        ),
    )


def _index_trend(context: PageContext, session: Session, filters: RetailFilters) -> Chart | None:
    scoped = RetailFilters(
        category=filters.category or ALL,
        retailer_id=filters.retailer_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    rows = cached_by_ingest(
        session,
        f"price_index:{scoped}",
        lambda: rows_from(
            retail_queries.list_price_index(session, scoped, page=1, page_size=5_000).items,
            ["retailer_name", "week", "index_shelf"],
        ),
    )
    by_retailer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_retailer[row["retailer_name"]].append(row)
    if not by_retailer:
        return None
    series = [
        Series(
            name,
            [item["week"] for item in rows],
            [item["index_shelf"] for item in rows],
            retailer_color(name),
        )
        for name, rows in sorted(by_retailer.items())
    ]
    title = context.gettext("Weekly price index (shelf prices, ours = 100)")
    return line_chart("index_trend", title, series, y_kind="index")


def _history(
    context: PageContext, session: Session, gaps: Table, filters: RetailFilters
) -> tuple[Chart | None, str | None]:
    wanted = context.params.get("product")
    product_id = int(wanted) if wanted and wanted.isdigit() else None
    if product_id is None and gaps.rows:
        product_id = gaps.rows[0]["product_id"]
    if product_id is None:
        return None, None
    try:
        product = retail_queries.get_product(session, product_id)
    except NotFoundError:
        return None, None
    date_from = filters.date_from
    if date_from is None and filters.date_to is None and gaps.rows:
        newest = max(row["observed_on"] for row in gaps.rows if row["observed_on"] is not None)
        date_from = newest - timedelta(days=HISTORY_DAYS)
    rows = retail_queries.product_history(
        session,
        product_id,
        retailer_id=filters.retailer_id,
        date_from=date_from,
        date_to=filters.date_to,
    )
    return _history_chart(context, rows, product.name), product.name


_HISTORY_KEYS = (
    "retailer_name",
    "observed_at",
    "regular_price_pen",
    "offer_price_pen",
    "card_price_pen",
)


def _history_chart(context: PageContext, rows: list[Any], product_name: str) -> Chart | None:
    by_retailer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows_from(rows, _HISTORY_KEYS):
        by_retailer[row["retailer_name"]].append(row)
    if not by_retailer:
        return None
    series: list[Series] = []
    levels = (
        ("regular_price_pen", context.gettext("regular"), None),
        ("offer_price_pen", context.gettext("offer"), "dash"),
        ("card_price_pen", context.gettext("card"), "dot"),
    )
    for name, items in sorted(by_retailer.items()):
        days = [context.fmt.iso_day(item["observed_at"]) for item in items]
        for key, label, dash in levels:
            values = [item[key] for item in items]
            if all(value is None for value in values):
                continue
            series.append(Series(f"{name} · {label}", days, values, retailer_color(name), dash))
    title = context.gettext("Price history: %(product)s", product=product_name)
    return line_chart("history", title, series, y_kind="money", height=380)


@router.get("/prices")
def prices_page(context: PageDep, session: SessionDep) -> Response:
    options = FilterOptions.load(session)
    filters = retail_filters(context, options)
    gaps = _gap_table(context, session, filters)
    activity = fetch_table(
        context,
        "activity",
        retail_queries.list_listing_activity,
        [c.key for c in _ACTIVITY],
        native_sort=("stockout_rate", True),
        session=session,
        filters=filters,
    )
    history, product_name = _history(context, session, gaps, filters)
    charts = [
        chart
        for chart in (
            _index_heatmap(context, session, options),
            _index_trend(context, session, filters),
            history,
        )
        if chart is not None
    ]
    tables = [
        gaps,
        Table(
            "activity",
            N_("Stock-outs and price changes per listing"),
            _ACTIVITY,
            activity.rows,
            "stockout_rate",
            True,
            **activity.table_args(),
        ),
    ]
    return respond(
        context,
        "pages/prices.html",
        tables=tables,
        charts=charts,
        options=options.as_dict(),
        product_name=product_name,
        page_title=N_("Prices"),
        page_intro=N_(
            "Every competitor's price for our products, side by side, with gaps in S/ and %."
        ),
        has_data=bool(gaps.rows) or bool(charts),
    )
