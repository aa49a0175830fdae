"""Content model, baselines, fusion and peers on small synthetic data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pulso.errors import InputError
from pulso.recsys.baselines import ItemKNNRecommender, PopularityRecommender
from pulso.recsys.content import ContentRecommender, item_document, item_terms, pair_preferences
from pulso.recsys.data import Interactions, build_data
from pulso.recsys.evaluation import relevance_threshold, score_model
from pulso.recsys.fusion import HybridRecommender, blend_scores, simplex_grid, standardise_rows
from pulso.recsys.model import HybridMF
from pulso.recsys.peers import available_peers, installed_peer_libraries
from pulso.recsys.splits import random_split
from pulso.recsys.synthetic import make_synthetic_data


def _menu_data(events: list[tuple[str, str, float]]) -> Interactions:
    items = pd.DataFrame(
        {
            "item_id": ["1", "2", "3", "4"],
            "name": ["Ceviche clásico", "Ceviche mixto", "Suspiro limeño", "Leche de tigre"],
            "text": [
                "ceviche pescado limón ají limo",
                "ceviche pescado pulpo calamar limón",
                "manjar blanco merengue oporto",
                "pescado limón ají limo",
            ],
            "features": [
                ["tag=marino"],
                ["tag=marino", "tag=mariscos"],
                ["tag=dulce"],
                ["tag=marino"],
            ],
        }
    )
    frame = pd.DataFrame(events, columns=["user_id", "item_id", "rating"])
    return Interactions.from_data(build_data(frame, items=items))


def test_content_profiles_prefer_dishes_like_the_liked_ones():
    data = _menu_data([("ana", "1", np.nan), ("ana", "2", np.nan), ("beto", "3", np.nan)])
    model = ContentRecommender().fit(data)

    ana = model.score(np.array([0]))[0]
    similarity = model.item_similarity()

    assert ana[3] > ana[2]  # leche de tigre over suspiro
    assert similarity[0, 1] > similarity[0, 2]
    assert np.allclose(np.diag(similarity), 1.0)
    new = model.transform(["Tiradito de pescado con ají limo"], [["tag=marino"]])
    assert (new @ model.item_vectors_.T).toarray()[0, 0] > 0


def test_terms_fold_words_and_keep_tokens_whole():
    terms = item_terms(item_document("Ají de Gallina con pan", ["ingredient=ají amarillo"]))

    assert terms == ["aji", "gallina", "pan", "ingredient=ají amarillo"]


def test_low_ratings_become_dislikes():
    data = _menu_data([("ana", "1", 5.0), ("ana", "3", 1.0), ("beto", "2", 3.0)])

    weights = pair_preferences(data)

    assert weights[0] > 0
    assert weights[1] < 0
    model = ContentRecommender().fit(data)
    assert model.score(np.array([0]))[0][3] > model.score(np.array([0]))[0][2]


def test_popularity_and_item_neighbours():
    data = _menu_data(
        [
            ("a", "1", np.nan),
            ("a", "2", np.nan),
            ("b", "1", np.nan),
            ("b", "2", np.nan),
            ("c", "1", np.nan),
            ("d", "3", np.nan),
        ]
    )

    popular = PopularityRecommender().fit(data).score(np.array([0, 1]))
    knn = ItemKNNRecommender(shrinkage=0.0).fit(data)

    assert popular[0].argmax() == 0
    assert np.array_equal(popular[0], popular[1])
    c = int(np.flatnonzero(data.user_ids == "c")[0])
    assert knn.score(np.array([c]))[0].argmax() == 1  # who orders 1 also orders 2
    with pytest.raises(InputError):
        ItemKNNRecommender(n_neighbors=0).fit(data)


def test_standardise_blend_and_grid():
    scores = np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]])

    z = standardise_rows(scores)
    grid = simplex_grid(["mf", "content"], 0.25)

    assert np.allclose(z[0].mean(), 0.0)
    assert np.allclose(z[0].std(), 1.0)
    assert np.array_equal(z[1], np.zeros(3))
    assert len(grid) == 5
    assert all(sum(w.values()) == pytest.approx(1.0) for w in grid)
    blended = blend_scores({"mf": scores, "content": -scores}, {"mf": 0.75, "content": 0.25})
    assert np.allclose(blended[0], 0.5 * z[0])


@pytest.fixture(scope="module")
def synthetic():
    data = Interactions.from_data(make_synthetic_data(n_users=200, n_items=50, seed=5))
    return data, *random_split(data, seed=0)


def test_hybrid_tunes_weights_and_beats_popularity(synthetic):
    data, train, test = synthetic
    hybrid = HybridRecommender(
        collaborative=HybridMF(epochs=5, n_factors=16, random_state=0),
        weight_step=0.25,
        validation_rounds=1,
    )
    threshold = relevance_threshold(data)

    result = score_model(hybrid, train, test, k=10, threshold=threshold)
    popular = score_model(PopularityRecommender(), train, test, k=10, threshold=threshold)

    assert sum(hybrid.weights_.values()) == pytest.approx(1.0)
    assert set(hybrid.weights_) == {"mf", "neighbours", "content"}
    assert hybrid.validation_ndcg_ >= max(score for _, score in hybrid.validation_scores_) - 1e-12
    assert (result["ndcg@10"] or 0.0) > (popular["ndcg@10"] or 0.0)
    with pytest.raises(InputError, match="components"):
        HybridRecommender(components=("mf", "magic")).fit(train)


@pytest.mark.parametrize("name", ["implicit_als", "implicit_bpr", "surprise_svd", "lightfm"])
def test_installed_peers_fit_and_score(synthetic, name):
    data, train, _ = synthetic
    peers = available_peers(seed=0, fast=True)
    if name not in peers:
        pytest.skip(f"{name}: its library is not installed ({installed_peer_libraries()})")

    model = peers[name]().fit(train)
    scores = model.score(np.array([0, 1, 2]))

    assert scores.shape == (3, data.n_items)
    assert np.isfinite(scores).all()
