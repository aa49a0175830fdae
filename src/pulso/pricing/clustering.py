"""Competitor pricing strategies: features, clusters chosen by silhouette or BIC, named rules.

:func:`strategy_features` describes each competitor in each category (and overall) by
:data:`STRATEGY_FEATURES`: price index against us, promotion share, frequency and depth,
volatility, repricing, stock-outs, assortment breadth and the share of multi-unit mechanics.
:class:`StrategyClusterer` standardises them and fits K-means (k chosen by the best silhouette
score) or a Gaussian mixture (k chosen by the lowest BIC). :func:`name_clusters` names each
cluster from its centroid in the original units by documented rules (:data:`NAMING_RULES`).
"""

from __future__ import annotations

import logging
from typing import Literal, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = [
    "CLUSTER_FEATURES",
    "NAMING_RULES",
    "STRATEGY_FEATURES",
    "Method",
    "StrategyClusterer",
    "name_clusters",
    "strategy_features",
]

logger = logging.getLogger(__name__)

RETAILER, CATEGORY, ALL_CATEGORIES = "retailer_id", "category", "*"

#: Every feature computed per competitor (x category); see ``docs/features.md``.
STRATEGY_FEATURES = (
    "price_index",
    "shelf_price_index",
    "promo_share",
    "promo_frequency",
    "promo_depth",
    "volatility",
    "reprice_rate",
    "stockout_rate",
    "assortment_breadth",
    "catalog_coverage",
    "multibuy_share",
)
#: The features the clusters are fitted on (the others are reported only).
CLUSTER_FEATURES = ("price_index", "promo_share", "promo_depth", "volatility", "multibuy_share")

#: Cluster names in the order the rules are tried on a centroid; the first that holds wins.
NAMING_RULES: tuple[tuple[str, str], ...] = (
    ("high_low", "promo_share >= 0.2 and promo_depth >= 0.15: frequent, deep promotions"),
    ("premium", "price_index >= 104: regular prices well above ours"),
    ("discounter", "price_index <= 91, or price_index < 96 with multibuy_share >= 0.5"),
    ("everyday_low_price", "price_index < 100 and promo_share < 0.1: low prices, few promotions"),
    ("mainstream", "anything else: prices near ours with moderate promotions"),
)

Method = Literal["kmeans", "gmm"]


def strategy_features(
    *,
    price_index: pd.DataFrame,
    activity: pd.DataFrame,
    promo_stats: pd.DataFrame,
    catalog_sizes: pd.Series,
) -> pd.DataFrame:
    """:data:`STRATEGY_FEATURES` per competitor and category (index ``retailer_id, category``).

    ``price_index`` is the weekly index table, ``activity`` the listing activity table
    (``retailer_id, category, product_id, days_observed, volatility, price_changes,
    stockout_rate``), ``promo_stats`` the promotion statistics table and ``catalog_sizes`` our
    product count per category (``"*"`` for all). Rows with category ``"*"`` describe the whole
    competitor. Groups without a price index (nothing in common with us) are dropped.
    """
    index = price_index.groupby([RETAILER, CATEGORY]).agg(
        price_index=("index_regular", "mean"), shelf_price_index=("index_shelf", "mean")
    )
    listing = _activity_features(activity, catalog_sizes)
    promo = promo_stats.set_index([RETAILER, CATEGORY])
    promos = pd.DataFrame(
        {
            "promo_share": promo["promo_day_share"],
            "promo_frequency": promo["promos_per_listing_month"],
            "promo_depth": promo["mean_depth"].astype(float),
            "multibuy_share": promo["type_mix"].map(_multibuy_share),
        }
    )
    features = index.join(listing, how="inner").join(promos, how="left")
    features = features.fillna(
        {"promo_share": 0.0, "promo_frequency": 0.0, "promo_depth": 0.0, "multibuy_share": 0.0}
    )
    return features[list(STRATEGY_FEATURES)].astype(float)


def _activity_features(activity: pd.DataFrame, catalog_sizes: pd.Series) -> pd.DataFrame:
    activity = activity.assign(
        reprice=activity["price_changes"] / activity["days_observed"].clip(lower=1) * 30.0,
        matched=activity["product_id"].notna(),
    )
    parts = [activity.assign(**{CATEGORY: ALL_CATEGORIES}), activity.dropna(subset=[CATEGORY])]
    grouped = (
        pd.concat(parts)
        .groupby([RETAILER, CATEGORY])
        .agg(
            volatility=("volatility", "mean"),
            reprice_rate=("reprice", "mean"),
            stockout_rate=("stockout_rate", "mean"),
            listings=("volatility", "size"),
            matched=("matched", "sum"),
        )
    )
    categories = grouped.index.get_level_values(CATEGORY)
    ours = catalog_sizes.reindex(categories).to_numpy(dtype=float)
    grouped["assortment_breadth"] = grouped["listings"] / ours
    grouped["catalog_coverage"] = (grouped["matched"] / ours).clip(upper=1.0)
    return grouped.drop(columns=["listings", "matched"])


def _multibuy_share(mix: object) -> float:
    if not isinstance(mix, dict):
        return 0.0
    return float(
        sum(float(mix.get(kind, 0.0)) for kind in ("multibuy", "bundle", "nth_unit_discount"))
    )


class StrategyClusterer(ClusterMixin, BaseEstimator):  # type: ignore[misc]
    """Standardise features, then cluster with k chosen from ``k_min..k_max``.

    ``method="kmeans"`` keeps the k with the best silhouette score; ``"gmm"`` fits a Gaussian
    mixture (diagonal covariances) and keeps the k with the lowest BIC. Learned attributes:
    ``scaler_``, ``model_``, ``n_clusters_``, ``scores_`` (k -> silhouette or BIC),
    ``labels_`` and ``cluster_centers_`` (centroids in the original units).
    """

    def __init__(
        self,
        method: Method = "kmeans",
        *,
        k_min: int = 2,
        k_max: int = 6,
        n_init: int = 10,
        random_state: int | None = None,
    ) -> None:
        self.method = method
        self.k_min = k_min
        self.k_max = k_max
        self.n_init = n_init
        self.random_state = random_state

    def fit(self, X: npt.ArrayLike, y: object = None) -> Self:
        """Fit on a feature matrix (rows = competitors or competitor-categories)."""
        del y
        X_checked = validate_data(self, X, ensure_min_samples=2)
        if self.method not in ("kmeans", "gmm"):
            raise ValueError(f"method must be 'kmeans' or 'gmm', got {self.method!r}")
        self.scaler_ = StandardScaler().fit(X_checked)
        scaled = self.scaler_.transform(X_checked)
        candidates = range(max(1, self.k_min), max(1, min(self.k_max, len(scaled) - 1)) + 1)
        fitted = {k: self._fit_k(scaled, k) for k in candidates}
        self.scores_ = {k: self._score(scaled, model) for k, model in fitted.items()}
        best = (max if self.method == "kmeans" else min)(
            self.scores_, key=self.scores_.__getitem__
        )
        self.n_clusters_ = int(best)
        self.model_ = fitted[best]
        self.labels_ = np.asarray(self.model_.predict(scaled), dtype=np.int64)
        centers = self.model_.cluster_centers_ if self.method == "kmeans" else self.model_.means_
        self.cluster_centers_ = self.scaler_.inverse_transform(centers)
        logger.info("strategy clusters: k=%d by %s", self.n_clusters_, self.method)
        return self

    def _fit_k(self, scaled: npt.NDArray[np.float64], k: int) -> KMeans | GaussianMixture:
        if self.method == "kmeans":
            return KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state).fit(
                scaled
            )
        return GaussianMixture(
            n_components=k,
            covariance_type="diag",
            n_init=self.n_init,
            random_state=self.random_state,
        ).fit(scaled)

    def _score(self, scaled: npt.NDArray[np.float64], model: KMeans | GaussianMixture) -> float:
        if self.method == "gmm":
            return float(model.bic(scaled))
        labels = model.predict(scaled)
        if len(np.unique(labels)) < 2:
            return -1.0
        return float(silhouette_score(scaled, labels, random_state=self.random_state))

    def predict(self, X: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """The cluster of each row."""
        check_is_fitted(self)
        X_checked = validate_data(self, X, reset=False)
        return np.asarray(self.model_.predict(self.scaler_.transform(X_checked)), dtype=np.int64)


def name_clusters(centroids: pd.DataFrame) -> list[str]:
    """The name of each centroid row (columns include :data:`CLUSTER_FEATURES`).

    The rules of :data:`NAMING_RULES` are tried in order; the first that holds names the
    cluster. Several clusters may get the same name.
    """
    names = []
    columns = ["price_index", "promo_share", "promo_depth", "multibuy_share"]
    for price, share, depth, multibuy in centroids[columns].to_numpy(dtype=float).tolist():
        if share >= 0.2 and depth >= 0.15:
            names.append("high_low")
        elif price >= 104.0:
            names.append("premium")
        elif price <= 91.0 or (price < 96.0 and multibuy >= 0.5):
            names.append("discounter")
        elif price < 100.0 and share < 0.1:
            names.append("everyday_low_price")
        else:
            names.append("mainstream")
    return names
