"""Response and request models of ``/api/v1/retail`` (the retail part of the OpenAPI contract).

Prices are soles (``*_pen``); ``*_pct`` are percentages (``-5.0`` = 5 % cheaper than us);
shares, rates and discounts are in [0, 1]. ``category="*"`` rows cover all categories.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AcknowledgeIn",
    "ActivitySummaryOut",
    "AlertOut",
    "ClusterOut",
    "DecisionIn",
    "ListingActivityOut",
    "ManualMatchIn",
    "MatchOut",
    "PriceGapOut",
    "PriceIndexOut",
    "PricePointOut",
    "ProductHistoryOut",
    "PromoCalendarOut",
    "PromoStatsOut",
    "PromotionOut",
    "RetailerSeriesOut",
]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class MatchOut(_Out):
    """A listing -> product pair: how it was found, its score and its review status."""

    id: int
    listing_id: int
    product_id: int
    method: str = Field(description="ean, sku, model, rules, ground_truth or manual")
    score: float
    status: str = Field(description="auto, pending (review queue), confirmed or rejected")
    decided_by: str | None
    decided_at: datetime | None
    retailer_id: int
    retailer_name: str
    external_id: str
    listing_name: str
    listing_ean: str | None
    sku: str
    product_name: str
    category: str
    product_size: str | None


class DecisionIn(BaseModel):
    """Who confirms or rejects a proposed pair."""

    decided_by: str = Field(min_length=1, max_length=120)


class ManualMatchIn(BaseModel):
    """An analyst's own listing -> product pair."""

    listing_id: int = Field(ge=1)
    product_id: int = Field(ge=1)
    decided_by: str = Field(min_length=1, max_length=120)


class PriceGapOut(_Out):
    """A competitor listing's latest prices against ours (gaps are theirs minus ours)."""

    product_id: int
    sku: str
    product_name: str
    retailer_id: int
    retailer_name: str
    listing_id: int
    listing_name: str
    category: str
    match_status: str
    key_item: bool
    observed_on: date
    our_observed_on: date | None
    our_regular_pen: float | None
    our_shelf_pen: float | None
    our_card_pen: float | None
    their_regular_pen: float
    their_shelf_pen: float
    their_card_pen: float
    their_card_name: str | None
    their_in_stock: bool | None
    gap_regular_pen: float | None
    gap_regular_pct: float | None
    gap_shelf_pen: float | None
    gap_shelf_pct: float | None
    gap_card_pen: float | None
    gap_card_pct: float | None
    unit_measure: str | None = Field(description="kg, l or un")
    our_size_text: str | None
    their_size_text: str | None
    our_unit_price_pen: float | None
    their_unit_price_pen: float | None
    gap_unit_pct: float | None
    size_differs: bool


class PriceIndexOut(_Out):
    """A competitor's weekly price index in a category (our prices = 100)."""

    week: date
    category: str
    retailer_id: int
    retailer_name: str
    index_regular: float
    index_shelf: float
    n_products: int
    weight_share: float


class ListingActivityOut(_Out):
    """A listing's availability, price changes and promotions over its history."""

    listing_id: int
    listing_name: str
    retailer_id: int
    retailer_name: str
    product_id: int | None
    category: str | None
    first_day: date
    last_day: date
    days_observed: int
    stockout_rate: float
    stockout_runs: int
    price_changes: int
    price_increases: int
    price_decreases: int
    mean_abs_change_pct: float | None
    promo_day_share: float
    volatility: float
    mean_regular_pen: float
    latest_regular_pen: float
    latest_shelf_pen: float
    latest_in_stock: bool | None
    anomalies: int


class ActivitySummaryOut(_Out):
    """Availability and price changes of a competitor's listings in a category."""

    retailer_id: int
    retailer_name: str
    category: str | None
    listings: int
    stockout_rate: float = Field(description="mean share of days out of stock")
    stockout_runs: int
    price_changes: int
    price_increases: int
    price_decreases: int
    mean_abs_change_pct: float | None
    promo_day_share: float
    days_observed: int


class PricePointOut(BaseModel):
    """One observation of one listing."""

    observed_at: datetime
    regular_price_pen: float
    offer_price_pen: float | None
    card_price_pen: float | None
    in_stock: bool | None
    promo_text: str | None


class RetailerSeriesOut(BaseModel):
    """One retailer's listing of the product and its prices over time."""

    retailer_id: int
    retailer_name: str
    is_own: bool
    listing_id: int
    points: list[PricePointOut]


class ProductHistoryOut(BaseModel):
    """A product's prices at every retailer that sells it (ours included)."""

    product_id: int
    sku: str
    name: str
    category: str
    series: list[RetailerSeriesOut]


class PromotionOut(_Out):
    """A promotion with its parsed mechanism and effective discount."""

    id: int
    listing_id: int
    listing_name: str
    retailer_id: int
    retailer_name: str
    product_id: int | None
    category: str | None
    name: str | None
    raw_text: str
    promo_type: str | None
    parameters: dict[str, Any]
    effective_discount: float | None
    starts_on: date
    ends_on: date | None


class PromoStatsOut(_Out):
    """Promotion depth, duration and frequency of a competitor in a category."""

    retailer_id: int
    retailer_name: str
    category: str
    period_start: date
    period_end: date
    listings: int
    promotions: int
    promos_per_listing_month: float
    promo_day_share: float
    mean_depth: float | None
    median_depth: float | None
    max_depth: float | None
    mean_duration_days: float | None
    median_duration_days: float | None
    unknown_share: float
    type_mix: dict[str, float]


class PromoCalendarOut(_Out):
    """Promotions of a competitor in a category in one week (``week`` is its Monday)."""

    week: date
    retailer_id: int
    retailer_name: str
    category: str
    promotions_active: int
    promotions_started: int
    listings_on_promo: int
    listing_share: float
    mean_depth: float | None
    campaigns: list[str]


class ClusterOut(_Out):
    """A competitor's (``category="*"``) or competitor-category's strategy cluster."""

    retailer_id: int
    retailer_name: str
    category: str
    cluster: int
    label: str = Field(
        description="everyday_low_price, high_low, premium, discounter or mainstream"
    )
    confidence: float
    features: dict[str, float | None]
    model_version: int | None
    computed_at: datetime


class AlertOut(_Out):
    """An alert: what happened, how serious, and whether someone saw it."""

    id: int
    dedup_key: str
    kind: str
    severity: str
    title: str
    detail: dict[str, Any]
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None


class AcknowledgeIn(BaseModel):
    """Who acknowledges an alert."""

    acknowledged_by: str = Field(min_length=1, max_length=120)
