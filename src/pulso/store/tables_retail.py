"""Retail insight tables: written by the retail pipeline steps, read by the API.

Each table is replaced as a whole by its step (delete + insert in one transaction), so a
re-run leaves the same rows. Prices are soles (``*_pen``); percentages are named ``*_pct``
(``-5.0`` is 5 % cheaper) and shares in [0, 1] ``*_share``/``*_rate``/``*_ratio``. ``category``
is our catalog's category (a competitor listing takes the category of the product it is matched
to, else the one its retailer's category maps to); ``"*"`` stands for all categories together.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pulso.store.tables import Base
from pulso.store.types import Money

__all__ = [
    "ALL_CATEGORIES",
    "InsightListingActivity",
    "InsightPriceAnomaly",
    "InsightPriceGap",
    "InsightPriceIndex",
    "InsightPromoCalendar",
    "InsightPromoStats",
    "InsightStrategyCluster",
]

#: The ``category`` value of rows that sum up every category.
ALL_CATEGORIES = "*"


class InsightPriceGap(Base):
    """Latest price of one competitor listing against ours for the product it is matched to.

    Three price levels are kept apart: ``regular`` (list price), ``shelf`` (the offer price when
    there is one, else regular: what anyone pays) and ``card`` (the loyalty-card price when
    there is one, else shelf). Gaps are theirs minus ours: positive means the competitor is
    dearer. ``*_unit_price_pen`` is the shelf price per kg, litre or unit (``unit_measure``) from
    each side's own pack size, so pack differences and shrinkflation show up as a unit-price gap
    that differs from the price gap.
    """

    __tablename__ = "insight_price_gap"
    __table_args__ = (UniqueConstraint("product_id", "listing_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailer.id"), index=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id"))
    category: Mapped[str] = mapped_column(String(120), index=True)
    match_status: Mapped[str] = mapped_column(String(20))
    key_item: Mapped[bool] = mapped_column(Boolean, default=False)
    observed_on: Mapped[date] = mapped_column(Date)
    our_observed_on: Mapped[date | None] = mapped_column(Date)
    our_regular_pen: Mapped[float | None] = mapped_column(Money)
    our_shelf_pen: Mapped[float | None] = mapped_column(Money)
    our_card_pen: Mapped[float | None] = mapped_column(Money)
    their_regular_pen: Mapped[float] = mapped_column(Money)
    their_shelf_pen: Mapped[float] = mapped_column(Money)
    their_card_pen: Mapped[float] = mapped_column(Money)
    their_card_name: Mapped[str | None] = mapped_column(String(40))
    their_in_stock: Mapped[bool | None] = mapped_column(Boolean)
    gap_regular_pen: Mapped[float | None] = mapped_column(Money)
    gap_regular_pct: Mapped[float | None] = mapped_column(Float)
    gap_shelf_pen: Mapped[float | None] = mapped_column(Money)
    gap_shelf_pct: Mapped[float | None] = mapped_column(Float)
    gap_card_pen: Mapped[float | None] = mapped_column(Money)
    gap_card_pct: Mapped[float | None] = mapped_column(Float)
    unit_measure: Mapped[str | None] = mapped_column(String(4))
    our_size_text: Mapped[str | None] = mapped_column(String(60))
    their_size_text: Mapped[str | None] = mapped_column(String(60))
    our_unit_price_pen: Mapped[float | None] = mapped_column(Float)
    their_unit_price_pen: Mapped[float | None] = mapped_column(Float)
    gap_unit_pct: Mapped[float | None] = mapped_column(Float)
    size_differs: Mapped[bool] = mapped_column(Boolean, default=False)


class InsightPriceIndex(Base):
    """Weekly price index of a competitor in a category: our prices = 100.

    ``index_regular`` compares regular prices, ``index_shelf`` shelf prices (offers included).
    Each is the mean of the competitor/our price ratios of the products both sell that week,
    weighted by our units sold (``weight_share`` is the share of our category's weight the
    compared products carry).
    """

    __tablename__ = "insight_price_index"
    __table_args__ = (
        UniqueConstraint("week", "category", "retailer_id"),
        Index("ix_insight_price_index_retailer_category", "retailer_id", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[date] = mapped_column(Date, index=True)
    category: Mapped[str] = mapped_column(String(120))
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailer.id"))
    index_regular: Mapped[float] = mapped_column(Float)
    index_shelf: Mapped[float] = mapped_column(Float)
    n_products: Mapped[int] = mapped_column(Integer)
    weight_share: Mapped[float] = mapped_column(Float)


class InsightListingActivity(Base):
    """One listing's history summed up: availability, price changes, promotions, latest prices.

    Price changes count changes of the regular price between consecutive observed days, after
    one-day anomalies are removed; ``mean_abs_change_pct`` is their mean size. ``volatility`` is
    the standard deviation of the daily log change of the shelf price.
    """

    __tablename__ = "insight_listing_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id"), unique=True)
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailer.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    category: Mapped[str | None] = mapped_column(String(120), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    days_observed: Mapped[int] = mapped_column(Integer)
    stockout_rate: Mapped[float] = mapped_column(Float)
    stockout_runs: Mapped[int] = mapped_column(Integer)
    price_changes: Mapped[int] = mapped_column(Integer)
    price_increases: Mapped[int] = mapped_column(Integer)
    price_decreases: Mapped[int] = mapped_column(Integer)
    mean_abs_change_pct: Mapped[float | None] = mapped_column(Float)
    promo_day_share: Mapped[float] = mapped_column(Float)
    volatility: Mapped[float] = mapped_column(Float)
    mean_regular_pen: Mapped[float] = mapped_column(Money)
    latest_regular_pen: Mapped[float] = mapped_column(Money)
    latest_shelf_pen: Mapped[float] = mapped_column(Money)
    latest_in_stock: Mapped[bool | None] = mapped_column(Boolean)
    anomalies: Mapped[int] = mapped_column(Integer, default=0)


class InsightPriceAnomaly(Base):
    """A one-day regular price far from the listing's rolling median (a typo or a glitch)."""

    __tablename__ = "insight_price_anomaly"
    __table_args__ = (UniqueConstraint("listing_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id"))
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailer.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    price_pen: Mapped[float] = mapped_column(Money)
    expected_pen: Mapped[float] = mapped_column(Money)
    robust_z: Mapped[float] = mapped_column(Float)
    ratio: Mapped[float] = mapped_column(Float)


class InsightPromoStats(Base):
    """Promotion depth, duration and frequency of a retailer in a category over the history."""

    __tablename__ = "insight_promo_stats"
    __table_args__ = (UniqueConstraint("retailer_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailer.id"))
    category: Mapped[str] = mapped_column(String(120), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    listings: Mapped[int] = mapped_column(Integer)
    promotions: Mapped[int] = mapped_column(Integer)
    promos_per_listing_month: Mapped[float] = mapped_column(Float)
    promo_day_share: Mapped[float] = mapped_column(Float)
    mean_depth: Mapped[float | None] = mapped_column(Float)
    median_depth: Mapped[float | None] = mapped_column(Float)
    max_depth: Mapped[float | None] = mapped_column(Float)
    mean_duration_days: Mapped[float | None] = mapped_column(Float)
    median_duration_days: Mapped[float | None] = mapped_column(Float)
    unknown_share: Mapped[float] = mapped_column(Float)
    type_mix: Mapped[dict[str, Any]] = mapped_column(default=dict)


class InsightPromoCalendar(Base):
    """Promotions of a retailer in a category in one week (Monday ``week``)."""

    __tablename__ = "insight_promo_calendar"
    __table_args__ = (
        UniqueConstraint("week", "retailer_id", "category"),
        Index("ix_insight_promo_calendar_retailer_category", "retailer_id", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[date] = mapped_column(Date, index=True)
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailer.id"))
    category: Mapped[str] = mapped_column(String(120))
    promotions_active: Mapped[int] = mapped_column(Integer)
    promotions_started: Mapped[int] = mapped_column(Integer)
    listings_on_promo: Mapped[int] = mapped_column(Integer)
    listing_share: Mapped[float] = mapped_column(Float)
    mean_depth: Mapped[float | None] = mapped_column(Float)
    campaigns: Mapped[list[Any]] = mapped_column(default=list)


class InsightStrategyCluster(Base):
    """A competitor's (``category == "*"``) or a competitor-category's pricing strategy cluster.

    ``label`` is the cluster's name from its centroid (``everyday_low_price``, ``high_low``,
    ``premium``, ``discounter`` or ``mainstream``); ``features`` holds the unscaled features.
    A retailer-level row takes the label most of its categories' listings carry.
    """

    __tablename__ = "insight_strategy_cluster"
    __table_args__ = (UniqueConstraint("retailer_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailer.id"))
    category: Mapped[str] = mapped_column(String(120))
    cluster: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(40))
    confidence: Mapped[float] = mapped_column(Float)
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)
    model_version: Mapped[int | None] = mapped_column(Integer)
    computed_at: Mapped[datetime]
