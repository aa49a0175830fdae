"""Columns of the frames that customer-preference code takes in (one model per boundary frame).

Pipeline steps load these frames from the store and the domain functions validate them on
entry (``Schema.validate(frame)`` coerces dtypes). Refer to a column as ``Schema.column``
(``FeedbackSchema.text == "text"``) rather than a bare string. Datetimes are timezone-aware
UTC; money is soles (``*_pen``).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

__all__ = [
    "DishSchema",
    "FeedbackSchema",
    "OrderLineSchema",
    "ShopperMonthSchema",
    "SurveyAnswerSchema",
]

_UTC = {"unit": "us", "tz": "UTC"}


class FeedbackSchema(pa.DataFrameModel):
    """One review or comment: who it is about and what it says (rating 1-5 when given)."""

    feedback_id: Series[int] = pa.Field(unique=True)
    restaurant_id: Series[int]
    created_at: Series[pd.DatetimeTZDtype] = pa.Field(dtype_kwargs=_UTC)
    text: Series[str]
    rating: Series[float] = pa.Field(nullable=True, ge=1, le=5)
    dish_id: Series[pd.Int64Dtype] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = True


class OrderLineSchema(pa.DataFrameModel):
    """One dish line of a POS order, with its order's header repeated on every line."""

    order_id: Series[int]
    restaurant_id: Series[int]
    ordered_at: Series[pd.DatetimeTZDtype] = pa.Field(dtype_kwargs=_UTC)
    diner_id: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    party_size: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    channel: Series[str] = pa.Field(nullable=True)
    dish_id: Series[int]
    quantity: Series[int] = pa.Field(ge=0)
    unit_price_pen: Series[float] = pa.Field(ge=0)

    class Config:
        strict = False
        coerce = True


class DishSchema(pa.DataFrameModel):
    """A menu item: category, price and unit cost (cost may be unknown)."""

    dish_id: Series[int] = pa.Field(unique=True)
    restaurant_id: Series[int]
    name: Series[str]
    category: Series[str] = pa.Field(nullable=True)
    price_pen: Series[float] = pa.Field(nullable=True, ge=0)
    cost_pen: Series[float] = pa.Field(nullable=True, ge=0)

    class Config:
        strict = False
        coerce = True


class ShopperMonthSchema(pa.DataFrameModel):
    """A loyalty shopper's month at one retailer (``month`` is the month's first day)."""

    shopper_key: Series[str]
    retailer_id: Series[int]
    month: Series[pd.Timestamp]
    purchases: Series[int] = pa.Field(ge=0)
    spend_pen: Series[float] = pa.Field(nullable=True, ge=0)
    social_engagements: Series[float] = pa.Field(nullable=True, ge=0)
    survey_score: Series[float] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = True


class SurveyAnswerSchema(pa.DataFrameModel):
    """One answer of one respondent to one survey question (``score`` when numeric)."""

    respondent_key: Series[str]
    question: Series[str]
    answer: Series[str]
    score: Series[float] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = True
