"""Queries of the forecasting area: weekly price aggregates in, insight tables out.

The loaders aggregate ``price_observation`` per listing and ISO week (Monday to Sunday, Lima
time) in SQL, so the models read about one row per listing and week instead of one per day.
The readers serve the API with paged insight rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import (
    Date,
    Engine,
    Select,
    and_,
    case,
    cast,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from pulso.errors import NotFoundError
from pulso.store.queries.ingest import Page
from pulso.store.tables import (
    Listing,
    PriceObservation,
    Product,
    ProductMatch,
    Retailer,
)
from pulso.store.tables_forecast import (
    InsightModelMetric,
    InsightPriceForecast,
    InsightPromoPrediction,
    InsightPromoShapImportance,
)

__all__ = [
    "ForecastRow",
    "ModelMetricRow",
    "PromoPredictionRow",
    "ShapImportanceRow",
    "list_model_metrics",
    "list_price_forecasts",
    "list_promo_importance",
    "list_promo_predictions",
    "load_listing_attributes",
    "load_product_categories",
    "load_weekly_prices",
    "price_data_version",
    "resolve_retailer",
]

#: Lima has been UTC-5 all year since 1994 (no daylight saving time).
_LIMA_OFFSET_HOURS = 5
_REJECTED = "rejected"

T = TypeVar("T")


def _week_start(engine: Engine) -> ColumnElement[Any]:
    """The Monday (Lima time) of each observation's week, as a SQL date expression."""
    observed = PriceObservation.observed_at
    if engine.dialect.name == "postgresql":
        local = func.timezone("America/Lima", observed)
        return cast(func.date_trunc("week", local), Date)
    return func.date(observed, f"-{_LIMA_OFFSET_HOURS} hours", "weekday 0", "-6 days")


def load_weekly_prices(engine: Engine) -> pd.DataFrame:
    """One row per listing and week: mean prices, promotion days and the last promotion time.

    Columns: ``listing_id``, ``week`` (Monday, ``datetime64``), ``price`` (mean offer price,
    or regular price on days without offer), ``regular``, ``n_days`` (observations),
    ``promo_days`` (observations with an offer price, a card price or a promotion text),
    ``last_promo_at`` and ``last_at`` (UTC).
    """
    observation = PriceObservation
    promo = or_(
        observation.offer_price_pen.is_not(None),
        observation.card_price_pen.is_not(None),
        observation.promo_text.is_not(None),
    )
    week = _week_start(engine).label("week")
    statement = select(
        observation.listing_id,
        week,
        func.avg(func.coalesce(observation.offer_price_pen, observation.regular_price_pen)).label(
            "price"
        ),
        func.avg(observation.regular_price_pen).label("regular"),
        func.count().label("n_days"),
        func.sum(case((promo, 1), else_=0)).label("promo_days"),
        func.max(case((promo, observation.observed_at))).label("last_promo_at"),
        func.max(observation.observed_at).label("last_at"),
    ).group_by(observation.listing_id, week)
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    frame = pd.DataFrame(
        rows,
        columns=[
            "listing_id",
            "week",
            "price",
            "regular",
            "n_days",
            "promo_days",
            "last_promo_at",
            "last_at",
        ],
    )
    frame["week"] = pd.to_datetime(frame["week"])
    for column in ("last_promo_at", "last_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    for column in ("price", "regular"):
        frame[column] = frame[column].astype("float64")
    return frame


def load_listing_attributes(engine: Engine) -> pd.DataFrame:
    """Every listing with its retailer and three category candidates.

    ``match_category`` is the category of the best-scored, not rejected product match,
    ``ean_category`` that of our product with the same EAN, ``listing_category`` the label the
    retailer gave; ``product_id`` is the matched (or same-EAN) product.
    """
    ranked = (
        select(
            ProductMatch.listing_id,
            ProductMatch.product_id,
            func.row_number()
            .over(partition_by=ProductMatch.listing_id, order_by=ProductMatch.score.desc())
            .label("rank"),
        )
        .where(ProductMatch.status != _REJECTED)
        .subquery()
    )
    best = select(ranked.c.listing_id, ranked.c.product_id).where(ranked.c.rank == 1).subquery()
    matched = aliased(Product)
    same_ean = (
        select(Product.ean, func.min(Product.id).label("product_id"))
        .where(Product.ean.is_not(None))
        .group_by(Product.ean)
        .subquery()
    )
    by_ean = aliased(Product)
    statement = (
        select(
            Listing.id.label("listing_id"),
            Listing.retailer_id,
            Retailer.slug.label("retailer"),
            Retailer.is_own,
            Listing.name,
            func.coalesce(best.c.product_id, same_ean.c.product_id).label("product_id"),
            matched.category.label("match_category"),
            by_ean.category.label("ean_category"),
            Listing.category.label("listing_category"),
        )
        .join(Retailer, Retailer.id == Listing.retailer_id)
        .outerjoin(best, best.c.listing_id == Listing.id)
        .outerjoin(matched, matched.id == best.c.product_id)
        .outerjoin(same_ean, same_ean.c.ean == Listing.ean)
        .outerjoin(by_ean, by_ean.id == same_ean.c.product_id)
        .order_by(Listing.id)
    )
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(statement).all())
    if frame.empty:
        return pd.DataFrame(
            columns=[
                "listing_id",
                "retailer_id",
                "retailer",
                "is_own",
                "name",
                "product_id",
                "match_category",
                "ean_category",
                "listing_category",
            ]
        )
    return frame


def load_product_categories(engine: Engine) -> list[str]:
    """The categories of our own catalog, sorted."""
    with engine.connect() as connection:
        rows = connection.execute(select(Product.category).distinct()).scalars().all()
    return sorted(str(row) for row in rows if row)


def price_data_version(engine: Engine) -> str:
    """A short fingerprint of the price data: row count, last id and last observation day."""
    statement = select(
        func.count(), func.max(PriceObservation.id), func.max(PriceObservation.observed_at)
    )
    with engine.connect() as connection:
        count, last_id, last_at = connection.execute(statement).one()
    day = last_at.strftime("%Y%m%d") if isinstance(last_at, datetime) else "none"
    return f"prices-{count}-{last_id or 0}-{day}"


# --------------------------------------------------------------------------- API readers


def resolve_retailer(session: Session, competitor: str | None) -> int | None:
    """The id of a retailer given by id, slug or name; raises NotFoundError when unknown."""
    if competitor is None or not competitor.strip():
        return None
    text = competitor.strip()
    condition = (
        Retailer.id == int(text)
        if text.isdigit()
        else or_(Retailer.slug == text.lower(), func.lower(Retailer.name) == text.lower())
    )
    found = session.scalar(select(Retailer.id).where(condition))
    if found is None:
        raise NotFoundError(f"retailer {competitor!r} does not exist")
    return int(found)


def _paged(
    session: Session,
    statement: Select[*tuple[Any, ...]],
    factory: Callable[..., T],
    *,
    page: int,
    page_size: int,
) -> Page[T]:
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = session.execute(statement.limit(page_size).offset((page - 1) * page_size)).all()
    return Page([factory(**row._asdict()) for row in rows], int(total or 0), page, page_size)


@dataclass(frozen=True, slots=True)
class ForecastRow:
    """A price forecast as the API shows it (see :class:`InsightPriceForecast`)."""

    level: str
    retailer: str
    listing_id: int | None
    listing_name: str | None
    product_id: int | None
    category: str | None
    origin_week: date
    target_week: date
    horizon_weeks: int
    last_price_pen: float | None
    forecast_pen: float
    lower_pen: float
    upper_pen: float
    coverage: float
    model_name: str
    model_version: int


def _matched_product() -> Any:
    """The best not-rejected product match of the forecast's listing (correlated subquery)."""
    return (
        select(ProductMatch.product_id)
        .where(
            ProductMatch.listing_id == InsightPriceForecast.listing_id,
            ProductMatch.status != _REJECTED,
        )
        .order_by(ProductMatch.score.desc())
        .limit(1)
        .correlate(InsightPriceForecast)
        .scalar_subquery()
    )


def list_price_forecasts(
    session: Session,
    *,
    page: int = 1,
    page_size: int = 50,
    level: str | None = None,
    listing_id: int | None = None,
    product_id: int | None = None,
    category: str | None = None,
    retailer_id: int | None = None,
    horizon: int | None = None,
) -> Page[ForecastRow]:
    """Price forecasts by retailer, category, listing and horizon, filtered."""
    forecast = InsightPriceForecast
    statement = (
        select(
            forecast.level,
            Retailer.slug.label("retailer"),
            forecast.listing_id,
            Listing.name.label("listing_name"),
            _matched_product().label("product_id"),
            forecast.category,
            forecast.origin_week,
            forecast.target_week,
            forecast.horizon_weeks,
            forecast.last_price_pen,
            forecast.forecast_pen,
            forecast.lower_pen,
            forecast.upper_pen,
            forecast.coverage,
            forecast.model_name,
            forecast.model_version,
        )
        .join(Retailer, Retailer.id == forecast.retailer_id)
        .outerjoin(Listing, Listing.id == forecast.listing_id)
        .order_by(
            forecast.level,
            Retailer.slug,
            forecast.category,
            forecast.listing_id,
            forecast.horizon_weeks,
        )
    )
    if level is not None:
        statement = statement.where(forecast.level == level)
    if listing_id is not None:
        statement = statement.where(forecast.listing_id == listing_id)
    if product_id is not None:
        statement = statement.where(
            exists().where(
                and_(
                    ProductMatch.listing_id == forecast.listing_id,
                    ProductMatch.product_id == product_id,
                    ProductMatch.status != _REJECTED,
                )
            )
        )
    if category is not None:
        statement = statement.where(func.lower(forecast.category) == category.lower())
    if retailer_id is not None:
        statement = statement.where(forecast.retailer_id == retailer_id)
    if horizon is not None:
        statement = statement.where(forecast.horizon_weeks == horizon)
    return _paged(session, statement, ForecastRow, page=page, page_size=page_size)


@dataclass(frozen=True, slots=True)
class PromoPredictionRow:
    """A promotion probability as the API shows it (see :class:`InsightPromoPrediction`)."""

    level: str
    retailer: str
    listing_id: int | None
    listing_name: str | None
    category: str | None
    target_week: date
    probability: float
    predicted: bool
    expected_share: float | None
    listings: int | None
    reasons: list[dict[str, Any]]
    model_name: str
    model_version: int


def list_promo_predictions(
    session: Session,
    *,
    page: int = 1,
    page_size: int = 50,
    level: str | None = None,
    retailer_id: int | None = None,
    category: str | None = None,
    listing_id: int | None = None,
    min_probability: float | None = None,
) -> Page[PromoPredictionRow]:
    """Next week's promotion probabilities, most likely first."""
    prediction = InsightPromoPrediction
    statement = (
        select(
            prediction.level,
            Retailer.slug.label("retailer"),
            prediction.listing_id,
            Listing.name.label("listing_name"),
            prediction.category,
            prediction.target_week,
            prediction.probability,
            prediction.predicted,
            prediction.expected_share,
            prediction.listings,
            prediction.reasons,
            prediction.model_name,
            prediction.model_version,
        )
        .join(Retailer, Retailer.id == prediction.retailer_id)
        .outerjoin(Listing, Listing.id == prediction.listing_id)
        .order_by(prediction.probability.desc(), prediction.expected_share.desc(), prediction.id)
    )
    if level is not None:
        statement = statement.where(prediction.level == level)
    if retailer_id is not None:
        statement = statement.where(prediction.retailer_id == retailer_id)
    if category is not None:
        statement = statement.where(func.lower(prediction.category) == category.lower())
    if listing_id is not None:
        statement = statement.where(prediction.listing_id == listing_id)
    if min_probability is not None:
        statement = statement.where(prediction.probability >= min_probability)
    return _paged(session, statement, PromoPredictionRow, page=page, page_size=page_size)


@dataclass(frozen=True, slots=True)
class ShapImportanceRow:
    """A feature's global importance (see :class:`InsightPromoShapImportance`)."""

    model_name: str
    model_version: int
    feature: str
    mean_abs_shap: float
    rank: int


def list_promo_importance(
    session: Session, *, page: int = 1, page_size: int = 50
) -> Page[ShapImportanceRow]:
    """Global SHAP importance of the promotion model's features, most important first."""
    importance = InsightPromoShapImportance
    statement = select(
        importance.model_name,
        importance.model_version,
        importance.feature,
        importance.mean_abs_shap,
        importance.rank,
    ).order_by(importance.model_name, importance.rank)
    return _paged(session, statement, ShapImportanceRow, page=page, page_size=page_size)


@dataclass(frozen=True, slots=True)
class ModelMetricRow:
    """An evaluation figure (see :class:`InsightModelMetric`)."""

    model_name: str
    model_version: int
    metric: str
    method: str
    segment: str
    horizon: int | None
    value: float | None
    n_obs: int
    evaluated_at: datetime


def list_model_metrics(
    session: Session,
    *,
    page: int = 1,
    page_size: int = 50,
    model: str | None = None,
    metric: str | None = None,
    horizon: int | None = None,
) -> Page[ModelMetricRow]:
    """Evaluation figures of the forecasting and promotion models and their baselines."""
    row = InsightModelMetric
    statement = select(
        row.model_name,
        row.model_version,
        row.metric,
        row.method,
        row.segment,
        row.horizon,
        row.value,
        row.n_obs,
        row.evaluated_at,
    ).order_by(row.model_name, row.metric, row.segment, row.horizon, row.method)
    if model is not None:
        statement = statement.where(row.model_name == model)
    if metric is not None:
        statement = statement.where(row.metric == metric)
    if horizon is not None:
        statement = statement.where(row.horizon == horizon)
    return _paged(session, statement, ModelMetricRow, page=page, page_size=page_size)
