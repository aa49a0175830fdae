"""Ranking and rating metrics: limits first, then hand-computed reference values."""

from __future__ import annotations

import numpy as np
import pytest

from pulso.recsys.metrics import (
    average_precision_at_k,
    catalogue_coverage,
    hit_matrix,
    mae,
    ndcg_at_k,
    precision_at_k,
    ranking_metrics,
    recall_at_k,
    rmse,
    top_k,
)


def test_perfect_and_empty_rankings_hit_the_limits():
    ranked = np.array([[0, 1, 2], [3, 4, 5]])
    perfect = [{0, 1, 2}, {3, 4, 5}]
    missed = [{9}, {8}]

    best = ranking_metrics(ranked, perfect, k=3, n_items=10)
    worst = ranking_metrics(ranked, missed, k=3, n_items=10)

    assert best["ndcg@3"] == pytest.approx(1.0)
    assert best["precision@3"] == pytest.approx(1.0)
    assert best["recall@3"] == pytest.approx(1.0)
    assert best["map@3"] == pytest.approx(1.0)
    assert all(worst[name] == 0.0 for name in ("ndcg@3", "precision@3", "recall@3", "map@3"))
    assert best["coverage"] == pytest.approx(0.6)


def test_reference_values_of_one_ranking():
    # Ranked a, b, c; relevant b and d: one hit at rank 2 out of two relevant items.
    hits = hit_matrix(np.array([[0, 1, 2]]), [{1, 3}])
    counts = np.array([2.0])

    assert hits.tolist() == [[False, True, False]]
    assert precision_at_k(hits, 3) == pytest.approx(1 / 3)
    assert recall_at_k(hits, counts, 3) == pytest.approx(0.5)
    assert ndcg_at_k(hits, counts, 3) == pytest.approx((1 / np.log2(3)) / (1 + 1 / np.log2(3)))
    assert average_precision_at_k(hits, counts, 3) == pytest.approx(0.5 / 2)


def test_users_without_relevant_items_are_left_out():
    ranked = np.array([[0, 1], [0, 1]])

    metrics = ranking_metrics(ranked, [{0}, set()], k=2, n_items=4)

    assert metrics["precision@2"] == pytest.approx(0.5)
    assert metrics["ndcg@2"] == pytest.approx(1.0)


def test_top_k_orders_best_first_and_handles_small_catalogues():
    scores = np.array([[0.1, 0.9, 0.5, -np.inf], [3.0, 2.0, 1.0, 0.0]])

    assert top_k(scores, 2).tolist() == [[1, 2], [0, 1]]
    assert top_k(scores, 10).shape == (2, 4)


def test_rating_errors_and_coverage():
    predicted = np.array([1.0, 2.0, 4.0])
    actual = np.array([1.0, 3.0, 2.0])

    assert rmse(predicted, actual) == pytest.approx(np.sqrt(5 / 3))
    assert mae(predicted, actual) == pytest.approx(1.0)
    assert rmse(actual, actual) == 0.0
    assert catalogue_coverage(np.array([[0, 1], [1, 2]]), 4) == pytest.approx(0.75)
    assert catalogue_coverage(np.zeros((0, 2), dtype=np.int64), 0) == 0.0
