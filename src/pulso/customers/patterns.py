"""Dining patterns per restaurant: when, how many, how much, through which channel, how often.

:func:`orders_from_lines` folds POS lines into one row per order (ticket = the sum of
quantity x unit price). :func:`dining_patterns` then describes each restaurant in local time
(America/Lima by default):

- ``summary``: orders, covers (party size, 1 when unknown), revenue, orders per day, ticket
  mean / median / quartiles, mean dine-in party size, and repeat visits of known diners
  (``repeat_visit_rate`` = diners with two or more orders / known diners, and the median days
  between a diner's consecutive visits);
- ``heatmap``: orders per weekday (0 = Monday) and hour, their share and orders per week;
- ``seasonality``: per calendar month, orders per day against the restaurant's mean
  (``lift``), and per holiday or food day (:mod:`pulso.customers.occasions`), its orders
  against the median of the same weekday in the four weeks before and after it, other
  occasions left out;
- ``distributions``: orders by ``party_size`` (6 and more together), ``channel``, ``meal``
  (breakfast before 11:00, lunch until 16:00, afternoon until 18:00, dinner) and
  ``ticket_band`` (soles).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise

import numpy as np
import pandas as pd

from pulso.customers.occasions import dining_occasions
from pulso.customers.schemas import OrderLineSchema

__all__ = ["DiningPatterns", "dining_patterns", "orders_from_lines"]

logger = logging.getLogger(__name__)

_LIMA = "America/Lima"
_WINDOW_DAYS = 28
_TICKET_BANDS = (0.0, 30.0, 60.0, 100.0, 150.0, 250.0, np.inf)
_MEALS = ((0, "breakfast"), (11, "lunch"), (16, "afternoon"), (18, "dinner"))
_MAX_PARTY = 6


@dataclass(frozen=True, slots=True)
class DiningPatterns:
    """The four pattern tables of :func:`dining_patterns` (one block per restaurant)."""

    summary: pd.DataFrame
    heatmap: pd.DataFrame
    seasonality: pd.DataFrame
    distributions: pd.DataFrame


def orders_from_lines(lines: pd.DataFrame, *, timezone: str = _LIMA) -> pd.DataFrame:
    """One row per order: ``order_id, restaurant_id, ordered_at, local_time, diner_id,
    party_size, channel, ticket_pen, units``."""
    frame = OrderLineSchema.validate(lines)
    frame = frame.assign(amount=frame["quantity"] * frame["unit_price_pen"])
    orders = frame.groupby("order_id", sort=True).agg(
        restaurant_id=("restaurant_id", "first"),
        ordered_at=("ordered_at", "first"),
        diner_id=("diner_id", "first"),
        party_size=("party_size", "first"),
        channel=("channel", "first"),
        ticket_pen=("amount", "sum"),
        units=("quantity", "sum"),
    )
    orders = orders.reset_index()
    orders["local_time"] = orders["ordered_at"].dt.tz_convert(timezone).dt.tz_localize(None)
    return orders


def dining_patterns(lines: pd.DataFrame, *, timezone: str = _LIMA) -> DiningPatterns:
    """Patterns of every restaurant in ``lines`` (see the module docstring)."""
    orders = orders_from_lines(lines, timezone=timezone)
    parts: dict[str, list[pd.DataFrame]] = {
        "summary": [],
        "heatmap": [],
        "seasonality": [],
        "distributions": [],
    }
    for restaurant_id in sorted(set(orders["restaurant_id"].tolist())):
        group = orders[orders["restaurant_id"] == restaurant_id]
        daily = _daily(group)
        for name, table in (
            ("summary", _summary(group, daily)),
            ("heatmap", _heatmap(group, daily)),
            ("seasonality", pd.concat([_months(daily), _holidays(daily)], ignore_index=True)),
            ("distributions", _distributions(group)),
        ):
            parts[name].append(table.assign(restaurant_id=int(restaurant_id)))
    tables = {
        name: pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        for name, frames in parts.items()
    }
    return DiningPatterns(**tables)


def _daily(orders: pd.DataFrame) -> pd.DataFrame:
    """Orders and revenue on every local day from the first to the last (zeros included)."""
    day = orders["local_time"].dt.normalize()
    daily = orders.groupby(day).agg(orders=("order_id", "size"), revenue_pen=("ticket_pen", "sum"))
    full = pd.date_range(daily.index.min(), daily.index.max(), freq="D")
    return daily.reindex(full, fill_value=0).rename_axis("day")


def _summary(orders: pd.DataFrame, daily: pd.DataFrame) -> pd.DataFrame:
    tickets = orders["ticket_pen"]
    party = orders["party_size"].astype("Float64")
    known = orders[orders["diner_id"].notna()]
    visits = known.groupby("diner_id").size()
    gaps = (
        known.sort_values("local_time")
        .groupby("diner_id")["local_time"]
        .diff()
        .dropna()
        .dt.total_seconds()
        / 86400
    )
    return pd.DataFrame(
        [
            {
                "first_day": daily.index.min().date(),
                "last_day": daily.index.max().date(),
                "orders": len(orders),
                "covers": int(party.fillna(1).sum()),
                "revenue_pen": round(float(tickets.sum()), 2),
                "orders_per_day": round(len(orders) / len(daily), 3),
                "mean_ticket_pen": round(float(tickets.mean()), 2),
                "median_ticket_pen": round(float(tickets.median()), 2),
                "p25_ticket_pen": round(float(tickets.quantile(0.25)), 2),
                "p75_ticket_pen": round(float(tickets.quantile(0.75)), 2),
                "mean_party_size": _round_or_none(party.mean(), 3),
                "known_diner_orders": len(known),
                "known_diners": len(visits),
                "repeat_diners": int((visits >= 2).sum()),
                "repeat_visit_rate": _round_or_none((visits >= 2).mean(), 4),
                "median_days_between_visits": _round_or_none(gaps.median(), 2),
            }
        ]
    )


def _round_or_none(value: object, digits: int) -> float | None:
    if value is None or value is pd.NA or pd.isna(value):  # type: ignore[call-overload]
        return None
    return round(float(value), digits)  # type: ignore[arg-type]


def _heatmap(orders: pd.DataFrame, daily: pd.DataFrame) -> pd.DataFrame:
    local = orders["local_time"]
    counts = (
        orders.assign(weekday=local.dt.day_of_week, hour=local.dt.hour)
        .groupby(["weekday", "hour"])
        .size()
        .rename("orders")
        .reset_index()
    )
    weeks = max(len(daily) / 7.0, 1.0)
    counts["share"] = (counts["orders"] / len(orders)).round(5)
    counts["orders_per_week"] = (counts["orders"] / weeks).round(3)
    return counts


def _months(daily: pd.DataFrame) -> pd.DataFrame:
    mean = float(daily["orders"].mean())
    monthly = daily.groupby(pd.DatetimeIndex(daily.index).to_period("M")).agg(
        days=("orders", "size"), orders=("orders", "sum"), revenue_pen=("revenue_pen", "sum")
    )
    monthly["orders_per_day"] = (monthly["orders"] / monthly["days"]).round(3)
    monthly["baseline_orders_per_day"] = round(mean, 3)
    monthly["lift"] = (monthly["orders_per_day"] / mean).round(4) if mean > 0 else None
    monthly["day"] = [period.start_time.date() for period in monthly.index]
    monthly["name"] = [str(period) for period in monthly.index]
    return monthly.reset_index(drop=True).assign(kind="month")


def _holidays(daily: pd.DataFrame) -> pd.DataFrame:
    days = daily.index
    occasions = dining_occasions(range(days.min().year, days.max().year + 1))
    special = {pd.Timestamp(day) for day in occasions}
    orders_on = dict(zip(days, daily["orders"].astype(int).tolist(), strict=True))
    revenue_on = dict(zip(days, daily["revenue_pen"].astype(float).tolist(), strict=True))
    rows = []
    for day, name in occasions.items():
        stamp = pd.Timestamp(day)
        if stamp not in orders_on:
            continue
        baseline = _same_weekday_median(orders_on, stamp, special)
        orders = orders_on[stamp]
        rows.append(
            {
                "kind": "holiday",
                "name": name,
                "day": day,
                "days": 1,
                "orders": orders,
                "revenue_pen": round(revenue_on[stamp], 2),
                "orders_per_day": float(orders),
                "baseline_orders_per_day": baseline,
                "lift": round(orders / baseline, 4) if baseline else None,
            }
        )
    return pd.DataFrame(rows)


def _same_weekday_median(
    orders_on: dict[pd.Timestamp, int], day: pd.Timestamp, special: set[pd.Timestamp]
) -> float | None:
    around = [
        day + timedelta(days=offset)
        for offset in range(-_WINDOW_DAYS, _WINDOW_DAYS + 1, 7)
        if offset != 0
    ]
    values = [orders_on[d] for d in around if d in orders_on and d not in special]
    return round(float(np.median(values)), 3) if values else None


def _distributions(orders: pd.DataFrame) -> pd.DataFrame:
    hour = orders["local_time"].dt.hour
    meal = pd.Series(_MEALS[0][1], index=orders.index)
    for start, name in _MEALS[1:]:
        meal = meal.where(hour < start, name)
    bands = pd.cut(
        orders["ticket_pen"],
        bins=list(_TICKET_BANDS),
        right=False,
        labels=[_band_label(lo, hi) for lo, hi in pairwise(_TICKET_BANDS)],
    )
    party = orders["party_size"].astype("Float64")
    party_label = party.clip(upper=_MAX_PARTY).astype("Int64").astype("string")
    party_label = party_label.mask((party >= _MAX_PARTY).fillna(False), f"{_MAX_PARTY}+")
    dimensions = {
        "party_size": (party_label, sorted(party_label.dropna().unique(), key=_party_order)),
        "channel": (orders["channel"], None),
        "meal": (meal, [name for _, name in _MEALS]),
        "ticket_band": (bands.astype("string"), list(bands.cat.categories)),
    }
    return pd.concat(
        [
            _distribution(orders, name, values, order)
            for name, (values, order) in dimensions.items()
        ],
        ignore_index=True,
    )


def _band_label(low: float, high: float) -> str:
    return f"{low:.0f}+" if np.isinf(high) else f"{low:.0f}-{high:.0f}"


def _party_order(label: str) -> int:
    return int(label.rstrip("+"))


def _distribution(
    orders: pd.DataFrame, dimension: str, values: pd.Series, order: list[str] | None
) -> pd.DataFrame:
    known = orders.assign(value=values).dropna(subset=["value"])
    grouped = known.groupby("value", observed=True).agg(
        orders=("order_id", "size"),
        revenue_pen=("ticket_pen", "sum"),
        mean_ticket_pen=("ticket_pen", "mean"),
    )
    if order is None:
        grouped = grouped.sort_values("orders", ascending=False)
    else:
        grouped = grouped.reindex([value for value in order if value in grouped.index])
    grouped["share"] = (grouped["orders"] / max(len(known), 1)).round(5)
    grouped["revenue_pen"] = grouped["revenue_pen"].round(2)
    grouped["mean_ticket_pen"] = grouped["mean_ticket_pen"].round(2)
    out = grouped.reset_index().assign(dimension=dimension)
    out["position"] = range(len(out))
    out["value"] = out["value"].astype(str)
    return out
