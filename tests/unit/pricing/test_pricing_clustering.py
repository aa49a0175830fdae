"""Strategy clustering: features, the estimator contract, k selection and cluster names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score
from sklearn.utils.estimator_checks import parametrize_with_checks

from pulso.pricing.clustering import (
    CLUSTER_FEATURES,
    STRATEGY_FEATURES,
    StrategyClusterer,
    name_clusters,
    strategy_features,
)

# centroids of the planted strategies: price index, promo share, depth, volatility, multibuy
_STRATEGIES = {
    "high_low": (106.0, 0.42, 0.34, 0.09, 0.40),
    "everyday_low_price": (93.5, 0.04, 0.09, 0.01, 0.0),
    "premium": (112.0, 0.10, 0.18, 0.02, 0.20),
    "discounter": (88.0, 0.08, 0.15, 0.007, 0.70),
}


def _points(per_strategy: int, seed: int) -> tuple[pd.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    rows, labels = [], []
    for name, centre in _STRATEGIES.items():
        spread = np.array([1.0, 0.02, 0.02, 0.005, 0.05])
        rows.extend(np.asarray(centre) + rng.normal(0.0, 1.0, (per_strategy, 5)) * spread)
        labels += [name] * per_strategy
    return pd.DataFrame(rows, columns=list(CLUSTER_FEATURES)), labels


@parametrize_with_checks([StrategyClusterer(k_max=3, n_init=2, random_state=0)])
def test_sklearn_contract(estimator, check):
    check(estimator)


@pytest.mark.parametrize("method", ["kmeans", "gmm"])
def test_k_is_chosen_from_the_data_and_recovers_the_strategies(method):
    points, labels = _points(per_strategy=30, seed=1)

    model = StrategyClusterer(method, k_max=7, random_state=0).fit(points)

    assert model.n_clusters_ == 4
    assert set(model.scores_) == {2, 3, 4, 5, 6, 7}
    assert adjusted_rand_score(labels, model.labels_) == pytest.approx(1.0)
    assert model.predict(points).tolist() == model.labels_.tolist()
    assert model.cluster_centers_.shape == (4, len(CLUSTER_FEATURES))


def test_clusters_are_named_from_their_centroids():
    centroids = pd.DataFrame(list(_STRATEGIES.values()), columns=list(CLUSTER_FEATURES))
    middle = pd.DataFrame([(100.5, 0.15, 0.2, 0.03, 0.2)], columns=list(CLUSTER_FEATURES))

    assert name_clusters(centroids) == list(_STRATEGIES)
    assert name_clusters(middle) == ["mainstream"]


def test_an_unknown_method_is_rejected_at_fit():
    points, _ = _points(per_strategy=3, seed=2)

    with pytest.raises(ValueError, match="method"):
        StrategyClusterer("dbscan").fit(points)  # type: ignore[arg-type]


def test_features_per_competitor_and_category():
    index = pd.DataFrame(
        {
            "retailer_id": [2, 2, 2, 2],
            "category": ["Bebidas", "Bebidas", "*", "*"],
            "index_regular": [104.0, 108.0, 105.0, 107.0],
            "index_shelf": [100.0] * 4,
        }
    )
    activity = pd.DataFrame(
        {
            "retailer_id": [2, 2, 2],
            "category": ["Bebidas", "Bebidas", None],
            "product_id": [1.0, None, None],
            "days_observed": [30, 30, 60],
            "volatility": [0.1, 0.3, 0.2],
            "price_changes": [1, 3, 0],
            "stockout_rate": [0.0, 0.1, 0.2],
        }
    )
    stats = pd.DataFrame(
        {
            "retailer_id": [2, 2],
            "category": ["Bebidas", "*"],
            "promo_day_share": [0.3, 0.2],
            "promos_per_listing_month": [1.0, 0.8],
            "mean_depth": [0.25, None],
            "type_mix": [{"multibuy": 0.5, "bundle": 0.25, "percent_off": 0.25}, {}],
        }
    )
    sizes = pd.Series({"Bebidas": 4, "*": 10})

    features = strategy_features(
        price_index=index, activity=activity, promo_stats=stats, catalog_sizes=sizes
    )

    assert list(features.columns) == list(STRATEGY_FEATURES)
    rows = features.to_dict("index")
    drinks = rows[(2, "Bebidas")]
    assert drinks["price_index"] == pytest.approx(106.0)
    assert drinks["volatility"] == pytest.approx(0.2)
    assert drinks["reprice_rate"] == pytest.approx((1 + 3) / 2)
    assert drinks["assortment_breadth"] == pytest.approx(2 / 4)
    assert drinks["catalog_coverage"] == pytest.approx(1 / 4)
    assert drinks["multibuy_share"] == pytest.approx(0.75)
    whole = rows[(2, "*")]
    assert whole["assortment_breadth"] == pytest.approx(3 / 10)
    assert whole["promo_depth"] == 0.0
