"""Resumen: how much data there is, the latest price index and promotions, newest alerts."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pulso.api.deps import SessionDep
from pulso.store.queries import indicators, ops, overview
from pulso.store.queries import retail as retail_queries
from pulso.store.queries.retail import RetailFilters
from pulso.web.charts import Chart, Series, bar_chart
from pulso.web.colors import retailer_color
from pulso.web.context import PageContext, PageDep
from pulso.web.i18n import N_
from pulso.web.loading import FilterOptions, tables_exist
from pulso.web.pages.alerts import alert_rows
from pulso.web.pages.prices import ALL
from pulso.web.rendering import respond
from pulso.web.tables import Column, Table

router = APIRouter(include_in_schema=False)

_NEWEST_ALERTS = 6
_ALERTS = (
    Column("created_at", "Raised", "datetime"),
    Column("severity_label", "Severity"),
    Column("title", "Alert"),
)
_SENTIMENT = (
    Column("restaurant", "Restaurant"),
    Column("aspect", "Aspect"),
    Column("value", "Net sentiment", "number"),
)


def _index_chart(context: PageContext, session: Session, names: dict[str, str]) -> Chart | None:
    values = [v for v in indicators.latest_price_index(session.connection()) if v.category == ALL]
    if not values:
        return None
    series = [
        Series(
            names.get(v.retailer, v.retailer),
            [names.get(v.retailer, v.retailer)],
            [v.value],
            retailer_color(v.retailer),
        )
        for v in sorted(values, key=lambda v: v.value)
    ]
    chart = bar_chart(
        "index_now",
        context.gettext("Price index this week (all categories, ours = 100)"),
        series,
        value_kind="index",
        height=300,
        description=context.gettext("Below 100 the competitor is cheaper than us."),
    )
    chart.figure["layout"]["showlegend"] = False
    low, high = min(v.value for v in values), max(v.value for v in values)
    chart.figure["layout"]["yaxis"]["range"] = [min(low, 100.0) - 8, max(high, 100.0) + 5]
    chart.figure["layout"]["shapes"] = [
        {
            "type": "line",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "y0": 100,
            "y1": 100,
            "line": {"color": "#1f2933", "dash": "dot"},
        }
    ]
    return chart


def _promotions_chart(
    context: PageContext, session: Session, names: dict[str, str]
) -> Chart | None:
    values = indicators.latest_active_promotions(session.connection())
    if not values:
        return None
    series = [
        Series(
            names.get(v.retailer, v.retailer),
            [names.get(v.retailer, v.retailer)],
            [v.value],
            retailer_color(v.retailer),
        )
        for v in sorted(values, key=lambda v: -v.value)
    ]
    chart = bar_chart(
        "promotions_now",
        context.gettext("Active promotions this week"),
        series,
        height=300,
    )
    chart.figure["layout"]["showlegend"] = False
    return chart


def _sentiment_rows(context: PageContext, session: Session) -> list[dict[str, object]]:
    if not tables_exist(session, "insight_sentiment_period"):
        return []
    by_restaurant: dict[str, dict[str, float]] = defaultdict(dict)
    for value in indicators.latest_sentiment(session.connection()):
        by_restaurant[value.restaurant][value.aspect] = value.value
    return [
        {
            "restaurant": name,
            "aspect": context.gettext("Overall") if aspect == "overall" else aspect,
            "value": value,
        }
        for name, aspects in sorted(by_restaurant.items())
        for aspect, value in sorted(aspects.items())
        if aspect == "overall"
    ]


@router.get("/")
def overview_page(context: PageDep, session: SessionDep) -> Response:
    options = FilterOptions.load(session)
    names = options.slug_names
    counts = overview.core_counts(session)
    open_alerts = sum(count.open for count in ops.open_alert_counts(session.connection()))
    newest = retail_queries.list_alerts(
        session, RetailFilters(), page=1, page_size=_NEWEST_ALERTS, acknowledged=False
    )
    charts = [
        chart
        for chart in (
            _index_chart(context, session, names),
            _promotions_chart(context, session, names),
        )
        if chart is not None
    ]
    tables = [
        Table(
            "newest_alerts",
            N_("Newest open alerts"),
            _ALERTS,
            alert_rows(context, newest.items),
            "created_at",
            True,
            _NEWEST_ALERTS,
            N_("No open alerts."),
        ),
        Table(
            "sentiment",
            N_("Net sentiment per restaurant (latest month)"),
            _SENTIMENT,
            _sentiment_rows(context, session),
            "value",
            False,
            10,
        ),
    ]
    return respond(
        context,
        "pages/overview.html",
        tables=tables,
        charts=charts,
        counts=counts,
        open_alerts=open_alerts,
        briefing=None,
        page_title=N_("Overview"),
        page_intro=N_("This week in prices, promotions and what diners say."),
        has_data=counts.ingest_runs > 0,
    )
