"""Diner segments: RFM plus preference vectors, KMeans with k by silhouette, named by rules.

:func:`diner_features` describes every known diner from their POS lines (all restaurants):

- RFM: ``recency_days`` (days from the last order to ``as_of``), ``frequency`` (orders),
  ``monetary_pen`` (total spent) and ``visits_per_month`` (orders per 30.4 days of data);
- when: ``weekday_lunch_share`` (Monday-Friday, 11:00-16:00 local), ``weekend_share``
  (Saturday and Sunday) and ``dinner_share`` (from 18:00);
- how: ``delivery_share``, ``takeaway_share`` and ``party_size`` (mean dine-in party, the
  median diner's when unknown);
- what: ``price_index`` (what they paid over what the same units cost at their category's
  mean menu price: above 1 is a pricier choice), ``cat:<category>`` shares of the units they
  ordered (drinks and desserts left out) and ``tag:<tag>`` shares (units whose dish carries
  the tag: ``marino``, ``pollo``, ``chifa``...).

Shares and party size are shrunk towards everyone's by ``prior_orders`` (1.5 by default): a
diner seen once says little about their habits, so their preference vector starts near the
crowd's and moves to their own as orders accumulate.

:class:`DinerSegmenter` log-transforms the RFM columns, standardises every column and weighs
blocks so that a block's weight does not grow with its number of columns (each column gets
``block weight / sqrt(columns in the block)``; blocks: ``rfm``, ``when``, ``how``, ``price``,
``cat``, ``tag``; by default ``when`` and ``how`` weigh 1.5 and the others 1, and inside RFM
recency and monetary weigh a quarter of frequency). It runs KMeans for every k in
``k_range`` (4 to 8: fewer than four groups is not a useful split for a restaurant group) and
keeps the k with the best silhouette (measured on a seeded sample of at most
``silhouette_sample`` diners). The weights, ``prior_orders`` and the k range were chosen on
the medium demo (ARI against the planted segments; see docs/models.md). Segments are named
from their centroids (in the features' own units) by the first rule that holds, in this
order:

1. ``occasional`` "ocasionales": fewer than ``0.5`` visits a month;
2. ``night_delivery`` "delivery nocturno": delivery share >= 0.4 and dinner share >= 0.5;
3. ``weekend_family`` "familias de fin de semana": weekend share >= 0.5 and party >= 2.8;
4. ``weekday_lunch_regular`` "frecuentes de almuerzo": weekday-lunch share >= 0.55;
5. ``seafood_lover`` "amantes del ceviche": ceviches and makis together >= 0.2 of their
   dishes and at least twice their share among all diners; otherwise ``<category>_lover``
   "fans de <category>" by the same test on their most ordered category;
6. otherwise ``regular_<meal>`` "frecuentes de <almuerzo|cena>" by the larger of the two.

A rule whose key another segment already took is skipped (the next one that holds is used;
a final clash gets a number, ``weekend_family_2``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from pulso.customers.clustering import kmeans_by_silhouette
from pulso.customers.patterns import orders_from_lines
from pulso.customers.schemas import DishSchema, OrderLineSchema
from pulso.errors import InputError

__all__ = [
    "DELIVERY",
    "TAKEAWAY",
    "DinerSegmenter",
    "SegmentName",
    "diner_features",
    "name_segment",
    "normalise_channel",
]

logger = logging.getLogger(__name__)

_LIMA = "America/Lima"
DELIVERY = "delivery"
TAKEAWAY = "para_llevar"
_DAYS_PER_MONTH = 30.4
_LEFT_OUT_CATEGORIES = frozenset({"bebidas", "postres"})
_SEAFOOD = frozenset({"ceviches", "makis"})
_CATEGORY_PREFIX = "cat:"
_TAG_PREFIX = "tag:"
_BLOCKS = {
    "rfm": ("visits_per_month", "recency_days", "monetary_pen"),
    "when": ("weekday_lunch_share", "weekend_share", "dinner_share"),
    "how": ("delivery_share", "takeaway_share", "party_size"),
    "price": ("price_index",),
}
_INNER_WEIGHTS = {"recency_days": 0.25, "monetary_pen": 0.25}
_DEFAULT_BLOCK_WEIGHTS = {"when": 1.5, "how": 1.5}
_LOG_COLUMNS = frozenset({"visits_per_month", "recency_days", "monetary_pen"})


def diner_features(
    lines: pd.DataFrame,
    dishes: pd.DataFrame,
    *,
    as_of: date | None = None,
    prior_orders: float = 1.5,
    timezone: str = _LIMA,
) -> pd.DataFrame:
    """One row per known diner (index ``diner_id``), columns as in the module docstring.

    Shares and party size are shrunk towards everyone's by ``prior_orders`` (see
    :func:`_shrunk`), so diners with one or two orders do not look extreme.
    """
    frame = OrderLineSchema.validate(lines)
    frame = frame[frame["diner_id"].notna()]
    menu = DishSchema.validate(dishes)
    if frame.empty:
        raise InputError("no order lines from known diners to segment")
    orders = orders_from_lines(frame, timezone=timezone)
    local = orders["local_time"]
    last_day = as_of or local.max().date()
    span_days = max((local.max() - local.min()).days + 1, 1)
    hour, weekday = local.dt.hour, local.dt.day_of_week
    channel = normalise_channel(orders["channel"])
    orders = orders.assign(
        weekday_lunch=((weekday < 5) & (hour >= 11) & (hour < 16)).astype(float),
        weekend=(weekday >= 5).astype(float),
        dinner=(hour >= 18).astype(float),
        delivery=(channel == DELIVERY).astype(float),
        takeaway=(channel == TAKEAWAY).astype(float),
        party=orders["party_size"].astype("Float64"),
    )
    per_diner = orders.groupby("diner_id").agg(
        last=("local_time", "max"),
        frequency=("order_id", "size"),
        monetary_pen=("ticket_pen", "sum"),
        weekday_lunch_share=("weekday_lunch", "mean"),
        weekend_share=("weekend", "mean"),
        dinner_share=("dinner", "mean"),
        delivery_share=("delivery", "mean"),
        takeaway_share=("takeaway", "mean"),
        party_size=("party", "mean"),
    )
    per_diner["recency_days"] = [(last_day - stamp.date()).days for stamp in per_diner["last"]]
    per_diner["visits_per_month"] = per_diner["frequency"] / (span_days / _DAYS_PER_MONTH)
    per_diner["party_size"] = (
        per_diner["party_size"].astype(float).fillna(per_diner["party_size"].median()).fillna(1.0)
    )
    features = per_diner.drop(columns="last").join(_preferences(frame, menu)).fillna(0.0)
    features.index = features.index.astype("int64")
    return _shrunk(features, prior_orders=prior_orders)


def _shrunk(features: pd.DataFrame, *, prior_orders: float) -> pd.DataFrame:
    """Pull each diner's shares and party size towards everyone's, by ``prior_orders``.

    ``(n * own + prior * everyone) / (n + prior)`` with ``n`` the diner's orders: a diner
    seen once says little about their habits, a regular's own mix stands.
    """
    if prior_orders <= 0:
        return features
    columns = [
        c
        for c in features.columns
        if c.endswith("_share")
        or c == "party_size"
        or c.startswith((_CATEGORY_PREFIX, _TAG_PREFIX))
    ]
    n = features["frequency"].astype(float)
    everyone = features[columns].mul(n, axis=0).sum() / n.sum()
    shrunk = features.copy()
    shrunk[columns] = (features[columns].mul(n, axis=0) + everyone * prior_orders).div(
        n + prior_orders, axis=0
    )
    return shrunk


def normalise_channel(channel: pd.Series) -> pd.Series:
    """Channel names folded to ``salon``, ``delivery``, ``para_llevar``..."""
    text = channel.astype("string").str.strip().str.lower()
    folded = text.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    return folded.str.replace(r"[\s-]+", "_", regex=True)


def _preferences(lines: pd.DataFrame, menu: pd.DataFrame) -> pd.DataFrame:
    """``price_index`` and ``cat:<category>`` unit shares per diner."""
    dish = menu.set_index("dish_id")
    category = lines["dish_id"].map(dish["category"]).fillna("otros")
    mean_price = dish.groupby("category")["price_pen"].mean()
    reference = category.map(mean_price).fillna(lines["unit_price_pen"])
    paid = lines["quantity"] * lines["unit_price_pen"]
    expected = lines["quantity"] * reference
    price = (
        pd.DataFrame({"diner_id": lines["diner_id"], "paid": paid, "expected": expected})
        .groupby("diner_id")
        .sum()
    )
    price_index = (price["paid"] / price["expected"].where(price["expected"] > 0)).rename(
        "price_index"
    )
    kept = ~category.isin(_LEFT_OUT_CATEGORIES)
    units = (
        pd.DataFrame(
            {
                "diner_id": lines.loc[kept, "diner_id"],
                "category": _CATEGORY_PREFIX + category[kept],
                "quantity": lines.loc[kept, "quantity"],
            }
        )
        .pivot_table(index="diner_id", columns="category", values="quantity", aggfunc="sum")
        .fillna(0.0)
    )
    shares = units.div(units.sum(axis=1).where(lambda total: total > 0), axis=0)
    shares = shares.join(_tag_shares(lines[kept], dish), how="outer")
    return shares.join(price_index, how="outer").fillna({"price_index": 1.0})


def _tag_shares(lines: pd.DataFrame, dish: pd.DataFrame) -> pd.DataFrame:
    """Share of a diner's units whose dish carries each tag (``tag:<tag>``)."""
    if "tags" not in dish.columns:
        return pd.DataFrame(index=pd.Index([], name="diner_id"))
    tagged = pd.DataFrame(
        {
            "diner_id": lines["diner_id"].to_numpy(),
            "quantity": lines["quantity"].to_numpy(),
            "tag": lines["dish_id"].map(dish["tags"]).to_numpy(),
        }
    ).explode("tag")
    totals = lines.groupby("diner_id")["quantity"].sum()
    tagged = tagged.dropna(subset=["tag"])
    counts = tagged.pivot_table(
        index="diner_id", columns="tag", values="quantity", aggfunc="sum", fill_value=0
    )
    counts.columns = [f"{_TAG_PREFIX}{tag}" for tag in counts.columns]
    return counts.div(totals.reindex(counts.index), axis=0).astype(float)


@dataclass(frozen=True, slots=True)
class SegmentName:
    """A segment's stable key, Spanish name and the rule that named it."""

    key: str
    name: str
    description: str


class DinerSegmenter(ClusterMixin, BaseEstimator):  # type: ignore[misc]
    """Block-weighted, standardised KMeans with k chosen by silhouette (see module doc).

    ``fit(features)`` takes :func:`diner_features` output. Learned: ``k_``, ``silhouettes_``
    (k -> score), ``silhouette_``, ``labels_``, ``centroids_`` (DataFrame, feature units),
    ``names_`` (one :class:`SegmentName` per segment) and ``feature_names_in_``.
    """

    def __init__(
        self,
        *,
        k_range: tuple[int, int] = (4, 8),
        silhouette_sample: int = 4000,
        n_init: int = 4,
        block_weights: Mapping[str, float] | None = None,
        random_state: int = 7,
    ) -> None:
        self.k_range = k_range
        self.block_weights = block_weights
        self.silhouette_sample = silhouette_sample
        self.n_init = n_init
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: Any = None) -> DinerSegmenter:
        """Cluster the diners in ``X``; returns ``self``."""
        del y
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        weights = _DEFAULT_BLOCK_WEIGHTS if self.block_weights is None else self.block_weights
        self.weights_ = _block_weights(list(X.columns), weights)
        self.scaler_ = StandardScaler().fit(_transformed(X))
        choice = kmeans_by_silhouette(
            self._points(X),
            k_range=self.k_range,
            sample_size=self.silhouette_sample,
            n_init=self.n_init,
            random_state=self.random_state,
        )
        self.k_, self.kmeans_ = choice.k, choice.model
        self.silhouettes_, self.silhouette_ = choice.silhouettes, choice.silhouette
        self.labels_ = np.asarray(self.kmeans_.labels_, dtype=np.int64)
        self.centroids_ = X.groupby(self.labels_).mean().sort_index()
        self.names_ = _name_all(self.centroids_, population=X.mean())
        logger.info("diner segments: k=%d (silhouette %.3f)", self.k_, self.silhouette_)
        return self

    def predict(self, X: pd.DataFrame) -> npt.NDArray[np.int64]:
        """Segment of each diner in ``X`` (same columns as in ``fit``)."""
        check_is_fitted(self, "kmeans_")
        frame = X.reindex(columns=list(self.feature_names_in_), fill_value=0.0)
        return np.asarray(self.kmeans_.predict(self._points(frame)), dtype=np.int64)

    def _points(self, X: pd.DataFrame) -> npt.NDArray[np.float64]:
        scaled = self.scaler_.transform(_transformed(X))
        return np.asarray(scaled * self.weights_, dtype=np.float64)


def _transformed(X: pd.DataFrame) -> npt.NDArray[np.float64]:
    columns = [np.log1p(X[c]) if c in _LOG_COLUMNS else X[c] for c in X.columns]
    return np.column_stack(columns).astype(np.float64)


def _block_weights(
    columns: Sequence[str], weights: Mapping[str, float]
) -> npt.NDArray[np.float64]:
    """weight / sqrt(block size) per column, so a block's weight does not grow with its size."""
    block_of = {column: block for block, names in _BLOCKS.items() for column in names}
    blocks = [block_of.get(c, c.split(":", 1)[0]) for c in columns]
    sizes = pd.Series(blocks).value_counts()
    inner = [_INNER_WEIGHTS.get(column, 1.0) for column in columns]
    return np.array(
        [
            weights.get(block, 1.0) * w / np.sqrt(sizes[block])
            for block, w in zip(blocks, inner, strict=True)
        ]
    )


def _name_all(centroids: pd.DataFrame, *, population: pd.Series) -> list[SegmentName]:
    taken: set[str] = set()
    names = []
    for _, centroid in centroids.iterrows():
        candidates = [*_rules(centroid, population), _fallback(centroid)]
        chosen = next((c for c in candidates if c.key not in taken), None)
        if chosen is None:
            first = candidates[0]
            number = sum(1 for key in taken if key.startswith(first.key)) + 1
            chosen = SegmentName(
                f"{first.key}_{number}", f"{first.name} {number}", first.description
            )
        taken.add(chosen.key)
        names.append(chosen)
    return names


def name_segment(centroid: Mapping[str, float], population: Mapping[str, float]) -> SegmentName:
    """The name the first matching rule gives one centroid (see the module docstring)."""
    series, reference = pd.Series(centroid, dtype=float), pd.Series(population, dtype=float)
    return next(iter(_rules(series, reference)), _fallback(series))


def _rules(centroid: pd.Series, population: pd.Series) -> list[SegmentName]:
    found = []
    visits = float(centroid["visits_per_month"])
    if visits < 0.5:
        found.append(SegmentName("occasional", "ocasionales", f"{visits:.1f} visits a month"))
    delivery, dinner = float(centroid["delivery_share"]), float(centroid["dinner_share"])
    if delivery >= 0.4 and dinner >= 0.5:
        found.append(
            SegmentName(
                "night_delivery",
                "delivery nocturno",
                f"{delivery:.0%} delivery, {dinner:.0%} of orders from 18:00",
            )
        )
    weekend, party = float(centroid["weekend_share"]), float(centroid["party_size"])
    if weekend >= 0.5 and party >= 2.8:
        found.append(
            SegmentName(
                "weekend_family",
                "familias de fin de semana",
                f"{weekend:.0%} of orders on weekends, parties of {party:.1f}",
            )
        )
    lunch = float(centroid["weekday_lunch_share"])
    if lunch >= 0.55:
        found.append(
            SegmentName(
                "weekday_lunch_regular",
                "frecuentes de almuerzo",
                f"{lunch:.0%} weekday lunches, {visits:.1f} visits a month",
            )
        )
    favourite = _favourite_category(centroid, population)
    if favourite is not None:
        found.append(favourite)
    return found


def _favourite_category(centroid: pd.Series, population: pd.Series) -> SegmentName | None:
    shares = centroid[[c for c in centroid.index if str(c).startswith(_CATEGORY_PREFIX)]]
    if shares.empty:
        return None
    seafood = [c for c in shares.index if str(c).removeprefix(_CATEGORY_PREFIX) in _SEAFOOD]
    share = float(shares[seafood].sum())
    usual = float(sum(float(population.get(c, 0.0)) for c in seafood))
    if share >= 0.2 and share >= 2 * usual:
        described = f"{share:.0%} of their dishes are ceviches or makis (all diners: {usual:.0%})"
        return SegmentName("seafood_lover", "amantes del ceviche", described)
    column = str(shares.idxmax())
    share, usual = float(shares[column]), float(population.get(column, 0.0))
    if share < 0.2 or share < 2 * usual:
        return None
    category = column.removeprefix(_CATEGORY_PREFIX)
    description = f"{share:.0%} of their dishes are {category} (all diners: {usual:.0%})"
    return SegmentName(f"{category}_lover", f"fans de {category}", description)


def _fallback(centroid: pd.Series) -> SegmentName:
    lunch = float(centroid["weekday_lunch_share"])
    dinner = float(centroid["dinner_share"])
    meal, name = ("dinner", "cena") if dinner > lunch else ("lunch", "almuerzo")
    return SegmentName(
        f"regular_{meal}",
        f"frecuentes de {name}",
        f"{float(centroid['visits_per_month']):.1f} visits a month, mostly {meal}",
    )
