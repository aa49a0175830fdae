"""Ranking and rating metrics shared by every model (as in Microsoft's recommenders).

Ranking metrics take the top-k lists (users x k item indices, best first) and the relevant
items of each user; they average over users who have at least one relevant item:

- ``precision@k`` = hits in the top k / k;
- ``recall@k`` = hits in the top k / relevant items;
- ``ndcg@k`` = DCG / ideal DCG with binary gains and ``1 / log2(rank + 1)`` discounts;
- ``map@k`` = mean over users of the average precision at k, normalised by
  ``min(relevant, k)``;
- ``coverage`` = distinct items recommended to anyone / catalogue size.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = [
    "average_precision_at_k",
    "catalogue_coverage",
    "hit_matrix",
    "mae",
    "ndcg_at_k",
    "precision_at_k",
    "ranking_metrics",
    "recall_at_k",
    "rmse",
    "top_k",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def top_k(scores: FloatArray, k: int) -> IntArray:
    """Column indices of the ``k`` best scores per row, best first (``argpartition``, then sort)."""
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.asarray(np.take_along_axis(part, order, axis=1), dtype=np.int64)


def hit_matrix(ranked: IntArray, relevant: Sequence[set[int]]) -> BoolArray:
    """``hits[u, r]`` is true when the item at rank ``r`` of user ``u`` is relevant to ``u``."""
    return np.array(
        [
            [item in items for item in row]
            for row, items in zip(ranked.tolist(), relevant, strict=True)
        ],
        dtype=bool,
    ).reshape(ranked.shape)


def _relevant_counts(relevant: Sequence[set[int]]) -> FloatArray:
    return np.array([len(items) for items in relevant], dtype=np.float64)


def precision_at_k(hits: BoolArray, k: int) -> float:
    """Mean share of relevant items among the first ``k``."""
    if hits.size == 0:
        return 0.0
    return float((hits[:, :k].sum(axis=1) / k).mean())


def recall_at_k(hits: BoolArray, n_relevant: FloatArray, k: int) -> float:
    """Mean share of each user's relevant items found in the first ``k``."""
    if hits.size == 0:
        return 0.0
    return float((hits[:, :k].sum(axis=1) / np.maximum(n_relevant, 1)).mean())


def ndcg_at_k(hits: BoolArray, n_relevant: FloatArray, k: int) -> float:
    """Mean normalised discounted cumulative gain with binary relevance."""
    if hits.size == 0:
        return 0.0
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = (hits[:, :k] * discounts[: hits[:, :k].shape[1]]).sum(axis=1)
    ideal_counts = np.minimum(n_relevant, k).astype(np.int64)
    ideal = np.concatenate([[0.0], np.cumsum(discounts)])[ideal_counts]
    return float(np.where(ideal > 0, dcg / np.where(ideal > 0, ideal, 1.0), 0.0).mean())


def average_precision_at_k(hits: BoolArray, n_relevant: FloatArray, k: int) -> float:
    """Mean average precision at ``k`` (MAP@k)."""
    if hits.size == 0:
        return 0.0
    top = hits[:, :k].astype(np.float64)
    precision = np.cumsum(top, axis=1) / np.arange(1, top.shape[1] + 1)
    denominator = np.maximum(np.minimum(n_relevant, k), 1)
    return float(((precision * top).sum(axis=1) / denominator).mean())


def catalogue_coverage(ranked: IntArray, n_items: int) -> float:
    """Share of the catalogue that appears in at least one top-k list."""
    if n_items == 0:
        return 0.0
    return float(len(np.unique(ranked)) / n_items)


def rmse(predicted: FloatArray, actual: FloatArray) -> float:
    """Root mean squared error."""
    return float(np.sqrt(np.mean((np.asarray(predicted) - np.asarray(actual)) ** 2)))


def mae(predicted: FloatArray, actual: FloatArray) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(np.asarray(predicted) - np.asarray(actual))))


def ranking_metrics(
    ranked: IntArray, relevant: Sequence[set[int]], *, k: int, n_items: int
) -> dict[str, float]:
    """Every ranking metric at ``k`` for users with at least one relevant item."""
    keep = np.array([len(items) > 0 for items in relevant], dtype=bool)
    ranked = ranked[keep]
    relevant = [items for items, kept in zip(relevant, keep.tolist(), strict=True) if kept]
    hits = hit_matrix(ranked, relevant)
    counts = _relevant_counts(relevant)
    return {
        f"ndcg@{k}": ndcg_at_k(hits, counts, k),
        f"precision@{k}": precision_at_k(hits, k),
        f"recall@{k}": recall_at_k(hits, counts, k),
        f"map@{k}": average_precision_at_k(hits, counts, k),
        "coverage": catalogue_coverage(ranked, n_items),
    }
