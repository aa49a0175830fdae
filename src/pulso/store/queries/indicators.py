"""Business indicators read from the insight tables, small enough for every metrics scrape.

Each function returns the latest period only (each retailer's or restaurant's newest week or
month in its table), keyed by retailer or restaurant slug and category or aspect: a bounded
set of labels, never a product or a diner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from pulso.store.tables import Restaurant, Retailer
from pulso.store.tables_restaurants import InsightSentimentPeriod
from pulso.store.tables_retail import (
    ALL_CATEGORIES,
    InsightListingActivity,
    InsightPriceIndex,
    InsightPromoCalendar,
)

__all__ = [
    "CategoryValue",
    "RestaurantAspectValue",
    "RetailerValue",
    "competitor_price_drops",
    "latest_active_promotions",
    "latest_price_index",
    "latest_promo_intensity",
    "latest_sentiment",
]


@dataclass(frozen=True, slots=True)
class CategoryValue:
    """A figure of one retailer in one category (``"*"``: all categories)."""

    retailer: str
    category: str
    value: float


@dataclass(frozen=True, slots=True)
class RetailerValue:
    """A figure of one retailer."""

    retailer: str
    value: float


@dataclass(frozen=True, slots=True)
class RestaurantAspectValue:
    """A figure of one restaurant for one aspect (``overall``: whole reviews)."""

    restaurant: str
    aspect: str
    value: float


def _newest_week(table: Any) -> Any:
    """Each retailer's newest ``week`` in ``table`` (retailers stop reporting at different times)."""
    return (
        select(table.retailer_id, func.max(table.week).label("week"))
        .group_by(table.retailer_id)
        .subquery()
    )


def latest_price_index(connection: Connection, *, level: str = "shelf") -> list[CategoryValue]:
    """Each competitor's newest weekly price index (ours = 100) per category."""
    table = InsightPriceIndex
    column = table.index_shelf if level == "shelf" else table.index_regular
    newest = _newest_week(table)
    statement = (
        select(Retailer.slug, table.category, column)
        .join(Retailer, Retailer.id == table.retailer_id)
        .join(newest, (newest.c.retailer_id == table.retailer_id) & (newest.c.week == table.week))
    )
    return [CategoryValue(str(r), str(c), float(v)) for r, c, v in connection.execute(statement)]


def latest_promo_intensity(connection: Connection) -> list[CategoryValue]:
    """Each retailer's newest week's share of listings on promotion per category."""
    table = InsightPromoCalendar
    newest = _newest_week(table)
    statement = (
        select(Retailer.slug, table.category, table.listing_share)
        .join(Retailer, Retailer.id == table.retailer_id)
        .join(newest, (newest.c.retailer_id == table.retailer_id) & (newest.c.week == table.week))
    )
    return [CategoryValue(str(r), str(c), float(v)) for r, c, v in connection.execute(statement)]


def latest_active_promotions(connection: Connection) -> list[RetailerValue]:
    """Each retailer's newest week's count of active promotions (all categories)."""
    table = InsightPromoCalendar
    newest = _newest_week(table)
    statement = (
        select(Retailer.slug, func.sum(table.promotions_active))
        .join(Retailer, Retailer.id == table.retailer_id)
        .join(newest, (newest.c.retailer_id == table.retailer_id) & (newest.c.week == table.week))
        .where(table.category != ALL_CATEGORIES)
        .group_by(Retailer.slug)
    )
    return [RetailerValue(str(r), float(v or 0)) for r, v in connection.execute(statement)]


def competitor_price_drops(connection: Connection) -> list[RetailerValue]:
    """Per competitor, the largest drop of a matched listing's latest shelf price.

    The drop is ``1 - latest_shelf / mean_regular`` (0 when the shelf price is not below the
    listing's mean regular price), over the listings seen on the competitor's newest day.
    """
    newest = (
        select(
            InsightListingActivity.retailer_id,
            func.max(InsightListingActivity.last_day).label("last_day"),
        )
        .group_by(InsightListingActivity.retailer_id)
        .subquery()
    )
    drop = 1.0 - InsightListingActivity.latest_shelf_pen / InsightListingActivity.mean_regular_pen
    statement = (
        select(Retailer.slug, func.max(drop))
        .join(Retailer, Retailer.id == InsightListingActivity.retailer_id)
        .join(
            newest,
            (newest.c.retailer_id == InsightListingActivity.retailer_id)
            & (newest.c.last_day == InsightListingActivity.last_day),
        )
        .where(
            Retailer.is_own.is_(False),
            InsightListingActivity.product_id.is_not(None),
            InsightListingActivity.mean_regular_pen > 0,
        )
        .group_by(Retailer.slug)
    )
    return [
        RetailerValue(str(r), max(0.0, float(v or 0.0))) for r, v in connection.execute(statement)
    ]


def latest_sentiment(connection: Connection) -> list[RestaurantAspectValue]:
    """Net sentiment (share positive minus share negative) of each restaurant's newest month."""
    newest = (
        select(
            InsightSentimentPeriod.restaurant_id,
            func.max(InsightSentimentPeriod.period_start).label("period_start"),
        )
        .group_by(InsightSentimentPeriod.restaurant_id)
        .subquery()
    )
    statement = (
        select(
            Restaurant.slug, InsightSentimentPeriod.aspect, InsightSentimentPeriod.net_sentiment
        )
        .join(Restaurant, Restaurant.id == InsightSentimentPeriod.restaurant_id)
        .join(
            newest,
            (newest.c.restaurant_id == InsightSentimentPeriod.restaurant_id)
            & (newest.c.period_start == InsightSentimentPeriod.period_start),
        )
    )
    return [
        RestaurantAspectValue(str(r), str(a), float(v))
        for r, a, v in connection.execute(statement)
    ]
