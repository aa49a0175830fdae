"""Menu engineering: the popularity x contribution-margin matrix and what to do about it.

:func:`engineer_menu` runs the classic Kasavana-Smith analysis for every restaurant over its
whole menu (dishes with a known price and cost), once over all the data (period ``all``) and
once per calendar month (``YYYY-MM``, local time):

- ``menu_mix`` is a dish's share of the units sold; it is *popular* when the share is at least
  70% of an even share (``popularity_threshold = 0.7 / N`` for ``N`` dishes on the menu);
- ``margin_pen`` is what diners paid on average (the menu price when it did not sell) minus the
  unit cost; it is *profitable* when at least the unit-weighted mean margin;
- stars are popular and profitable, plowhorses popular only, puzzles profitable only, dogs
  neither.

``growth`` is the change in units per day against the previous month (monthly rows) or the
fitted monthly growth rate of units per day (``all``: ``exp(slope) - 1`` of a least-squares
line through the log of each month's units per day). ``sentiment_score`` is the dish's mean
review score when a ``dish_sentiment`` frame is given.

:func:`suggest_menu_actions` turns each matrix row into at most one structured suggestion with
the numbers behind it, by these rules (first match wins):

1. ``rework`` (priority 1): at least 3 reviews and a mean review score of -0.2 or worse;
2. ``drop`` (priority 2): a dog that is not liked (score below 0.2 or unknown) and not growing
   (growth at most 10%); a dog that is liked or growing gets ``rework`` (priority 3);
3. ``reprice`` (priority 2): a plowhorse; the suggested price closes the gap to the mean margin
   but rises at most 10%, rounded down to S/ 0.50 (up when that
   would leave the price unchanged);
4. ``promote`` (priority 2): a puzzle; the numbers say how many more units would make it popular
   and the margin they would add;
5. ``promote`` (priority 3): a star whose units fell more than 15%.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from pulso.customers.schemas import DishSchema, OrderLineSchema

__all__ = [
    "MENU_CLASSES",
    "SUGGESTION_ACTIONS",
    "MenuSuggestion",
    "engineer_menu",
    "suggest_menu_actions",
]

logger = logging.getLogger(__name__)

MENU_CLASSES = ("star", "plowhorse", "puzzle", "dog")
SUGGESTION_ACTIONS = ("promote", "reprice", "rework", "drop")
ALL_PERIODS = "all"
_LIMA = "America/Lima"
_POPULARITY_FACTOR = 0.7
_MAX_PRICE_RISE = 0.10
_PRICE_STEP = 0.5
_DISLIKED = -0.2
_LIKED = 0.2
_MIN_REVIEWS = 3
_GROWING = 0.10
_FALLING_STAR = -0.15


def engineer_menu(
    lines: pd.DataFrame,
    dishes: pd.DataFrame,
    *,
    dish_sentiment: pd.DataFrame | None = None,
    timezone: str = _LIMA,
) -> pd.DataFrame:
    """The menu-engineering matrix of every restaurant in ``dishes`` (see the module doc).

    ``dish_sentiment`` has ``dish_id, mean_score, reviews``. Returns one row per restaurant,
    period and dish: ``restaurant_id, period, period_start, period_end, dish_id, category,
    units, menu_mix, popularity_threshold, price_pen, cost_pen, margin_pen, mean_margin_pen,
    revenue_pen, total_margin_pen, menu_class, growth, sentiment_score, sentiment_reviews``.
    """
    frame = OrderLineSchema.validate(lines)
    menu = DishSchema.validate(dishes)
    menu = menu[menu["price_pen"].notna() & menu["cost_pen"].notna()]
    local = frame["ordered_at"].dt.tz_convert(timezone).dt.tz_localize(None)
    frame = frame.assign(day=local.dt.normalize(), month=local.dt.to_period("M"))
    frames = []
    for restaurant_id, dishes_of in menu.groupby("restaurant_id"):
        sold = frame[frame["restaurant_id"] == restaurant_id]
        if sold.empty:
            continue
        frames.append(_restaurant_matrix(sold, dishes_of))
    if not frames:
        return pd.DataFrame()
    matrix = pd.concat(frames, ignore_index=True)
    return _with_sentiment(matrix, dish_sentiment)


def _restaurant_matrix(lines: pd.DataFrame, menu: pd.DataFrame) -> pd.DataFrame:
    first, last = lines["day"].min(), lines["day"].max()
    periods = [(ALL_PERIODS, first, last, lines)]
    for month in sorted(set(lines["month"].tolist())):
        group = lines[lines["month"] == month]
        start = max(month.start_time.normalize(), first)
        end = min(month.end_time.normalize(), last)
        periods.append((str(month), start, end, group))
    tables = [
        _classify(group, menu).assign(
            period=name, period_start=start.date(), period_end=end.date()
        )
        for name, start, end, group in periods
    ]
    matrix = pd.concat(tables, ignore_index=True)
    return _with_growth(matrix)


def _classify(lines: pd.DataFrame, menu: pd.DataFrame) -> pd.DataFrame:
    sold = (
        lines.assign(amount=lines["quantity"] * lines["unit_price_pen"])
        .groupby("dish_id")
        .agg(units=("quantity", "sum"), revenue_pen=("amount", "sum"))
    )
    table = menu.set_index("dish_id").join(sold).fillna({"units": 0, "revenue_pen": 0.0})
    units = table["units"].astype("int64")
    paid = (table["revenue_pen"] / units.where(units > 0)).fillna(table["price_pen"])
    margin = paid - table["cost_pen"]
    total_units = int(units.sum())
    mix = units / total_units if total_units else units * 0.0
    threshold = _POPULARITY_FACTOR / len(table)
    mean_margin = (
        float((margin * units).sum() / total_units) if total_units else float(margin.mean())
    )
    popular, profitable = mix >= threshold, margin >= mean_margin
    menu_class = np.select(
        [popular & profitable, popular, profitable], ["star", "plowhorse", "puzzle"], "dog"
    )
    return pd.DataFrame(
        {
            "restaurant_id": table["restaurant_id"].astype("int64"),
            "dish_id": table.index.astype("int64"),
            "category": table["category"],
            "units": units,
            "menu_mix": mix.round(5),
            "popularity_threshold": round(threshold, 5),
            "price_pen": paid.round(2),
            "cost_pen": table["cost_pen"].round(2),
            "margin_pen": margin.round(2),
            "mean_margin_pen": round(mean_margin, 2),
            "revenue_pen": table["revenue_pen"].round(2),
            "total_margin_pen": (margin * units).round(2),
            "menu_class": menu_class,
        }
    ).reset_index(drop=True)


def _with_growth(matrix: pd.DataFrame) -> pd.DataFrame:
    matrix["days"] = [
        (end - start).days + 1
        for start, end in zip(matrix["period_start"], matrix["period_end"], strict=True)
    ]
    matrix["per_day"] = matrix["units"] / matrix["days"]
    monthly = matrix[matrix["period"] != ALL_PERIODS].sort_values(["dish_id", "period"])
    previous = monthly.groupby("dish_id")["per_day"].shift(1)
    growth = (monthly["per_day"] / previous.where(previous > 0) - 1).round(4)
    matrix["growth"] = growth.reindex(matrix.index)
    trend = {
        dish: _log_trend(monthly.loc[monthly["dish_id"] == dish, "per_day"].to_numpy(dtype=float))
        for dish in set(monthly["dish_id"].tolist())
    }
    overall = matrix["period"] == ALL_PERIODS
    matrix.loc[overall, "growth"] = matrix.loc[overall, "dish_id"].map(trend)
    return matrix.drop(columns=["days", "per_day"])


def _log_trend(values: npt.NDArray[np.float64]) -> float:
    """Monthly growth rate of units per day: ``exp(slope) - 1`` of log(units per day)."""
    positive = values > 0
    if positive.sum() < 3:
        return math.nan
    x = np.arange(len(values))[positive]
    slope = np.polyfit(x, np.log(values[positive]), 1)[0]
    return round(float(np.expm1(slope)), 4)


def _with_sentiment(matrix: pd.DataFrame, sentiment: pd.DataFrame | None) -> pd.DataFrame:
    if sentiment is None or sentiment.empty:
        return matrix.assign(sentiment_score=np.nan, sentiment_reviews=0)
    scores = sentiment.set_index(sentiment["dish_id"].astype("int64"))
    matrix["sentiment_score"] = matrix["dish_id"].map(scores["mean_score"]).astype(float)
    matrix["sentiment_reviews"] = (
        matrix["dish_id"].map(scores["reviews"]).fillna(0).astype("int64")
    )
    return matrix


@dataclass(frozen=True, slots=True)
class MenuSuggestion:
    """One suggestion for one dish: the action, its priority (1 first) and why."""

    restaurant_id: int
    period: str
    dish_id: int
    action: str
    priority: int
    reason: str
    numbers: dict[str, Any]


def suggest_menu_actions(
    matrix: pd.DataFrame, *, names: dict[int, str] | None = None
) -> list[MenuSuggestion]:
    """Suggestions for every row of ``matrix`` (the output of :func:`engineer_menu`)."""
    names = names or {}
    suggestions = []
    row: Any
    for row in matrix.itertuples(index=False):
        suggestion = _suggest(row, names.get(int(row.dish_id), f"dish {row.dish_id}"))
        if suggestion is not None:
            suggestions.append(suggestion)
    return suggestions


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 4)


def _suggest(row: Any, name: str) -> MenuSuggestion | None:
    numbers: dict[str, Any] = {
        "menu_class": row.menu_class,
        "units": int(row.units),
        "menu_mix": _number(row.menu_mix),
        "popularity_threshold": _number(row.popularity_threshold),
        "price_pen": _number(row.price_pen),
        "cost_pen": _number(row.cost_pen),
        "margin_pen": _number(row.margin_pen),
        "mean_margin_pen": _number(row.mean_margin_pen),
        "growth": _number(row.growth),
        "sentiment_score": _number(row.sentiment_score),
        "sentiment_reviews": int(row.sentiment_reviews),
    }
    score, growth = numbers["sentiment_score"], numbers["growth"]

    def make(action: str, priority: int, reason: str, **extra: Any) -> MenuSuggestion:
        """The suggestion for this row, with ``extra`` numbers."""
        return MenuSuggestion(
            int(row.restaurant_id), str(row.period), int(row.dish_id), action, priority, reason,
            numbers | extra,
        )  # fmt: skip

    if score is not None and score <= _DISLIKED and row.sentiment_reviews >= _MIN_REVIEWS:
        return make(
            "rework", 1, f"{name}: diners dislike it (mean review score {score:+.2f} over "
            f"{row.sentiment_reviews} reviews); fix the recipe or the portion",
        )  # fmt: skip
    if row.menu_class == "dog":
        liked = score is not None and score >= _LIKED
        if liked or (growth is not None and growth > _GROWING):
            return make(
                "rework", 3, f"{name}: sells little ({row.units} units, {row.menu_mix:.1%} of "
                f"the mix) at a low margin, but diners like it or it is growing; rework the "
                f"recipe or cost before dropping it",
            )  # fmt: skip
        return make(
            "drop", 2, f"{name}: {row.units} units ({row.menu_mix:.1%} of the mix, threshold "
            f"{row.popularity_threshold:.1%}) at S/ {row.margin_pen:.2f} margin "
            f"(mean S/ {row.mean_margin_pen:.2f}); take it off the menu",
        )  # fmt: skip
    if row.menu_class == "plowhorse":
        return _reprice(row, name, make)
    if row.menu_class == "puzzle":
        return _promote(row, name, make)
    if growth is not None and growth < _FALLING_STAR:
        return make(
            "promote", 3, f"{name}: a star whose sales fell {growth:.0%}; keep it visible",
        )  # fmt: skip
    return None


def _reprice(row: Any, name: str, make: Callable[..., MenuSuggestion]) -> MenuSuggestion:
    gap = float(row.mean_margin_pen - row.margin_pen)
    rise = min(gap, _MAX_PRICE_RISE * float(row.price_pen))
    price = float(row.price_pen)
    suggested = math.floor((price + rise) / _PRICE_STEP) * _PRICE_STEP
    if suggested <= price:
        suggested = math.ceil((price + rise) / _PRICE_STEP) * _PRICE_STEP
    extra = (suggested - float(row.price_pen)) * int(row.units)
    return make(
        "reprice", 2, f"{name}: popular ({row.menu_mix:.1%} of the mix) but earns S/ "
        f"{row.margin_pen:.2f} against a mean of S/ {row.mean_margin_pen:.2f}; raise the price "
        f"from S/ {row.price_pen:.2f} to S/ {suggested:.2f} (or cut its cost)",
        suggested_price_pen=round(suggested, 2), extra_margin_pen=round(extra, 2),
    )  # fmt: skip


def _promote(row: Any, name: str, make: Callable[..., MenuSuggestion]) -> MenuSuggestion:
    total = row.units / row.menu_mix if row.menu_mix > 0 else 0.0
    needed = max(math.ceil(row.popularity_threshold * total) - int(row.units), 0)
    extra = needed * float(row.margin_pen)
    return make(
        "promote", 2, f"{name}: earns S/ {row.margin_pen:.2f} a unit (mean S/ "
        f"{row.mean_margin_pen:.2f}) but sells little ({row.units} units); {needed} more units "
        f"would make it popular and add S/ {extra:.2f} of margin",
        units_to_popular=needed, extra_margin_pen=round(extra, 2),
    )  # fmt: skip
