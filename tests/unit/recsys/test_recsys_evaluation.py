"""One evaluation run: every model on the same split, the contract's keys, cold-start subsets."""

from __future__ import annotations

import numpy as np
import pytest

from pulso.errors import InputError
from pulso.recsys.baselines import PopularityRecommender
from pulso.recsys.content import ContentRecommender
from pulso.recsys.data import Interactions
from pulso.recsys.evaluation import ModelFactory, evaluate, summarise_runs
from pulso.recsys.fusion import HybridRecommender
from pulso.recsys.model import HybridMF
from pulso.recsys.synthetic import make_synthetic_data


def _models() -> dict[str, ModelFactory]:
    return {
        "pulso": lambda: HybridRecommender(
            collaborative=HybridMF(epochs=4, n_factors=16, random_state=0),
            weight_step=0.5,
            validation_rounds=1,
        ),
        "content": ContentRecommender,
        "popularity": PopularityRecommender,
    }


@pytest.fixture(scope="module")
def data() -> Interactions:
    return Interactions.from_data(make_synthetic_data(n_users=150, n_items=40, seed=2))


def test_report_has_the_contract_keys_and_pulso_beats_popularity(data):
    report = evaluate(data, models=_models(), k=5, seed=0)
    document = report.to_dict()

    assert document["k"] == 5
    assert document["split"] == "temporal"
    assert set(document["models"]) == {"pulso", "content", "popularity"}
    for metrics in document["models"].values():
        assert {
            "ndcg@5",
            "precision@5",
            "recall@5",
            "map@5",
            "coverage",
            "rmse",
            "fit_seconds",
        } <= set(metrics)
        assert 0.0 <= metrics["ndcg@5"] <= 1.0
        assert metrics["rmse"] is None  # implicit data: nothing to predict
    assert document["models"]["pulso"]["ndcg@5"] > document["models"]["popularity"]["ndcg@5"]
    cold = document["cold_start"]
    assert cold["users"]["pulso"]["ndcg@5"] > cold["users"]["content"]["ndcg@5"]
    assert cold["items"]["content"]["ndcg@5"] > cold["items"]["popularity"]["ndcg@5"]
    assert document["counts"]["test_pairs"] + document["counts"]["train_pairs"] == data.n_pairs


def test_seeds_are_summarised_with_their_spread(data):
    reports = [
        evaluate(
            data,
            models={"popularity": PopularityRecommender},
            k=5,
            seed=s,
            split_kind="random",
            cold_start=False,
        )
        for s in (0, 1)
    ]

    summary = summarise_runs(reports)
    values = [float(r.models["popularity"]["ndcg@5"] or 0.0) for r in reports]

    assert summary["popularity"]["ndcg@5"]["mean"] == pytest.approx(np.mean(values))
    assert summary["popularity"]["ndcg@5"]["std"] == pytest.approx(np.std(values, ddof=1))


def test_bad_k_is_an_input_error(data):
    with pytest.raises(InputError, match="k must be"):
        evaluate(data, models={"popularity": PopularityRecommender}, k=0)
