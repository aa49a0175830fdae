"""``/api/v1/retail``: price forecasts, promotion predictions with SHAP reasons, model metrics.

JSON read from the insight tables that the ``forecast_prices`` and ``predict_promotions``
pipeline steps write. Lists are paged (``page``, ``page_size``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from pulso.api.deps import PageDep, SessionDep
from pulso.api.schemas import PageOut
from pulso.api.schemas_forecast import (
    ModelMetricOut,
    PriceForecastOut,
    PromoPredictionOut,
    ShapImportanceOut,
)
from pulso.store.queries import forecast as queries

router = APIRouter(prefix="/api/v1/retail", tags=["retail forecasts"])

Level = Annotated[
    Literal["listing", "category"] | None, Query(description="listing or category rows")
]
Category = Annotated[str | None, Query(max_length=120, description="category (any case)")]
Competitor = Annotated[str | None, Query(max_length=120, description="retailer id, slug or name")]


@router.get(
    "/forecasts",
    response_model=PageOut[PriceForecastOut],
    summary="Weekly price forecasts 1-4 weeks ahead with prediction intervals",
)
def list_forecasts(
    session: SessionDep,
    paging: PageDep,
    level: Level = None,
    listing_id: Annotated[int | None, Query(ge=1)] = None,
    product_id: Annotated[int | None, Query(ge=1)] = None,
    category: Category = None,
    competitor: Competitor = None,
    horizon: Annotated[int | None, Query(ge=1, le=52, description="weeks ahead")] = None,
) -> PageOut[PriceForecastOut]:
    page = queries.list_price_forecasts(
        session,
        page=paging.page,
        page_size=paging.page_size,
        level=level,
        listing_id=listing_id,
        product_id=product_id,
        category=category,
        retailer_id=queries.resolve_retailer(session, competitor),
        horizon=horizon,
    )
    return PageOut[PriceForecastOut].model_validate(page, from_attributes=True)


@router.get(
    "/promo-predictions",
    response_model=PageOut[PromoPredictionOut],
    summary="Next week's promotion probabilities with SHAP reasons, most likely first",
)
def list_promo_predictions(
    session: SessionDep,
    paging: PageDep,
    level: Level = None,
    competitor: Competitor = None,
    category: Category = None,
    listing_id: Annotated[int | None, Query(ge=1)] = None,
    min_probability: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
) -> PageOut[PromoPredictionOut]:
    page = queries.list_promo_predictions(
        session,
        page=paging.page,
        page_size=paging.page_size,
        level=level,
        retailer_id=queries.resolve_retailer(session, competitor),
        category=category,
        listing_id=listing_id,
        min_probability=min_probability,
    )
    return PageOut[PromoPredictionOut].model_validate(page, from_attributes=True)


@router.get(
    "/promo-predictions/importance",
    response_model=PageOut[ShapImportanceOut],
    summary="Global SHAP importance of the promotion model's features",
)
def list_promo_importance(session: SessionDep, paging: PageDep) -> PageOut[ShapImportanceOut]:
    page = queries.list_promo_importance(session, page=paging.page, page_size=paging.page_size)
    return PageOut[ShapImportanceOut].model_validate(page, from_attributes=True)


@router.get(
    "/model-metrics",
    response_model=PageOut[ModelMetricOut],
    summary="Backtest and held-out figures of the forecast and promotion models",
)
def list_model_metrics(
    session: SessionDep,
    paging: PageDep,
    model: Annotated[str | None, Query(max_length=80, description="model name")] = None,
    metric: Annotated[str | None, Query(max_length=60, description="e.g. mase, pr_auc")] = None,
    horizon: Annotated[int | None, Query(ge=1, le=52)] = None,
) -> PageOut[ModelMetricOut]:
    page = queries.list_model_metrics(
        session,
        page=paging.page,
        page_size=paging.page_size,
        model=model,
        metric=metric,
        horizon=horizon,
    )
    return PageOut[ModelMetricOut].model_validate(page, from_attributes=True)
