"""Alerts for analysts: rules on recent competitor prices plus price anomalies.

Every alert has a ``dedup_key`` naming its event (kind, listing, day), so computing alerts
again over the same data yields the same keys and the store adds nothing. Rules look at the
days from ``since`` on, and fire once when an event starts (not on every day it lasts):

* ``price_drop`` -- a competitor's shelf price falls more than :attr:`AlertRules.drop_pct`
  below its median over the previous :attr:`AlertRules.reference_days` days;
* ``undercut`` -- on a key item, a competitor's shelf price goes more than
  :attr:`AlertRules.undercut_pct` below ours;
* ``new_promotion`` -- a competitor starts a promotion on a key item;
* ``stockout`` -- a competitor runs out of stock of a product we sell;
* ``price_anomaly`` -- a one-day regular price far from the listing's rolling median
  (:func:`pulso.pricing.panel.detect_price_anomalies`): a typo or a glitch to check.

Severity is ``high``, ``medium`` or ``low`` as each function documents. Key items are our best
sellers (:func:`key_items`).
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from pulso.pricing.panel import PricePanel

__all__ = [
    "ALERT_COLUMNS",
    "AlertRules",
    "anomaly_alerts",
    "key_items",
    "price_drop_alerts",
    "promotion_alerts",
    "stockout_alerts",
    "undercut_alerts",
]

logger = logging.getLogger(__name__)

LISTING, PRODUCT, RETAILER, DAY = "listing_id", "product_id", "retailer_id", "day"
ALERT_COLUMNS = ["dedup_key", "kind", "severity", "title", "detail"]


@dataclass(frozen=True, slots=True)
class AlertRules:
    """Thresholds of the alert rules (percentages in percent, discounts in [0, 1])."""

    drop_pct: float = 15.0
    big_drop_pct: float = 30.0
    undercut_pct: float = 5.0
    big_undercut_pct: float = 15.0
    deep_promo_discount: float = 0.3
    reference_days: int = 7
    lookback_days: int = 7


def key_items(sales: pd.DataFrame, *, share: float = 0.2) -> set[int]:
    """Our best sellers: the top ``share`` of products by revenue (``product_id``,
    ``price_pen``, ``units_sold`` rows of any period; at least one product when any sold)."""
    if sales.empty:
        return set()
    revenue = (sales["price_pen"] * sales["units_sold"]).groupby(sales[PRODUCT]).sum()
    revenue = revenue[revenue > 0].sort_values(ascending=False)
    count = max(1, round(share * len(revenue))) if len(revenue) else 0
    return {int(product) for product in revenue.index[:count]}


@dataclass(frozen=True, slots=True)
class _Label:
    """Who an alert is about: the listing's retailer and the product it is matched to."""

    retailer_id: int
    retailer_name: str
    product_id: int | None
    product_name: str

    def describe(self) -> str:
        return f"{self.retailer_name} - {self.product_name}"


def _labels(pairs: pd.DataFrame) -> dict[int, _Label]:
    unique = pairs.drop_duplicates(LISTING)
    products = unique[PRODUCT] if PRODUCT in unique else pd.Series(np.nan, index=unique.index)
    return {
        int(listing): _Label(
            int(retailer),
            str(retailer_name),
            None if pd.isna(product) else int(product),
            str(name),
        )
        for listing, retailer, retailer_name, product, name in zip(
            unique[LISTING].tolist(),
            unique[RETAILER].tolist(),
            unique["retailer_name"].tolist(),
            products.tolist(),
            unique["product_name"].tolist(),
            strict=True,
        )
    }


def _events(mask: pd.DataFrame, since: date) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    recent = np.asarray(mask.index >= pd.Timestamp(since))
    values = mask.to_numpy(dtype=bool) & recent[:, None]
    rows, cols = np.nonzero(values)
    return rows, cols


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=ALERT_COLUMNS)


def _day(index: pd.Index, row: int) -> date:
    return pd.Timestamp(index[row]).date()


def price_drop_alerts(
    panel: PricePanel, pairs: pd.DataFrame, *, rules: AlertRules, key: Iterable[int], since: date
) -> pd.DataFrame:
    """Competitor shelf prices that fell more than ``drop_pct`` below their recent median.

    ``pairs`` holds the matched competitor listings (``listing_id, product_id, retailer_id,
    retailer_name, product_name``). Severity: ``high`` for a key item that fell at least
    ``big_drop_pct``, ``medium`` for a key item or a big drop, else ``low``.
    """
    labels = _labels(pairs)
    shelf = panel.shelf[[c for c in panel.listing_ids if c in labels]]
    reference = shelf.shift(1).rolling(rules.reference_days, min_periods=1).median()
    change = (shelf / reference - 1.0) * 100.0
    dropped = change <= -rules.drop_pct
    started = dropped & ~dropped.shift(1, fill_value=False)
    now_values, before_values = shelf.to_numpy(), reference.to_numpy()
    key_set = set(key)
    rows = []
    for row, col in zip(*_events(started, since), strict=True):
        listing = int(shelf.columns[col])
        label, day = labels[listing], _day(shelf.index, row)
        before, now = float(before_values[row, col]), float(now_values[row, col])
        pct = (now / before - 1.0) * 100.0
        is_key, big = label.product_id in key_set, pct <= -rules.big_drop_pct
        rows.append(
            {
                "dedup_key": f"price_drop:{listing}:{day.isoformat()}",
                "kind": "price_drop",
                "severity": "high" if is_key and big else "medium" if is_key or big else "low",
                "title": f"{label.describe()}: price down {-pct:.0f}% (S/ {before:.2f} -> S/ {now:.2f})",
                "detail": _detail(
                    label,
                    listing,
                    day,
                    change_pct=round(pct, 2),
                    reference_pen=round(before, 2),
                    price_pen=round(now, 2),
                    key_item=is_key,
                ),
            }
        )
    return _frame(rows)


def undercut_alerts(
    panel: PricePanel,
    pairs: pd.DataFrame,
    *,
    our_shelf: pd.DataFrame,
    rules: AlertRules,
    key: Iterable[int],
    since: date,
) -> pd.DataFrame:
    """Key items where a competitor's shelf price went more than ``undercut_pct`` below ours.

    ``our_shelf`` is our daily shelf price (index days, columns ``product_id``). Severity:
    ``high`` when the competitor is at least ``big_undercut_pct`` cheaper, else ``medium``.
    """
    key_set = set(key)
    labels = {k: v for k, v in _labels(pairs).items() if v.product_id in key_set}
    listings = [c for c in panel.listing_ids if c in labels]
    theirs = panel.shelf[listings]
    products = [labels[int(listing)].product_id for listing in listings]
    ours = our_shelf.reindex(index=theirs.index, columns=products).ffill()
    ours.columns = theirs.columns
    gap = (theirs / ours - 1.0) * 100.0
    under = gap <= -rules.undercut_pct
    started = under & ~under.shift(1, fill_value=False)
    their_values, our_values = theirs.to_numpy(), ours.to_numpy()
    rows = []
    for row, col in zip(*_events(started, since), strict=True):
        listing = int(theirs.columns[col])
        label, day = labels[listing], _day(theirs.index, row)
        now, mine = float(their_values[row, col]), float(our_values[row, col])
        pct = (now / mine - 1.0) * 100.0
        rows.append(
            {
                "dedup_key": f"undercut:{listing}:{day.isoformat()}",
                "kind": "undercut",
                "severity": "high" if pct <= -rules.big_undercut_pct else "medium",
                "title": f"{label.describe()}: {-pct:.0f}% below our price "
                f"(S/ {now:.2f} vs S/ {mine:.2f})",
                "detail": _detail(
                    label,
                    listing,
                    day,
                    gap_pct=round(pct, 2),
                    price_pen=round(now, 2),
                    our_price_pen=round(mine, 2),
                    key_item=True,
                ),
            }
        )
    return _frame(rows)


def promotion_alerts(
    promotions: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    rules: AlertRules,
    key: Iterable[int],
    since: date,
) -> pd.DataFrame:
    """Competitor promotions on key items that started on ``since`` or later.

    ``promotions`` has ``listing_id, raw_text, starts_on, promo_type, effective_discount``.
    Severity: ``high`` at an effective discount of ``deep_promo_discount`` or more, else
    ``medium``.
    """
    key_set = set(key)
    labels = {k: v for k, v in _labels(pairs).items() if v.product_id in key_set}
    starts = pd.to_datetime(promotions["starts_on"])
    recent = promotions[(starts >= pd.Timestamp(since)) & promotions[LISTING].isin(list(labels))]
    rows = []
    for listing_id, text, start, promo_type, effective in zip(
        recent[LISTING].tolist(),
        recent["raw_text"].astype(str).tolist(),
        pd.to_datetime(recent["starts_on"]).dt.date.tolist(),
        recent["promo_type"].tolist(),
        recent["effective_discount"].astype(float).tolist(),
        strict=True,
    ):
        label, listing = labels[int(listing_id)], int(listing_id)
        discount = None if np.isnan(effective) else float(effective)
        deep = discount is not None and discount >= rules.deep_promo_discount
        shown = "" if discount is None else f" ({discount:.0%} off)"
        rows.append(
            {
                "dedup_key": f"new_promotion:{listing}:{start.isoformat()}:{zlib.crc32(text.encode()):08x}",
                "kind": "new_promotion",
                "severity": "high" if deep else "medium",
                "title": f'{label.describe()}: new promotion "{text}"{shown}',
                "detail": _detail(
                    label,
                    listing,
                    start,
                    text=text,
                    promo_type=promo_type,
                    effective_discount=discount,
                    key_item=True,
                ),
            }
        )
    return _frame(rows)


def stockout_alerts(
    panel: PricePanel, pairs: pd.DataFrame, *, key: Iterable[int], since: date
) -> pd.DataFrame:
    """Matched competitor listings that ran out of stock (the first day of each run).

    Severity: ``medium`` for a key item (a chance to win its shoppers), else ``low``.
    """
    key_set = set(key)
    labels = _labels(pairs)
    out = panel.out_of_stock[[c for c in panel.listing_ids if c in labels]]
    is_out = out == 1.0
    started = is_out & ~(out.ffill().shift(1) == 1.0)
    rows = []
    for row, col in zip(*_events(started, since), strict=True):
        listing = int(out.columns[col])
        label, day = labels[listing], _day(out.index, row)
        is_key = label.product_id in key_set
        rows.append(
            {
                "dedup_key": f"stockout:{listing}:{day.isoformat()}",
                "kind": "stockout",
                "severity": "medium" if is_key else "low",
                "title": f"{label.describe()}: out of stock",
                "detail": _detail(label, listing, day, key_item=is_key),
            }
        )
    return _frame(rows)


def anomaly_alerts(anomalies: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """One ``low`` alert per price anomaly (``labels``: ``listing_id, retailer_id,
    retailer_name, product_name`` and, where matched, ``product_id``)."""
    named = _labels(labels)
    rows = []
    for listing_id, day_value, price, expected, z in zip(
        anomalies[LISTING].tolist(),
        pd.to_datetime(anomalies[DAY]).dt.date.tolist(),
        anomalies["price_pen"].astype(float).tolist(),
        anomalies["expected_pen"].astype(float).tolist(),
        anomalies["robust_z"].astype(float).tolist(),
        strict=True,
    ):
        listing = int(listing_id)
        label = named[listing]
        rows.append(
            {
                "dedup_key": f"price_anomaly:{listing}:{day_value.isoformat()}",
                "kind": "price_anomaly",
                "severity": "low",
                "title": f"{label.describe()}: regular price S/ {price:.2f} on {day_value} "
                f"looks wrong (usually S/ {expected:.2f})",
                "detail": _detail(
                    label,
                    listing,
                    day_value,
                    price_pen=round(price, 2),
                    expected_pen=round(expected, 2),
                    robust_z=round(z, 2),
                ),
            }
        )
    return _frame(rows)


def _detail(label: _Label, listing: int, day: date, **values: Any) -> dict[str, Any]:
    return {
        "listing_id": listing,
        "retailer_id": label.retailer_id,
        "product_id": label.product_id,
        "day": day.isoformat(),
        **values,
    }
