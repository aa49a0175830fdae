"""Pulso's hybrid on the real UCI restaurant ratings (runs only where the data set is present)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulso.recsys.baselines import PopularityRecommender
from pulso.recsys.data import Interactions, load_csv_data
from pulso.recsys.evaluation import evaluate
from pulso.recsys.fusion import HybridRecommender
from pulso.recsys.model import HybridMF

UCI = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "uci-restaurant-consumer"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (UCI / "rating_final.csv").exists(),
        reason=f"UCI restaurant-consumer data not present at {UCI} (CC BY 4.0, not vendored)",
    ),
]


def test_hybrid_beats_popularity_on_uci():
    data = Interactions.from_data(
        load_csv_data(
            UCI / "rating_final.csv",
            items=[UCI / "geoplaces2.csv", UCI / "chefmozcuisine.csv"],
            users=[UCI / "userprofile.csv", UCI / "usercuisine.csv"],
        )
    )
    models = {
        "pulso": lambda: HybridRecommender(
            collaborative=HybridMF(epochs=15, random_state=0), validation_rounds=1
        ),
        "popularity": PopularityRecommender,
    }

    report = evaluate(data, models=models, k=10, seed=0, cold_start=False)

    assert (data.n_users, data.n_items, data.n_pairs) == (138, 130, 1161)
    assert report.split == "random"
    pulso, popularity = report.models["pulso"]["ndcg@10"], report.models["popularity"]["ndcg@10"]
    assert pulso is not None
    assert popularity is not None
    assert pulso > popularity + 0.1
