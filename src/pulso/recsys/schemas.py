"""Columns of the frames the recommender takes in (one model per boundary frame).

Ids are strings inside the recommender (``"U1077"``, ``"135085"``, ``"42"``) so CSV files and
the store meet on one type. Refer to a column as ``Schema.column``
(``InteractionSchema.user_id == "user_id"``) rather than a bare string.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

__all__ = ["InteractionSchema", "ItemSchema", "UserSchema"]

_UTC = {"unit": "us", "tz": "UTC"}


class InteractionSchema(pa.DataFrameModel):
    """One user-item event: an order line (implicit, ``weight``) or a rating (explicit).

    ``weight`` is how strong the implicit signal is (1 per order); ``rating`` is the explicit
    score when one was given (any numeric scale); ``timestamp`` is optional.
    """

    user_id: Series[str]
    item_id: Series[str]
    weight: Series[float] = pa.Field(gt=0)
    rating: Series[float] = pa.Field(nullable=True)
    timestamp: Series[pd.DatetimeTZDtype] | None = pa.Field(nullable=True, dtype_kwargs=_UTC)

    class Config:
        strict = False
        coerce = True


class ItemSchema(pa.DataFrameModel):
    """An item (dish or restaurant): display name, content text and side-feature tokens.

    ``features`` holds tokens such as ``"category=ceviches"`` or ``"tag=picante"``; ``text`` is
    what the content model reads (name, description, ingredients, tags, feedback).
    """

    item_id: Series[str] = pa.Field(unique=True)
    name: Series[str]
    text: Series[str]
    features: Series[object]

    class Config:
        strict = False
        coerce = True


class UserSchema(pa.DataFrameModel):
    """A user (diner) and side-feature tokens such as ``"diet=vegetariano"``."""

    user_id: Series[str] = pa.Field(unique=True)
    features: Series[object]

    class Config:
        strict = False
        coerce = True
