"""The feature-embedding MF: contract, determinism, quality against popularity, cold start."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from pulso.errors import InputError
from pulso.recsys.baselines import PopularityRecommender
from pulso.recsys.data import Interactions
from pulso.recsys.evaluation import relevance_threshold, score_model
from pulso.recsys.model import HybridMF, load_mf_weights, save_mf
from pulso.recsys.splits import random_split
from pulso.recsys.synthetic import make_synthetic_data

FAST: dict[str, Any] = {"epochs": 6, "n_factors": 16, "patience": 3}


def ndcg(metrics: dict[str, float | None]) -> float:
    value = metrics["ndcg@10"]
    assert value is not None
    return value


@pytest.fixture(scope="module")
def data() -> Interactions:
    return Interactions.from_data(make_synthetic_data(n_users=240, n_items=60, seed=11))


@pytest.fixture(scope="module")
def split(data):
    return random_split(data, seed=0)


@pytest.fixture(scope="module")
def fitted(split) -> HybridMF:
    return HybridMF(random_state=0, **FAST).fit(split[0])


def test_estimator_contract(fitted, data):
    model = HybridMF(n_factors=8)

    assert model.get_params()["n_factors"] == 8
    assert clone(model).get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        model.score(np.array([0]))
    assert fitted.user_factors_.shape == (data.n_users, 16)
    assert fitted.item_factors_.shape == (data.n_items, 16)
    assert 1 <= fitted.best_epoch_ <= FAST["epochs"]
    assert all(np.isfinite(e.loss) for e in fitted.history_)


def test_bad_parameters_are_input_errors(data):
    with pytest.raises(InputError, match="loss"):
        HybridMF(loss="hinge").fit(data)
    with pytest.raises(InputError, match="zero interactions"):
        HybridMF().fit(data.subset(np.zeros(data.n_pairs, dtype=bool)))


def test_same_seed_same_model_other_seed_other_model(split):
    train = split[0]
    first = HybridMF(random_state=3, early_stopping=False, epochs=2, n_factors=8).fit(train)
    again = HybridMF(random_state=3, early_stopping=False, epochs=2, n_factors=8).fit(train)
    other = HybridMF(random_state=4, early_stopping=False, epochs=2, n_factors=8).fit(train)

    assert np.array_equal(first.item_factors_, again.item_factors_)
    assert not np.allclose(first.item_factors_, other.item_factors_)


def test_beats_popularity_on_held_out_pairs(split, data):
    train, test = split
    threshold = relevance_threshold(data)

    mf = score_model(HybridMF(random_state=0, **FAST), train, test, k=10, threshold=threshold)
    popular = score_model(PopularityRecommender(), train, test, k=10, threshold=threshold)

    assert ndcg(mf) > ndcg(popular) + 0.05


def test_new_item_scores_from_its_features(fitted, data):
    # A user of segment s (tokens segment=s, likes=t) should prefer a new item made of the
    # features of items that segment chose over one made of the features of items it avoided.
    train = fitted
    user = 0
    scores = train.score(np.array([user]))[0]
    best, worst = int(np.argmax(scores)), int(np.argmin(scores))
    vectors, bias = train.item_vectors_from_features(
        [data.item_tokens[best], data.item_tokens[worst]]
    )
    new_scores = vectors @ train.user_factors_[user] + bias

    assert new_scores[0] > new_scores[1]


def test_new_user_scores_from_features_beat_popularity(data):
    users = np.unique(data.users)
    cold = users[:40]
    train = data.subset(~np.isin(data.users, cold))
    model = HybridMF(random_state=0, **FAST).fit(train)
    test = data.subset(np.isin(data.users, cold))
    threshold = relevance_threshold(data)

    cold_mf = score_model(model, train, test, k=10, threshold=threshold)
    popular = score_model(PopularityRecommender(), train, test, k=10, threshold=threshold)
    vectors = model.user_vectors_from_features([data.user_tokens[u] for u in cold])

    assert np.allclose(vectors, model.user_factors_[cold])
    assert ndcg(cold_mf) > ndcg(popular)


def test_ratings_are_learned_with_their_own_scale(data):
    rated = data.subset(np.ones(data.n_pairs, dtype=bool))
    rng = np.random.default_rng(0)
    ratings = np.clip(np.round(3 + rng.normal(0, 1, rated.n_pairs)), 1, 5)
    from dataclasses import replace

    rated = replace(rated, ratings=ratings)
    model = HybridMF(random_state=0, rating_weight=1.0, **FAST).fit(rated)
    predicted = model.predict_ratings(rated.users, rated.items)

    assert abs(model.global_mean_ - ratings.mean()) < 0.05
    assert np.sqrt(np.mean((predicted - ratings) ** 2)) < 1.5 * ratings.std()


def test_warm_start_reuses_saved_token_embeddings(fitted, split, tmp_path):
    save_mf(fitted, tmp_path)
    previous = load_mf_weights(tmp_path)
    warm = HybridMF(random_state=1, early_stopping=False, epochs=1, n_factors=16)
    warm.fit(split[0], init=previous)

    assert warm.warm_started_tokens_ == len(fitted.user_index_.vocabulary) + len(
        fitted.item_index_.vocabulary
    )
    with pytest.raises(InputError, match="warm-start"):
        HybridMF(n_factors=8, epochs=1).fit(split[0], init=previous)
