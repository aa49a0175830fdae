"""Columns of the frames that retail price-intelligence code takes in (one model per frame).

Pipeline steps load these frames from the store; domain functions validate them on entry
(``Schema.validate(frame)`` coerces dtypes) and refer to columns as ``Schema.column``
(``ObservationSchema.listing_id == "listing_id"``), never as scattered string literals.
Datetimes are timezone-aware UTC, days are naive dates (``datetime64``) in the market's time
zone, money is soles (``*_pen``).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

__all__ = [
    "ListingSchema",
    "MatchSchema",
    "ObservationSchema",
    "OwnSalesSchema",
    "ProductSchema",
    "PromotionSchema",
]

_UTC = {"unit": "us", "tz": "UTC"}


class ObservationSchema(pa.DataFrameModel):
    """One price observation of one listing (regular, offer and card prices kept apart)."""

    listing_id: Series[int]
    observed_at: Series[pd.DatetimeTZDtype] = pa.Field(dtype_kwargs=_UTC)
    regular_price_pen: Series[float] = pa.Field(ge=0)
    offer_price_pen: Series[float] = pa.Field(nullable=True, ge=0)
    card_price_pen: Series[float] = pa.Field(nullable=True, ge=0)
    in_stock: Series[pd.BooleanDtype] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = True


class ListingSchema(pa.DataFrameModel):
    """A retailer's product page: its retailer, own category words and pack size."""

    listing_id: Series[int] = pa.Field(unique=True)
    retailer_id: Series[int]
    is_own: Series[bool]
    external_id: Series[str]
    name: Series[str]
    brand: Series[str] = pa.Field(nullable=True)
    ean: Series[str] = pa.Field(nullable=True)
    listing_category: Series[str] = pa.Field(nullable=True)
    size_text: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = True


class ProductSchema(pa.DataFrameModel):
    """A product of our catalog with its category and pack size."""

    product_id: Series[int] = pa.Field(unique=True)
    sku: Series[str]
    name: Series[str]
    brand: Series[str] = pa.Field(nullable=True)
    ean: Series[str] = pa.Field(nullable=True)
    category: Series[str]
    size_text: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = True


class MatchSchema(pa.DataFrameModel):
    """A listing -> product link with how it was found and its review status."""

    listing_id: Series[int]
    product_id: Series[int]
    method: Series[str]
    score: Series[float] = pa.Field(ge=0, le=1)
    status: Series[str] = pa.Field(isin=["auto", "pending", "confirmed", "rejected"])

    class Config:
        strict = False
        coerce = True


class OwnSalesSchema(pa.DataFrameModel):
    """Our own price and units sold per product and day."""

    product_id: Series[int]
    day: Series[pd.Timestamp]
    price_pen: Series[float] = pa.Field(ge=0)
    units_sold: Series[int] = pa.Field(ge=0)

    class Config:
        strict = False
        coerce = True


class PromotionSchema(pa.DataFrameModel):
    """A promotion seen on a listing: its text, first and last day, and parse when done."""

    listing_id: Series[int]
    raw_text: Series[str]
    starts_on: Series[pd.Timestamp]
    ends_on: Series[pd.Timestamp] = pa.Field(nullable=True)
    promo_type: Series[str] = pa.Field(nullable=True)
    effective_discount: Series[float] = pa.Field(nullable=True, ge=0, le=1)

    class Config:
        strict = False
        coerce = True
