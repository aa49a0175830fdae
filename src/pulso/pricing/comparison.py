"""Competitor prices against ours: gaps in soles and percent, unit prices, categories.

:func:`compare_prices` pairs each matched competitor listing's latest prices with our own
latest prices for the product (from our banner's listing of it, else from our sales) and keeps
the three price levels apart (regular, shelf, card; see :mod:`pulso.pricing.panel`). Gaps are
``theirs - ours``: positive means the competitor is dearer. Unit prices (S/ per kg, litre or
unit) use each side's own pack size, so a pack difference or a shrunk pack (400 g -> 380 g at a
higher price) shows as a unit-price gap that differs from the price gap.

:func:`listing_categories` puts every listing into one of our categories: the category of the
product it is matched to, else the category that most matched listings of its retailer's own
category belong to (a retailer's "Despensa" becomes our "Abarrotes").
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
import pandas as pd

from pulso.ingest.sizes import PackSize, find_size_in_name, parse_size
from pulso.pricing.schemas import ListingSchema, MatchSchema, ProductSchema

__all__ = [
    "ACCEPTED_STATUSES",
    "accepted_matches",
    "compare_prices",
    "listing_categories",
    "unit_sizes",
]

logger = logging.getLogger(__name__)

#: Match statuses whose pairs feed the insights (pending pairs wait for review first).
ACCEPTED_STATUSES = ("auto", "confirmed")

_MEASURES = {"g": ("kg", 1000.0), "ml": ("l", 1000.0), "un": ("un", 1.0)}
LISTING, PRODUCT, RETAILER, CATEGORY = "listing_id", "product_id", "retailer_id", "category"
DAY = "day"
LEVELS = ("regular", "shelf", "card")


def accepted_matches(matches: pd.DataFrame) -> pd.DataFrame:
    """The ``auto`` and ``confirmed`` pairs, one product per listing (the best score)."""
    matches = MatchSchema.validate(matches)
    accepted = matches[matches[MatchSchema.status].isin(ACCEPTED_STATUSES)]
    ranked = accepted.assign(_confirmed=accepted[MatchSchema.status].eq("confirmed")).sort_values(
        ["_confirmed", MatchSchema.score], ascending=False, kind="stable"
    )
    return (
        ranked.drop_duplicates(MatchSchema.listing_id)
        .drop(columns="_confirmed")
        .reset_index(drop=True)
    )


def listing_categories(
    listings: pd.DataFrame, matches: pd.DataFrame, products: pd.DataFrame
) -> pd.Series:
    """Our category of every listing (index ``listing_id``; NaN when none can be told)."""
    listings = ListingSchema.validate(listings)
    products = ProductSchema.validate(products)
    pairs = accepted_matches(matches)
    by_product = products.set_index(ProductSchema.product_id)[ProductSchema.category]
    matched = pairs.set_index(MatchSchema.listing_id)[MatchSchema.product_id].map(by_product)
    frame = listings.set_index(ListingSchema.listing_id)
    known = frame.join(matched.rename(CATEGORY), how="inner").dropna(
        subset=[ListingSchema.listing_category, CATEGORY]
    )
    votes = known.groupby([ListingSchema.retailer_id, ListingSchema.listing_category])[CATEGORY]
    mapping = votes.agg(lambda values: values.value_counts().index[0])
    keys = pd.MultiIndex.from_frame(
        frame[[ListingSchema.retailer_id, ListingSchema.listing_category]]
    )
    mapped = pd.Series(mapping.reindex(keys).to_numpy(), index=frame.index)
    return matched.reindex(frame.index).astype(object).fillna(mapped).rename(CATEGORY)


def unit_sizes(size_texts: Iterable[str | None], names: Iterable[str | None]) -> pd.DataFrame:
    """The measure (``kg``, ``l`` or ``un``) and total content in it of each pack.

    The size is read from the size text, else from the name. Returns ``unit_measure`` and
    ``unit_quantity`` (NaN where no size can be read).
    """
    measures: list[str | None] = []
    quantities: list[float] = []
    for size_text, name in zip(size_texts, names, strict=True):
        size = _read_size(size_text, name)
        if size is None or size.total <= 0:
            measures.append(None)
            quantities.append(np.nan)
            continue
        measure, factor = _MEASURES[size.unit]
        measures.append(measure)
        quantities.append(size.total / factor)
    return pd.DataFrame({"unit_measure": measures, "unit_quantity": quantities})


def _read_size(size_text: str | None, name: str | None) -> PackSize | None:
    if isinstance(size_text, str) and size_text.strip():
        parsed = parse_size(size_text)
        if parsed is not None:
            return parsed
    return find_size_in_name(name) if isinstance(name, str) else None


def compare_prices(
    latest: pd.DataFrame,
    *,
    listings: pd.DataFrame,
    products: pd.DataFrame,
    matches: pd.DataFrame,
    categories: pd.Series,
    own_sales: pd.DataFrame | None = None,
    key_items: Iterable[int] = (),
) -> pd.DataFrame:
    """One row per matched competitor listing: its latest prices against ours.

    ``latest`` is :func:`pulso.pricing.panel.latest_prices` (index ``listing_id``) with an
    optional ``card_name`` column; ``own_sales`` (``product_id, day, price_pen``) gives our
    price for products our banner has no listing of. Returns the columns of the
    ``insight_price_gap`` table.
    """
    listings = ListingSchema.validate(listings)
    products = ProductSchema.validate(products)
    pairs = accepted_matches(matches).merge(
        listings[[ListingSchema.listing_id, ListingSchema.retailer_id, ListingSchema.is_own]],
        on=MatchSchema.listing_id,
    )
    ours = _our_latest(pairs[pairs[ListingSchema.is_own]], latest, own_sales)
    theirs = pairs[~pairs[ListingSchema.is_own]].join(
        latest, on=MatchSchema.listing_id, how="inner"
    )
    gaps = theirs.merge(ours, on=MatchSchema.product_id, how="left")
    for level in LEVELS:
        mine, other = gaps[f"our_{level}_pen"], gaps[f"{level}_pen"]
        gaps[f"gap_{level}_pen"] = (other - mine).round(2)
        gaps[f"gap_{level}_pct"] = ((other / mine - 1.0) * 100.0).round(2)
    gaps = _with_unit_prices(gaps, listings=listings, products=products)
    gaps[CATEGORY] = gaps[MatchSchema.listing_id].map(categories).astype(object)
    gaps[CATEGORY] = gaps[CATEGORY].fillna(
        gaps[MatchSchema.product_id].map(
            products.set_index(ProductSchema.product_id)[ProductSchema.category]
        )
    )
    gaps["key_item"] = gaps[MatchSchema.product_id].isin(set(key_items))
    return _gap_columns(gaps)


def _our_latest(
    own_pairs: pd.DataFrame, latest: pd.DataFrame, own_sales: pd.DataFrame | None
) -> pd.DataFrame:
    """Our latest prices per product: our banner's listing, else our latest sale price."""
    mine = own_pairs.join(latest, on=MatchSchema.listing_id, how="inner")
    mine = mine.sort_values(DAY).drop_duplicates(MatchSchema.product_id, keep="last")
    frame = pd.DataFrame(
        {
            MatchSchema.product_id: mine[MatchSchema.product_id].to_numpy(),
            "our_observed_on": mine[DAY].to_numpy(),
            **{f"our_{level}_pen": mine[f"{level}_pen"].to_numpy() for level in LEVELS},
        }
    )
    if own_sales is None or own_sales.empty:
        return frame
    sales = own_sales.sort_values(DAY).drop_duplicates(PRODUCT, keep="last")
    sales = sales[~sales[PRODUCT].isin(frame[MatchSchema.product_id])]
    fallback = pd.DataFrame(
        {
            MatchSchema.product_id: sales[PRODUCT].to_numpy(),
            "our_observed_on": pd.to_datetime(sales[DAY]).to_numpy(),
            **{f"our_{level}_pen": sales["price_pen"].to_numpy() for level in LEVELS},
        }
    )
    return pd.concat([frame, fallback], ignore_index=True)


def _with_unit_prices(
    gaps: pd.DataFrame, *, listings: pd.DataFrame, products: pd.DataFrame
) -> pd.DataFrame:
    listing_rows = listings.set_index(ListingSchema.listing_id).loc[gaps[MatchSchema.listing_id]]
    product_rows = products.set_index(ProductSchema.product_id).loc[gaps[MatchSchema.product_id]]
    theirs = unit_sizes(listing_rows[ListingSchema.size_text], listing_rows[ListingSchema.name])
    ours = unit_sizes(product_rows[ProductSchema.size_text], product_rows[ProductSchema.name])
    same_measure = np.asarray(
        theirs["unit_measure"].to_numpy() == ours["unit_measure"].to_numpy(), dtype=bool
    )
    their_unit = gaps["shelf_pen"].to_numpy() / theirs["unit_quantity"].to_numpy()
    our_unit = gaps["our_shelf_pen"].to_numpy() / ours["unit_quantity"].to_numpy()
    gaps = gaps.assign(
        their_size_text=listing_rows[ListingSchema.size_text].to_numpy(),
        our_size_text=product_rows[ProductSchema.size_text].to_numpy(),
        unit_measure=ours["unit_measure"].where(same_measure).to_numpy(dtype=object),
        their_unit_price_pen=np.where(same_measure, their_unit, np.nan).round(4),
        our_unit_price_pen=np.where(same_measure, our_unit, np.nan).round(4),
        size_differs=~np.isclose(
            theirs["unit_quantity"].to_numpy(), ours["unit_quantity"].to_numpy(), rtol=1e-3
        )
        & ~np.isnan(theirs["unit_quantity"].to_numpy())
        & ~np.isnan(ours["unit_quantity"].to_numpy()),
    )
    gaps["gap_unit_pct"] = (
        (gaps["their_unit_price_pen"] / gaps["our_unit_price_pen"] - 1.0) * 100.0
    ).round(2)
    return gaps


def _gap_columns(gaps: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "product_id": gaps[MatchSchema.product_id].astype("int64"),
            "retailer_id": gaps[ListingSchema.retailer_id].astype("int64"),
            "listing_id": gaps[MatchSchema.listing_id].astype("int64"),
            "category": gaps[CATEGORY].astype(object),
            "match_status": gaps[MatchSchema.status].astype(str),
            "key_item": gaps["key_item"].astype(bool),
            "observed_on": pd.to_datetime(gaps[DAY]).dt.date,
            "our_observed_on": pd.to_datetime(gaps["our_observed_on"]).dt.date.astype(object),
            **{f"our_{level}_pen": gaps[f"our_{level}_pen"] for level in LEVELS},
            **{f"their_{level}_pen": gaps[f"{level}_pen"] for level in LEVELS},
            "their_card_name": gaps.get("card_name"),
            "their_in_stock": gaps["in_stock"],
            **{
                f"gap_{level}_{unit}": gaps[f"gap_{level}_{unit}"]
                for level in LEVELS
                for unit in ("pen", "pct")
            },
            "unit_measure": gaps["unit_measure"],
            "our_size_text": gaps["our_size_text"],
            "their_size_text": gaps["their_size_text"],
            "our_unit_price_pen": gaps["our_unit_price_pen"],
            "their_unit_price_pen": gaps["their_unit_price_pen"],
            "gap_unit_pct": gaps["gap_unit_pct"],
            "size_differs": gaps["size_differs"].astype(bool),
        }
    ).reset_index(drop=True)
