"""Restaurantes: Opiniones (sentiment, aspects, topics, comments), Patrones, Menú and Clientes."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pulso.api.deps import SessionDep
from pulso.store.queries import restaurants as queries
from pulso.web.charts import Chart, Series, bar_chart, heatmap_chart, line_chart, scatter_chart
from pulso.web.colors import NEUTRAL
from pulso.web.context import PageContext, PageDep
from pulso.web.i18n import N_
from pulso.web.loading import FilterOptions, fetch_table, row_limit, tables_exist
from pulso.web.rendering import respond
from pulso.web.tables import Column, Table, rows_from

router = APIRouter(include_in_schema=False)

ASPECTS = {
    "overall": N_("Overall"),
    "food": N_("Food"),
    "service": N_("Service"),
    "price": N_("Price"),
    "ambience": N_("Ambience"),
    "wait": N_("Wait"),
}
_ASPECT_COLORS = {
    "overall": "#1f2933",
    "food": "#d55e00",
    "service": "#0072b2",
    "price": "#e69f00",
    "ambience": "#009e73",
    "wait": "#cc79a7",
}
MENU_CLASSES = {
    "star": (N_("Star"), "#2e8b57"),
    "plowhorse": (N_("Plowhorse"), "#e69f00"),
    "puzzle": (N_("Puzzle"), "#0072b2"),
    "dog": (N_("Dog"), "#c8102e"),
}
ACTIONS = {
    "promote": N_("Promote"),
    "reprice": N_("Reprice"),
    "rework": N_("Rework"),
    "drop": N_("Drop"),
}
_WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
_DIMENSIONS = {
    "party_size": N_("Orders by party size"),
    "channel": N_("Orders by channel"),
    "meal": N_("Orders by meal"),
    "ticket_band": N_("Orders by ticket (S/)"),
}
_FILTERS = ["date_from", "date_to", "restaurant"]
_SENTIMENT_TABLES = ("insight_sentiment_period", "insight_topic_period", "insight_dish_sentiment")
_EXAMPLES = 4


def _restaurant(context: PageContext, options: FilterOptions) -> tuple[int | None, str | None]:
    """The restaurant of the URL, else the first one (the pages show one at a time)."""
    chosen = context.filters.restaurant
    names = dict(options.restaurants)
    if chosen is not None and str(chosen) in names:
        return chosen, names[str(chosen)]
    if options.restaurants:
        value, name = options.restaurants[0]
        return int(value), name
    return None, None


def _page(
    context: PageContext,
    session: Session,
    template: str,
    *,
    needs: tuple[str, ...],
    build: Any,
    title: str,
    intro: str,
    fields: list[str] = _FILTERS,
) -> Response:
    options = FilterOptions.load(session)
    restaurant_id, name = _restaurant(context, options)
    values: dict[str, Any] = {"tables": [], "charts": [], "has_data": False}
    if restaurant_id is not None and tables_exist(session, *needs):
        values = build(context, session, restaurant_id)
    return respond(
        context,
        template,
        options=options.as_dict(),
        filter_fields=fields,
        restaurant_name=name,
        restaurant_id=restaurant_id,
        page_title=title,
        page_intro=intro,
        **values,
    )


# --- Opiniones ------------------------------------------------------------------------------

_ASPECT_TABLE = (
    Column("aspect_label", "Aspect"),
    Column("reviews", "Reviews", "int"),
    Column("positive", "Positive", "int"),
    Column("neutral", "Neutral", "int"),
    Column("negative", "Negative", "int"),
    Column("net_sentiment", "Net sentiment", "number"),
)
_TOPICS = (
    Column("label", "Topic"),
    Column("terms_text", "Words", sortable=False),
    Column("reviews", "Reviews", "int"),
    Column("share", "Share of reviews", "share"),
)
_DISHES = (
    Column("dish", "Dish"),
    Column("category", "Category"),
    Column("reviews", "Reviews", "int"),
    Column("net_sentiment", "Net sentiment", "number"),
    Column("mean_score", "Mean score", "number"),
)
_REVIEWS = (
    Column("created_at", "Date", "datetime"),
    Column("label_text", "Sentiment"),
    Column("rating", "Rating", "int"),
    Column("dish", "Dish"),
    Column("text", "Comment", sortable=False),
)
_LABELS = {"positive": N_("positive"), "neutral": N_("neutral"), "negative": N_("negative")}


def _aspect(context: PageContext, key: str) -> str:
    return context.gettext(ASPECTS.get(key, key))


def _trend_chart(context: PageContext, session: Session, restaurant_id: int) -> Chart | None:
    filters = context.filters
    rows = queries.sentiment_trend(
        session, restaurant_id, date_from=filters.date_from, date_to=filters.date_to
    )
    by_aspect: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_aspect[row.aspect].append(row)
    if not by_aspect:
        return None
    series = [
        Series(
            _aspect(context, aspect),
            [row.period_start for row in items],
            [row.net_sentiment for row in items],
            _ASPECT_COLORS.get(aspect, NEUTRAL),
            None if aspect == "overall" else "dot",
            mode="lines+markers",
        )
        for aspect, items in by_aspect.items()
    ]
    return line_chart(
        "sentiment_trend",
        context.gettext("Net sentiment per month (share positive minus share negative)"),
        series,
        y_kind="share",
    )


def _example_comments(
    context: PageContext, session: Session, restaurant_id: int
) -> list[dict[str, Any]]:
    filters = context.filters
    examples = []
    for label in ("positive", "negative"):
        page = queries.review_sentiment(
            session,
            restaurant_id,
            label=label,
            date_from=filters.date_from,
            date_to=filters.date_to,
            page=1,
            page_size=_EXAMPLES,
        )
        examples += [
            {
                "label": label,
                "label_text": context.gettext(_LABELS[label]),
                "text": row.text,
                "created_at": row.created_at,
                "rating": row.rating,
            }
            for row in page.items
        ]
    return examples


def _reviews(context: PageContext, session: Session, restaurant_id: int) -> dict[str, Any]:
    filters = context.filters
    aspects = rows_from(
        queries.aspect_summary(
            session, restaurant_id, date_from=filters.date_from, date_to=filters.date_to
        ),
        ["aspect", "reviews", "positive", "neutral", "negative", "net_sentiment"],
    )
    for row in aspects:
        row["aspect_label"] = _aspect(context, row["aspect"])
    topics = rows_from(
        queries.topic_shares(
            session, restaurant_id, date_from=filters.date_from, date_to=filters.date_to
        ),
        ["label", "terms", "reviews", "share"],
    )
    for row in topics:
        row["terms_text"] = ", ".join(str(term) for term in (row["terms"] or [])[:8])
    dishes = fetch_table(
        context,
        "dishes",
        queries.dish_sentiment,
        [c.key for c in _DISHES],
        native_sort=("reviews", True),
        page_size=10,
        session=session,
        restaurant_id=restaurant_id,
    )
    reviews = fetch_table(
        context,
        "reviews",
        queries.review_sentiment,
        ["created_at", "label", "rating", "dish", "text"],
        native_sort=("created_at", True),
        page_size=10,
        session=session,
        restaurant_id=restaurant_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    for row in reviews.rows:
        row["label_text"] = context.gettext(_LABELS.get(row["label"], row["label"]))
    charts = [
        chart
        for chart in (
            _trend_chart(context, session, restaurant_id),
            _aspect_chart(context, aspects),
        )
        if chart
    ]
    return {
        "tables": [
            Table("aspects", N_("Sentiment per aspect"), _ASPECT_TABLE, aspects, "reviews", True),
            Table("topics", N_("What diners talk about"), _TOPICS, topics, "share", True, 10),
            Table(
                "dishes",
                N_("Sentiment per dish"),
                _DISHES,
                dishes.rows,
                "reviews",
                True,
                10,
                **dishes.table_args(),
            ),
            Table(
                "reviews",
                N_("Comments"),
                _REVIEWS,
                reviews.rows,
                "created_at",
                True,
                10,
                **reviews.table_args(),
            ),
        ],
        "charts": charts,
        "examples": _example_comments(context, session, restaurant_id),
        "has_data": bool(aspects) or bool(reviews.rows),
    }


def _aspect_chart(context: PageContext, aspects: list[dict[str, Any]]) -> Chart | None:
    shown = [row for row in aspects if row["aspect"] != "overall" and row["reviews"]]
    if not shown:
        return None
    names = [row["aspect_label"] for row in shown]
    parts = (
        ("positive", context.gettext("positive"), "#1d6b38"),
        ("neutral", context.gettext("neutral"), "#9aa5b1"),
        ("negative", context.gettext("negative"), "#c8102e"),
    )
    series = [
        Series(label, names, [row[key] / row["reviews"] for row in shown], color)
        for key, label, color in parts
    ]
    return bar_chart(
        "aspects",
        context.gettext("Share of positive, neutral and negative mentions per aspect"),
        series,
        horizontal=True,
        barmode="stack",
        value_kind="share",
        height=300,
    )


@router.get("/restaurants/reviews")
def reviews_page(context: PageDep, session: SessionDep) -> Response:
    return _page(
        context,
        session,
        "pages/reviews.html",
        needs=_SENTIMENT_TABLES,
        build=_reviews,
        title=N_("Reviews"),
        intro=N_(
            "What diners say: sentiment over time and per aspect, topics and example comments."
        ),
    )


# --- Patrones -------------------------------------------------------------------------------

_HOLIDAYS = (
    Column("name", "Holiday"),
    Column("day", "Day", "date"),
    Column("orders", "Orders", "int"),
    Column("baseline_orders_per_day", "Usual orders", "number"),
    Column("lift", "Lift", "number"),
)


def _patterns(context: PageContext, session: Session, restaurant_id: int) -> dict[str, Any]:
    found = queries.dining_patterns(session, restaurant_id)
    charts: list[Chart] = []
    if found.heatmap:
        cells = {(cell.weekday, cell.hour): cell.orders_per_week for cell in found.heatmap}
        hours = sorted({hour for _, hour in cells})
        charts.append(
            heatmap_chart(
                "heatmap",
                context.gettext("Orders per week by hour and weekday"),
                x=[f"{hour:02d}:00" for hour in hours],
                y=[context.gettext(day) for day in _WEEKDAYS],
                z=[[cells.get((day, hour), 0.0) for hour in hours] for day in range(7)],
                colorscale="Blues",
                reverse=True,
                hover="%{y} %{x}: %{z:.1f}<extra></extra>",
            )
        )
    if found.months:
        charts.append(
            bar_chart(
                "seasonality",
                context.gettext("Orders per day, month by month"),
                [
                    Series(
                        context.gettext("Orders per day"),
                        [context.fmt.month(m.day) for m in found.months],
                        [m.orders_per_day for m in found.months],
                        NEUTRAL,
                    )
                ],
                height=300,
            )
        )
    for dimension, title in _DIMENSIONS.items():
        items = sorted(found.distributions.get(dimension, []), key=lambda d: d.position)
        if items:
            charts.append(
                bar_chart(
                    f"dist_{dimension}",
                    context.gettext(title),
                    [
                        Series(
                            context.gettext("Share of orders"),
                            [d.value for d in items],
                            [d.share for d in items],
                            NEUTRAL,
                        )
                    ],
                    value_kind="share",
                    height=260,
                )
            )
    holidays = rows_from(found.holidays, [c.key for c in _HOLIDAYS])
    return {
        "tables": [
            Table("holidays", N_("Holidays against a usual day"), _HOLIDAYS, holidays, "day")
        ],
        "charts": charts,
        "summary": found.summary,
        "has_data": found.summary is not None or bool(charts),
    }


@router.get("/restaurants/patterns")
def patterns_page(context: PageDep, session: SessionDep) -> Response:
    return _page(
        context,
        session,
        "pages/patterns.html",
        needs=(
            "insight_dining_summary",
            "insight_dining_heatmap",
            "insight_dining_seasonality",
            "insight_dining_distribution",
        ),
        build=_patterns,
        title=N_("Patterns"),
        intro=N_("When diners come: hour by weekday, seasons, party and ticket size."),
        fields=["restaurant"],
    )


# --- Menú -----------------------------------------------------------------------------------

_MENU = (
    Column("dish", "Dish"),
    Column("category", "Category"),
    Column("class_label", "Class"),
    Column("units", "Units", "int"),
    Column("menu_mix", "Menu mix", "share"),
    Column("price_pen", "Price", "money"),
    Column("cost_pen", "Cost", "money"),
    Column("margin_pen", "Margin", "money"),
    Column("total_margin_pen", "Total margin", "money"),
    Column("growth", "Growth", "share"),
)
_SUGGESTIONS = (
    Column("dish", "Dish"),
    Column("action_label", "Action"),
    Column("priority", "Priority", "int"),
    Column("reason", "Why", sortable=False),
)


def _menu_chart(context: PageContext, rows: list[dict[str, Any]]) -> Chart | None:
    if not rows:
        return None
    by_class: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_class[row["menu_class"]].append(row)
    series = [
        Series(
            context.gettext(MENU_CLASSES.get(key, (key, NEUTRAL))[0]),
            [r["menu_mix"] for r in items],
            [r["margin_pen"] for r in items],
            MENU_CLASSES.get(key, (key, NEUTRAL))[1],
            mode="markers",
            hover=[r["dish"] for r in items],
        )
        for key, items in sorted(by_class.items())
    ]
    threshold, mean_margin = rows[0]["popularity_threshold"], rows[0]["mean_margin_pen"]
    line = {"color": "#52606d", "dash": "dot"}
    shapes = [
        {
            "type": "line",
            "x0": threshold,
            "x1": threshold,
            "yref": "paper",
            "y0": 0,
            "y1": 1,
            "line": line,
        },
        {
            "type": "line",
            "y0": mean_margin,
            "y1": mean_margin,
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "line": line,
        },
    ]
    return scatter_chart(
        "menu_matrix",
        context.gettext("Menu engineering: popularity (menu mix) against margin per dish"),
        series,
        x_title=context.gettext("Menu mix"),
        y_title=context.gettext("Margin per dish"),
        x_kind="share",
        y_kind="money",
        shapes=shapes,
        description=context.gettext("Dotted lines: the popularity threshold and the mean margin."),
    )


def _menu(context: PageContext, session: Session, restaurant_id: int) -> dict[str, Any]:
    items = queries.menu_items(
        session, restaurant_id, page=1, page_size=row_limit(context, "menu")
    )
    keys = [
        "category",
        "units",
        "menu_mix",
        "price_pen",
        "cost_pen",
        "margin_pen",
        "total_margin_pen",
        "growth",
        "menu_class",
        "popularity_threshold",
        "mean_margin_pen",
    ]
    rows = [{"dish": row.dish} | rows_from([row.item], keys)[0] for row in items.items]
    for row in rows:
        row["class_label"] = context.gettext(
            MENU_CLASSES.get(row["menu_class"], (row["menu_class"], ""))[0]
        )
    suggestions_page = queries.menu_suggestions(
        session, restaurant_id, page=1, page_size=row_limit(context, "suggestions")
    )
    suggestions = [
        {
            "dish": row.dish,
            "priority": row.suggestion.priority,
            "action_label": context.gettext(
                ACTIONS.get(row.suggestion.action, row.suggestion.action)
            ),
            "reason": row.suggestion.reason,
        }
        for row in suggestions_page.items
    ]
    chart = _menu_chart(context, rows)
    return {
        "tables": [
            Table(
                "suggestions",
                N_("Suggestions"),
                _SUGGESTIONS,
                suggestions,
                "priority",
                page_size=10,
            ),
            Table("menu", N_("Dishes in the matrix"), _MENU, rows, "units", True),
        ],
        "charts": [chart] if chart else [],
        "has_data": bool(rows),
    }


@router.get("/restaurants/menu")
def menu_page(context: PageDep, session: SessionDep) -> Response:
    return _page(
        context,
        session,
        "pages/menu.html",
        needs=("insight_menu_item", "insight_menu_suggestion"),
        build=_menu,
        title=N_("Menu"),
        intro=N_(
            "Menu engineering: popularity against margin (stars, plowhorses, puzzles, dogs)."
        ),
        fields=["restaurant"],
    )


# --- Clientes -------------------------------------------------------------------------------

_SEGMENTS = (
    Column("name", "Segment"),
    Column("description", "Description", sortable=False),
    Column("diners", "Diners", "int"),
    Column("share", "Share of diners", "share"),
)
_MIX = (
    Column("name", "Segment"),
    Column("diners", "Diners", "int"),
    Column("orders", "Orders", "int"),
    Column("share_of_orders", "Share of orders", "share"),
    Column("revenue_pen", "Revenue", "money"),
)


def _diners(context: PageContext, session: Session, restaurant_id: int) -> dict[str, Any]:
    segments = rows_from(queries.list_diner_segments(session), [c.key for c in _SEGMENTS])
    mix = [
        {"name": segment.name if segment else str(share.segment)}
        | rows_from([share], ["diners", "orders", "share_of_orders", "revenue_pen"])[0]
        for share, segment in queries.restaurant_segment_mix(session, restaurant_id)
    ]
    charts = []
    if mix:
        charts.append(
            bar_chart(
                "segment_mix",
                context.gettext("Share of this restaurant's orders per diner segment"),
                [
                    Series(
                        context.gettext("Share of orders"),
                        [m["name"] for m in mix],
                        [m["share_of_orders"] for m in mix],
                        NEUTRAL,
                    )
                ],
                horizontal=True,
                value_kind="share",
                height=max(220, 60 + 32 * len(mix)),
            )
        )
    return {
        "tables": [
            Table(
                "segments",
                N_("Diner segments (all restaurants)"),
                _SEGMENTS,
                segments,
                "diners",
                True,
            ),
            Table("mix", N_("Segments of this restaurant"), _MIX, mix, "orders", True),
        ],
        "charts": charts,
        "has_data": bool(segments),
    }


@router.get("/restaurants/diners")
def diners_page(context: PageDep, session: SessionDep) -> Response:
    return _page(
        context,
        session,
        "pages/diners.html",
        needs=("insight_diner_segment", "insight_segment_restaurant"),
        build=_diners,
        title=N_("Diners"),
        intro=N_("Diner segments: regulars and occasional diners, and what each group prefers."),
        fields=["restaurant"],
    )
