"""Response models of the retail forecast endpoints (price forecasts, promotion predictions)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ModelMetricOut",
    "PriceForecastOut",
    "PromoPredictionOut",
    "ShapImportanceOut",
    "ShapReasonOut",
]


class PriceForecastOut(BaseModel):
    """A weekly mean offer-or-regular price forecast with its prediction interval."""

    model_config = ConfigDict(from_attributes=True)

    level: str = Field(description="listing or category (retailer x category)")
    retailer: str = Field(description="retailer slug")
    listing_id: int | None
    listing_name: str | None
    product_id: int | None = Field(description="our product the listing is matched to")
    category: str | None
    origin_week: date = Field(description="Monday of the last observed week")
    target_week: date = Field(description="Monday of the forecast week")
    horizon_weeks: int
    last_price_pen: float | None = Field(description="mean price of the origin week")
    forecast_pen: float
    lower_pen: float
    upper_pen: float
    coverage: float = Field(description="nominal coverage of [lower, upper]")
    model_name: str
    model_version: int


class ShapReasonOut(BaseModel):
    """A feature's contribution to a prediction, in log-odds (positive: more likely)."""

    feature: str
    value: float | None = Field(description="the feature's value (None for category means)")
    shap: float


class PromoPredictionOut(BaseModel):
    """The probability of a promotion next week, with the SHAP reasons behind it."""

    model_config = ConfigDict(from_attributes=True)

    level: str = Field(description="listing or category (retailer x category)")
    retailer: str
    listing_id: int | None
    listing_name: str | None
    category: str | None
    target_week: date
    probability: float = Field(description="listing: P(promoted); category: P(any promoted)")
    predicted: bool
    expected_share: float | None = Field(description="category: expected share promoted")
    listings: int | None
    reasons: list[ShapReasonOut]
    model_name: str
    model_version: int


class ShapImportanceOut(BaseModel):
    """Global importance of a promotion-model feature (mean absolute SHAP value)."""

    model_config = ConfigDict(from_attributes=True)

    model_name: str
    model_version: int
    feature: str
    mean_abs_shap: float
    rank: int


class ModelMetricOut(BaseModel):
    """An evaluation figure of a forecasting or promotion model, or of a baseline."""

    model_config = ConfigDict(from_attributes=True)

    model_name: str
    model_version: int
    metric: str
    method: str = Field(description="model, naive, seasonal_naive, base_rate, ...")
    segment: str
    horizon: int | None
    value: float | None
    n_obs: int
    evaluated_at: datetime
