"""Weekly price index of each competitor per category: our prices = 100.

For a competitor ``c``, a category and a week, over the products both ``c`` and we sold that
week (matched listings with a price that week)::

    index = 100 * sum(w_p * their_price_p / our_price_p) / sum(w_p)

where a price is the week's mean daily price and ``w_p`` is our units sold of product ``p``
over the whole history (a fixed basket, so the index moves with prices, not with the mix).
Products whose sales we do not know weigh the median weight of those we know. Regular and
shelf prices (offers included) give two indexes. ``weight_share`` is the share of our
category's weight that the compared products carry: a low share means the competitor carries
little of the category. Rows with category ``"*"`` cover all categories together.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

__all__ = ["ALL_CATEGORIES", "compute_price_index", "product_weights"]

logger = logging.getLogger(__name__)

ALL_CATEGORIES = "*"
PRODUCT, RETAILER, CATEGORY, WEEK, LISTING = (
    "product_id",
    "retailer_id",
    "category",
    "week",
    "listing_id",
)
_INDEX_COLUMNS = [
    WEEK,
    CATEGORY,
    RETAILER,
    "index_regular",
    "index_shelf",
    "n_products",
    "weight_share",
]


def product_weights(product_ids: pd.Series, sales: pd.DataFrame) -> pd.Series:
    """Our units sold per product (index ``product_id``); unknown products get the median.

    ``sales`` has ``product_id`` and ``units_sold`` rows (any period). With no sales at all,
    every product weighs 1.
    """
    units = sales.groupby(PRODUCT)["units_sold"].sum() if len(sales) else pd.Series(dtype=float)
    units = units[units > 0].astype(np.float64)
    fallback = float(units.median()) if len(units) else 1.0
    return pd.Series(
        units.reindex(pd.Index(product_ids.unique(), name=PRODUCT)).fillna(fallback),
        name="weight",
    )


def compute_price_index(
    weekly: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    weights: pd.Series,
    categories: pd.Series,
    own_weekly: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The weekly index per competitor and category (see the module docstring).

    ``weekly`` is :func:`pulso.pricing.panel.weekly_prices` (``listing_id, week,
    regular_pen, shelf_pen``); ``pairs`` maps listings to products (``listing_id, product_id,
    retailer_id, is_own``); ``categories`` maps products to categories; ``own_weekly``
    (``product_id, week, regular_pen, shelf_pen``) gives our prices of products our banner has
    no listing of. Returns ``week, category, retailer_id, index_regular, index_shelf,
    n_products, weight_share``.
    """
    priced = weekly.merge(pairs, on=LISTING)
    is_own = priced["is_own"].astype(bool)
    ours = priced[is_own].groupby([PRODUCT, WEEK])[["regular_pen", "shelf_pen"]].mean()
    if own_weekly is not None and len(own_weekly):
        extra = own_weekly.set_index([PRODUCT, WEEK])[["regular_pen", "shelf_pen"]]
        ours = pd.concat([ours, extra[~extra.index.isin(ours.index)]])
    theirs = (
        priced[~is_own].groupby([PRODUCT, RETAILER, WEEK])[["regular_pen", "shelf_pen"]].mean()
    )
    both = theirs.reset_index().merge(
        ours.reset_index(), on=[PRODUCT, WEEK], suffixes=("", "_ours"), how="inner"
    )
    both = both[(both["regular_pen_ours"] > 0) & (both["shelf_pen_ours"] > 0)]
    both[CATEGORY] = both[PRODUCT].map(categories)
    both["weight"] = (
        both[PRODUCT].map(weights).fillna(float(weights.median()) if len(weights) else 1.0)
    )
    both["wr_regular"] = both["weight"] * both["regular_pen"] / both["regular_pen_ours"]
    both["wr_shelf"] = both["weight"] * both["shelf_pen"] / both["shelf_pen_ours"]
    totals = _category_weights(weights, categories)
    per_category = _aggregate(both.dropna(subset=[CATEGORY]), [WEEK, CATEGORY, RETAILER], totals)
    overall = _aggregate(
        both.assign(**{CATEGORY: ALL_CATEGORIES}), [WEEK, CATEGORY, RETAILER], totals
    )
    result = pd.concat([per_category, overall], ignore_index=True)
    logger.info("price index: %d week x category x competitor rows", len(result))
    return result.sort_values([RETAILER, CATEGORY, WEEK], ignore_index=True)[_INDEX_COLUMNS]


def _category_weights(weights: pd.Series, categories: pd.Series) -> pd.Series:
    frame = pd.DataFrame({"weight": weights, CATEGORY: categories.reindex(weights.index)})
    totals = frame.groupby(CATEGORY)["weight"].sum()
    totals[ALL_CATEGORIES] = frame["weight"].sum()
    return totals


def _aggregate(both: pd.DataFrame, keys: list[str], totals: pd.Series) -> pd.DataFrame:
    grouped = both.groupby(keys).agg(
        weight=("weight", "sum"),
        wr_regular=("wr_regular", "sum"),
        wr_shelf=("wr_shelf", "sum"),
        n_products=(PRODUCT, "nunique"),
    )
    grouped = grouped.reset_index()
    grouped["index_regular"] = (100.0 * grouped["wr_regular"] / grouped["weight"]).round(3)
    grouped["index_shelf"] = (100.0 * grouped["wr_shelf"] / grouped["weight"]).round(3)
    grouped["weight_share"] = (
        (grouped["weight"] / grouped[CATEGORY].map(totals)).clip(0, 1).round(4)
    )
    return grouped
