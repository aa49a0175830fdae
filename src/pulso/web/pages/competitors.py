"""Competidores: pricing-strategy clusters per competitor (and category), with feature profiles."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from pulso.api.deps import SessionDep
from pulso.store.queries import retail as retail_queries
from pulso.web.charts import Chart, Series, bar_chart, scatter_chart
from pulso.web.colors import retailer_color
from pulso.web.context import PageContext, PageDep
from pulso.web.i18n import N_
from pulso.web.loading import FilterOptions, fetch_rows, row_limit
from pulso.web.pages.prices import ALL, retail_filters
from pulso.web.rendering import respond
from pulso.web.tables import Column, Table

router = APIRouter(include_in_schema=False)

#: Strategy names written by the clustering step, as shown to people.
STRATEGIES = {
    "high_low": N_("High-low (frequent, deep promotions)"),
    "premium": N_("Premium (dearer than us)"),
    "discounter": N_("Discounter"),
    "everyday_low_price": N_("Everyday low price"),
    "mainstream": N_("Mainstream"),
}
#: Features of the clusters: label and how to show them.
FEATURES: dict[str, tuple[str, str]] = {
    "price_index": (N_("Price index"), "number"),
    "shelf_price_index": (N_("Shelf price index"), "number"),
    "promo_share": (N_("Share on promotion"), "share"),
    "promo_frequency": (N_("Promotions per listing and month"), "number"),
    "promo_depth": (N_("Promotion depth"), "share"),
    "volatility": (N_("Volatility"), "number"),
    "reprice_rate": (N_("Repricing rate"), "share"),
    "stockout_rate": (N_("Stock-out rate"), "share"),
    "assortment_breadth": (N_("Assortment breadth"), "share"),
    "catalog_coverage": (N_("Catalog coverage"), "share"),
    "multibuy_share": (N_("Multibuy share"), "share"),
}
_PROFILE = ("promo_share", "promo_depth", "multibuy_share", "reprice_rate", "stockout_rate")
_SYMBOLS = ("circle", "diamond", "square", "triangle-up", "x", "star")
_BASE = (
    Column("retailer_name", "Competitor"),
    Column("category", "Category"),
    Column("strategy", "Strategy"),
    Column("confidence", "Confidence", "share"),
)


def _strategy(context: PageContext, label: str) -> str:
    return context.gettext(STRATEGIES[label]) if label in STRATEGIES else label


def _scatter(context: PageContext, rows: list[dict[str, Any]]) -> Chart | None:
    points = [r for r in rows if "price_index" in r["features"] and "promo_share" in r["features"]]
    if not points:
        return None
    labels = sorted({r["label"] for r in points})
    symbol = {label: _SYMBOLS[i % len(_SYMBOLS)] for i, label in enumerate(labels)}
    by_retailer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in points:
        by_retailer[row["retailer_name"]].append(row)
    series = []
    for name, items in sorted(by_retailer.items()):
        texts = [
            f"{name} · {context.gettext('All categories') if r['category'] == ALL else r['category']}"
            f" · {_strategy(context, r['label'])}"
            for r in items
        ]
        series.append(
            Series(
                name,
                [r["features"]["price_index"] for r in items],
                [r["features"]["promo_share"] for r in items],
                retailer_color(name),
                mode="markers",
                hover=texts,
                symbols=[symbol[r["label"]] for r in items],
                size=[16.0 if r["category"] == ALL else 10.0 for r in items],
            )
        )
    return scatter_chart(
        "clusters",
        context.gettext("Pricing strategies: price index against share on promotion"),
        series,
        x_title=context.gettext("Price index (ours = 100)"),
        y_title=context.gettext("Share of listing-days on promotion"),
        y_kind="share",
        shapes=[
            {
                "type": "line",
                "x0": 100,
                "x1": 100,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": "#9aa5b1", "dash": "dot"},
            }
        ],
        description=context.gettext(
            "Each point is a competitor in a category (the big ones: all categories); the marker shape is its strategy."
        ),
    )


def _profile(context: PageContext, rows: list[dict[str, Any]]) -> Chart | None:
    overall = [r for r in rows if r["category"] == ALL]
    if not overall:
        return None
    features = [f for f in _PROFILE if any(f in r["features"] for r in overall)]
    series = [
        Series(
            r["retailer_name"],
            [context.gettext(FEATURES[f][0]) for f in features],
            [r["features"].get(f) for f in features],
            retailer_color(r["retailer_name"]),
        )
        for r in sorted(overall, key=lambda r: r["retailer_name"])
    ]
    return bar_chart(
        "profiles",
        context.gettext("Feature profile of each competitor (all categories)"),
        series,
        value_kind="share",
    )


def _table(context: PageContext, rows: list[dict[str, Any]]) -> Table:
    keys = [k for k in FEATURES if any(k in r["features"] for r in rows)]
    columns = _BASE + tuple(Column(k, FEATURES[k][0], FEATURES[k][1]) for k in keys)
    everything = context.gettext("All categories")
    shown = [
        {
            "retailer_name": row["retailer_name"],
            "category": everything if row["category"] == ALL else row["category"],
            "strategy": _strategy(context, row["label"]),
            "confidence": row["confidence"],
        }
        | {k: row["features"].get(k) for k in keys}
        for row in rows
    ]
    return Table(
        "clusters", N_("Strategy of each competitor and category"), columns, shown, "retailer_name"
    )


@router.get("/competitors")
def competitors_page(context: PageDep, session: SessionDep) -> Response:
    options = FilterOptions.load(session)
    filters = retail_filters(context, options)
    fetched = fetch_rows(
        retail_queries.list_clusters,
        ["retailer_name", "category", "label", "confidence", "features"],
        limit=row_limit(context, "clusters"),
        session=session,
        filters=filters,
    )
    rows = [r | {"features": dict(r["features"] or {})} for r in fetched.rows]
    charts = [c for c in (_scatter(context, rows), _profile(context, rows)) if c is not None]
    return respond(
        context,
        "pages/competitors.html",
        tables=[_table(context, rows)],
        charts=charts,
        options=options.as_dict(),
        page_title=N_("Competitors"),
        page_intro=N_(
            "Competitors grouped by pricing strategy, with the features that define each group."
        ),
        has_data=bool(rows),
    )
