"""Forecast insight tables: price forecasts, promotion probabilities, SHAP and model metrics.

The ``forecast_prices`` and ``predict_promotions`` pipeline steps replace these rows on every
run (delete + insert in one transaction); the API reads them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pulso.store.tables import Base
from pulso.store.types import Money

__all__ = [
    "InsightModelMetric",
    "InsightPriceForecast",
    "InsightPromoPrediction",
    "InsightPromoShapImportance",
]


class InsightPriceForecast(Base):
    """A weekly price forecast of one listing or one retailer x category, per horizon.

    ``level`` is ``listing`` (``listing_id`` set) or ``category`` (``listing_id`` empty).
    Prices are the weekly mean offer-or-regular price; ``lower_pen``/``upper_pen`` bound the
    prediction interval (``coverage`` of it, e.g. 0.8).
    """

    __tablename__ = "insight_price_forecast"
    __table_args__ = (
        Index("ix_insight_price_forecast_level_category", "level", "category"),
        Index("ix_insight_price_forecast_listing", "listing_id", "horizon_weeks"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(10))
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailer.id"), index=True)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listing.id"))
    category: Mapped[str | None] = mapped_column(String(120))
    origin_week: Mapped[date] = mapped_column(Date)
    target_week: Mapped[date] = mapped_column(Date)
    horizon_weeks: Mapped[int] = mapped_column(Integer)
    last_price_pen: Mapped[float | None] = mapped_column(Money)
    forecast_pen: Mapped[float] = mapped_column(Money)
    lower_pen: Mapped[float] = mapped_column(Money)
    upper_pen: Mapped[float] = mapped_column(Money)
    coverage: Mapped[float] = mapped_column(Float)
    model_name: Mapped[str] = mapped_column(String(80))
    model_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


class InsightPromoPrediction(Base):
    """The probability that a listing, or a retailer x category, is on promotion next week.

    For a ``category`` row ``probability`` is the chance that at least one of its ``listings``
    is promoted and ``expected_share`` the expected share of them; ``reasons`` holds the top
    SHAP contributions (``feature``, ``value``, ``shap`` in log-odds), averaged over the
    category's listings for category rows.
    """

    __tablename__ = "insight_promo_prediction"
    __table_args__ = (
        Index("ix_insight_promo_prediction_level_probability", "level", "probability"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(10))
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailer.id"), index=True)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listing.id"), index=True)
    category: Mapped[str | None] = mapped_column(String(120), index=True)
    target_week: Mapped[date] = mapped_column(Date)
    probability: Mapped[float] = mapped_column(Float)
    predicted: Mapped[bool] = mapped_column(Boolean)
    expected_share: Mapped[float | None] = mapped_column(Float)
    listings: Mapped[int | None] = mapped_column(Integer)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    model_name: Mapped[str] = mapped_column(String(80))
    model_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


class InsightPromoShapImportance(Base):
    """Global importance of a promotion-model feature: mean absolute SHAP value (log-odds)."""

    __tablename__ = "insight_promo_shap_importance"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_name: Mapped[str] = mapped_column(String(80), index=True)
    model_version: Mapped[int] = mapped_column(Integer)
    feature: Mapped[str] = mapped_column(String(80))
    mean_abs_shap: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)


class InsightModelMetric(Base):
    """One evaluation figure of a model or of a baseline it was compared with.

    ``method`` names what was scored (``model``, ``naive``, ``seasonal_naive``, ``base_rate``,
    ``promoted_last_week``...), ``horizon`` the forecast horizon in periods when it applies
    and ``segment`` the subset scored (``all`` or e.g. ``not_on_promo``).
    """

    __tablename__ = "insight_model_metric"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_name: Mapped[str] = mapped_column(String(80), index=True)
    model_version: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(60))
    method: Mapped[str] = mapped_column(String(40))
    segment: Mapped[str] = mapped_column(String(40), default="all")
    horizon: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    n_obs: Mapped[int] = mapped_column(Integer, default=0)
    evaluated_at: Mapped[datetime]
