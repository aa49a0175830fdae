"""Promotions: runs of promotion texts, their parse, and depth, duration and frequency.

* :func:`promotion_runs` turns the promotion texts shown on price observations into
  promotions: consecutive days of one listing with the same text (gaps of up to
  ``max_gap_days`` unobserved days allowed) are one promotion from its first to its last day.
  :func:`unseen_runs` drops the runs that an imported promotion already covers (same listing
  and text, overlapping days).
* :func:`parse_promotions` parses each text with :func:`pulso.pricing.promo_text.parse_promo`
  (the regular price on the first day resolves amount-based promotions). A text without a
  stated price whose discount the text alone cannot tell ("Precio exclusivo CMR") takes the
  discount of the card or offer price observed on its first day; ``discount_source`` in the
  parameters says which (``text`` or ``observed_price``).
* :func:`promo_stats` sums up depth (effective discount), duration and frequency per retailer
  and category; :func:`promo_calendar` counts the promotions active and started each week.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from pulso.pricing.panel import week_start
from pulso.pricing.promo_text import PromoParse, PromoType, parse_promo

__all__ = [
    "ALL_CATEGORIES",
    "parse_promotions",
    "promo_calendar",
    "promo_stats",
    "promotion_runs",
    "unseen_runs",
]

logger = logging.getLogger(__name__)

ALL_CATEGORIES = "*"
LISTING, RETAILER, CATEGORY, DAY, WEEK = "listing_id", "retailer_id", "category", "day", "week"
TEXT, STARTS, ENDS, TYPE, DISCOUNT = (
    "raw_text",
    "starts_on",
    "ends_on",
    "promo_type",
    "effective_discount",
)
_DAYS_PER_MONTH = 30.0


def promotion_runs(texts: pd.DataFrame, *, max_gap_days: int = 2) -> pd.DataFrame:
    """Runs of one text on one listing: ``listing_id, raw_text, starts_on, ends_on``.

    ``texts`` has one row per listing and day a promotion text was shown (``listing_id, day,
    promo_text``); a run ends when the text changes or more than ``max_gap_days`` days pass.
    """
    columns = [LISTING, TEXT, STARTS, ENDS]
    frame = texts.dropna(subset=["promo_text"])
    frame = frame[frame["promo_text"].astype(str).str.strip() != ""]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame.assign(**{DAY: pd.to_datetime(frame[DAY]).dt.normalize()})
    frame = frame.sort_values([LISTING, DAY], kind="stable").drop_duplicates(
        [LISTING, DAY], keep="last"
    )
    text = frame["promo_text"].astype(str).str.strip()
    gap = frame[DAY].diff().dt.days
    starts = (
        frame[LISTING].ne(frame[LISTING].shift())
        | text.ne(text.shift())
        | (gap > max_gap_days + 1)
    )
    run = starts.cumsum()
    runs = (
        frame.assign(**{TEXT: text})
        .groupby(run.to_numpy())
        .agg(
            listing_id=(LISTING, "first"),
            raw_text=(TEXT, "first"),
            starts_on=(DAY, "min"),
            ends_on=(DAY, "max"),
        )
    )
    return runs.reset_index(drop=True)[columns]


def unseen_runs(runs: pd.DataFrame, known: pd.DataFrame) -> pd.DataFrame:
    """The ``runs`` that no ``known`` promotion of the same listing and text overlaps.

    A known promotion without an end is taken to last its first day only.
    """
    if runs.empty or known.empty:
        return runs.reset_index(drop=True)
    known = known.assign(
        _start=pd.to_datetime(known[STARTS]),
        _end=pd.to_datetime(known[ENDS]).fillna(pd.to_datetime(known[STARTS])),
    )[[LISTING, TEXT, "_start", "_end"]]
    numbered = runs.reset_index(drop=True).rename_axis("_run").reset_index()
    pairs = numbered.merge(known, on=[LISTING, TEXT])
    overlap = (pd.to_datetime(pairs[STARTS]) <= pairs["_end"]) & (
        pd.to_datetime(pairs[ENDS]) >= pairs["_start"]
    )
    covered = set(pairs.loc[overlap, "_run"])
    return numbered[~numbered["_run"].isin(covered)].drop(columns="_run").reset_index(drop=True)


def parse_promotions(
    promotions: pd.DataFrame,
    *,
    regular_prices: pd.Series,
    observed_discounts: pd.Series | None = None,
) -> pd.DataFrame:
    """Parse each ``raw_text`` (aligned ``regular_prices`` and ``observed_discounts``).

    ``regular_prices`` holds the regular unit price on the promotion's first day (NaN where
    unknown), ``observed_discounts`` the discount of the card or offer price seen that day
    (``1 - price / regular``). Returns ``promo_type``, ``parameters`` (a dict per row) and
    ``effective_discount`` aligned with ``promotions``.
    """
    observed = (
        observed_discounts
        if observed_discounts is not None
        else pd.Series(np.nan, index=promotions.index)
    )
    starts = pd.to_datetime(promotions[STARTS]).dt.date.tolist()
    texts = promotions[TEXT].astype(str).tolist()
    shared = _price_free_parses(texts, starts)
    types, parameters, discounts = [], [], []
    for text, start, regular, seen in zip(
        texts,
        starts,
        regular_prices.to_numpy(dtype=np.float64, na_value=np.nan),
        observed.to_numpy(dtype=np.float64, na_value=np.nan),
        strict=True,
    ):
        parsed = shared.get(text) or parse_promo(
            text,
            regular_price_pen=None if np.isnan(regular) else float(regular),
            reference_date=start,
        )
        document: dict[str, Any] = parsed.to_dict()
        discount = document.pop("effective_discount")
        document.pop("type")
        source = "text" if discount is not None else None
        if discount is None and parsed.promo_type != PromoType.UNKNOWN and not np.isnan(seen):
            discount, source = round(float(np.clip(seen, 0.0, 1.0)), 4), "observed_price"
        types.append(parsed.promo_type.value)
        parameters.append(document | {"discount_source": source})
        discounts.append(discount)
    return pd.DataFrame(
        {TYPE: types, "parameters": parameters, DISCOUNT: pd.array(discounts, dtype="Float64")},
        index=promotions.index,
    )


def _price_free_parses(texts: list[str], starts: list[date]) -> dict[str, PromoParse]:
    """The parse of each distinct text that depends neither on the regular price nor on the
    reference date (no amount to resolve, no date written): parsed once, shared by its rows."""
    first_start = dict(zip(texts[::-1], starts[::-1], strict=True))
    shared = {}
    for text, start in first_start.items():
        parsed = parse_promo(text, reference_date=start)
        if (
            not parsed.needs_regular_price
            and parsed.valid_from is None
            and parsed.valid_to is None
        ):
            shared[text] = parsed
    return shared


def promo_stats(promotions: pd.DataFrame, listings: pd.DataFrame) -> pd.DataFrame:
    """Depth, duration and frequency of promotions per retailer and category (and ``"*"``).

    ``promotions`` has ``listing_id, promo_type, effective_discount, starts_on, ends_on``;
    ``listings`` has ``listing_id, retailer_id, category, first_day, last_day,
    days_observed, promo_days`` (days with an offer, card price or promotion text). A
    promotion counts for its listing's group when it starts within the listing's observed
    span. Returns the columns of the ``insight_promo_stats`` table.
    """
    listings = listings.assign(**{CATEGORY: listings[CATEGORY].fillna("")})
    frame = promotions.merge(listings, on=LISTING)
    starts = pd.to_datetime(frame[STARTS])
    frame = frame[
        (starts >= pd.to_datetime(frame["first_day"]))
        & (starts <= pd.to_datetime(frame["last_day"]))
    ]
    frame = frame.assign(
        duration=(pd.to_datetime(frame[ENDS]) - pd.to_datetime(frame[STARTS])).dt.days + 1
    )
    rows = []
    for keys, group_listings, group_promos in _groups(listings, frame):
        rows.append(_stats_row(keys, group_listings, group_promos))
    return pd.DataFrame(rows)


def _groups(
    listings: pd.DataFrame, promotions: pd.DataFrame
) -> list[tuple[tuple[int, str], pd.DataFrame, pd.DataFrame]]:
    groups = []
    for retailer in sorted(listings[RETAILER].unique().tolist()):
        retailer_listings = listings[listings[RETAILER] == retailer]
        retailer_promos = promotions[promotions[RETAILER] == retailer]
        groups.append(((int(retailer), ALL_CATEGORIES), retailer_listings, retailer_promos))
        for category in sorted(retailer_listings[CATEGORY].unique().tolist()):
            if category:
                category_listings = retailer_listings[retailer_listings[CATEGORY] == category]
                promos = retailer_promos[retailer_promos[CATEGORY] == category]
                groups.append(((int(retailer), str(category)), category_listings, promos))
    return groups


def _stats_row(
    keys: tuple[int, str], listings: pd.DataFrame, promotions: pd.DataFrame
) -> dict[str, Any]:
    days = float(listings["days_observed"].sum())
    depth = promotions[DISCOUNT].dropna().astype(float)
    duration = promotions["duration"].dropna().astype(float)
    types = promotions[TYPE].fillna(PromoType.UNKNOWN.value).value_counts(normalize=True)
    return {
        RETAILER: keys[0],
        CATEGORY: keys[1],
        "period_start": pd.to_datetime(listings["first_day"]).min().date(),
        "period_end": pd.to_datetime(listings["last_day"]).max().date(),
        "listings": len(listings),
        "promotions": len(promotions),
        "promos_per_listing_month": round(len(promotions) / days * _DAYS_PER_MONTH, 4)
        if days
        else 0.0,
        "promo_day_share": round(float(listings["promo_days"].sum()) / days, 4) if days else 0.0,
        "mean_depth": _rounded(depth.mean()),
        "median_depth": _rounded(depth.median()),
        "max_depth": _rounded(depth.max()),
        "mean_duration_days": _rounded(duration.mean()),
        "median_duration_days": _rounded(duration.median()),
        "unknown_share": round(float(types.get(PromoType.UNKNOWN.value, 0.0)), 4),
        "type_mix": {str(name): round(float(share), 4) for name, share in types.items()},
    }


def _rounded(value: float) -> float | None:
    return None if pd.isna(value) else round(float(value), 4)


def promo_calendar(promotions: pd.DataFrame, listings: pd.DataFrame) -> pd.DataFrame:
    """Promotions active and started per week, retailer and category (and ``"*"``).

    ``promotions`` has ``listing_id, starts_on, ends_on, effective_discount`` and optionally
    ``name`` (the campaign); ``listings`` has ``listing_id, retailer_id, category``. A
    promotion without an end counts for the week it starts. ``listing_share`` is the share of
    the group's listings on promotion that week. Returns the columns of the
    ``insight_promo_calendar`` table.
    """
    columns = [
        WEEK,
        RETAILER,
        CATEGORY,
        "promotions_active",
        "promotions_started",
        "listings_on_promo",
        "listing_share",
        "mean_depth",
        "campaigns",
    ]
    listings = listings.assign(**{CATEGORY: listings[CATEGORY].fillna("")})
    frame = promotions.merge(listings[[LISTING, RETAILER, CATEGORY]], on=LISTING)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    first = week_start(pd.to_datetime(frame[STARTS]))
    last = week_start(pd.to_datetime(frame[ENDS]).fillna(pd.to_datetime(frame[STARTS])))
    spans = ((last - first).days // 7).to_numpy().clip(0) + 1
    expanded = frame.loc[frame.index.repeat(spans)].assign(
        **{
            WEEK: np.repeat(first.to_numpy(), spans)
            + pd.to_timedelta(_offsets(spans) * 7, unit="D")
        },
        started=np.concatenate([np.arange(n) == 0 for n in spans]),
    )
    if "name" not in expanded:
        expanded["name"] = None
    parts = [expanded.assign(**{CATEGORY: ALL_CATEGORIES}), expanded[expanded[CATEGORY] != ""]]
    sizes = pd.concat(
        [
            listings.groupby(RETAILER)
            .size()
            .rename("n")
            .reset_index()
            .assign(**{CATEGORY: ALL_CATEGORIES}),
            listings.groupby([RETAILER, CATEGORY]).size().rename("n").reset_index(),
        ]
    ).set_index([RETAILER, CATEGORY])["n"]
    grouped = (
        pd.concat(parts)
        .groupby([WEEK, RETAILER, CATEGORY])
        .agg(
            promotions_active=(LISTING, "size"),
            promotions_started=("started", "sum"),
            listings_on_promo=(LISTING, "nunique"),
            mean_depth=(DISCOUNT, "mean"),
            campaigns=("name", _campaign_list),
        )
        .reset_index()
    )
    keys = pd.MultiIndex.from_frame(grouped[[RETAILER, CATEGORY]])
    grouped["listing_share"] = (
        grouped["listings_on_promo"] / sizes.reindex(keys).to_numpy()
    ).round(4)
    grouped["mean_depth"] = grouped["mean_depth"].astype(float).round(4)
    return grouped[columns]


def _offsets(spans: np.ndarray) -> np.ndarray:
    return np.concatenate([np.arange(n) for n in spans]) if len(spans) else np.zeros(0, dtype=int)


def _campaign_list(names: pd.Series) -> list[str]:
    counts = names.dropna().astype(str).value_counts()
    return [str(name) for name in counts.index[:3]]
