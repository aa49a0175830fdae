"""Offline evaluation: every model trained and scored in one run on the same split.

Protocol (what ``pulso recsys evaluate`` prints):

1. Split each user's pairs: temporal when every pair has a timestamp (the last items met go to
   test), else random (:mod:`pulso.recsys.splits`), 20% to test; users with fewer than three
   pairs stay in training.
2. A test pair is *relevant* when it has no rating, or when its rating is at least the middle of
   the observed rating scale (``>= 1`` on UCI's 0-2, ``>= 3`` on 1-5).
3. For every test user, every item the user did not meet in training is a candidate; each
   model ranks them and the top ``k`` are scored with precision, recall, NDCG, MAP and
   catalogue coverage (:mod:`pulso.recsys.metrics`). RMSE and MAE are computed on the rated
   test pairs for models that predict ratings.
4. Cold-start subsets: a fifth of the items (then of the users) leave training entirely and the
   models rank only the held-out items for the users who met them (items), or all items for
   the held-out users (users). Only side features describe them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from pulso.errors import InputError
from pulso.recsys.baselines import ItemKNNRecommender, PopularityRecommender
from pulso.recsys.content import ContentRecommender
from pulso.recsys.data import Interactions
from pulso.recsys.fusion import HybridRecommender
from pulso.recsys.metrics import mae, ranking_metrics, rmse, top_k
from pulso.recsys.model import HybridMF
from pulso.recsys.peers import available_peers
from pulso.recsys.splits import cold_item_split, cold_user_split, split

__all__ = [
    "EvaluationReport",
    "ModelFactory",
    "Recommender",
    "default_models",
    "evaluate",
    "summarise_runs",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_BATCH_USERS = 2048


class Recommender(Protocol):
    """What the evaluation needs from a model."""

    def fit(self, X: Interactions) -> Any: ...

    def score(self, users: IntArray) -> FloatArray: ...


ModelFactory = Callable[[], Recommender]


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Metrics of every model on one split (and the cold-start subsets)."""

    k: int
    split: str
    seed: int
    counts: dict[str, int]
    models: dict[str, dict[str, float | None]]
    cold_start: dict[str, dict[str, dict[str, float | None]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "split": self.split,
            "seed": self.seed,
            "counts": self.counts,
            "models": self.models,
            "cold_start": self.cold_start,
        }


def default_models(
    *, seed: int = 0, peers: bool = True, fast: bool = False, epochs: int | None = None
) -> dict[str, ModelFactory]:
    """Pulso's hybrid, its MF and content parts, the baselines and every installed peer.

    ``fast`` trains every iterative model briefly (tests); ``epochs`` caps Pulso's MF epochs.
    """
    epochs = epochs if epochs is not None else (8 if fast else 40)

    def mf() -> HybridMF:
        return HybridMF(random_state=seed, epochs=epochs)

    models: dict[str, ModelFactory] = {
        "pulso": lambda: HybridRecommender(collaborative=mf(), random_state=seed),
        "pulso_mf": mf,
        "content": ContentRecommender,
        "popularity": PopularityRecommender,
        "item_knn": ItemKNNRecommender,
    }
    if peers:
        models.update(available_peers(seed=seed, fast=fast))
    return models


def relevance_threshold(data: Interactions) -> float | None:
    """Middle of the observed rating scale, or ``None`` without ratings."""
    if not data.has_ratings:
        return None
    return float((np.nanmin(data.ratings) + np.nanmax(data.ratings)) / 2.0)


def _relevant_sets(
    test: Interactions, users: IntArray, *, threshold: float | None
) -> list[set[int]]:
    position = {int(u): r for r, u in enumerate(users.tolist())}
    relevant: list[set[int]] = [set() for _ in users]
    keep = np.ones(test.n_pairs, dtype=bool)
    if threshold is not None:
        keep = ~(np.isfinite(test.ratings) & (test.ratings < threshold))
    for user, item in zip(test.users[keep].tolist(), test.items[keep].tolist(), strict=True):
        relevant[position[user]].add(item)
    return relevant


def _ranked(
    model: Recommender,
    users: IntArray,
    *,
    train: Interactions,
    k: int,
    candidates: IntArray | None = None,
) -> IntArray:
    seen = train.matrix("ones")
    ties = np.random.default_rng(0)  # equal scores fall in random, not catalogue, order
    ranked = []
    for start in range(0, len(users), _BATCH_USERS):
        batch = users[start : start + _BATCH_USERS]
        scores = np.array(model.score(batch), dtype=np.float64)
        scores += ties.random(scores.shape) * 1e-9
        scores[seen[batch].nonzero()] = -np.inf
        if candidates is not None:
            allowed = np.zeros(train.n_items, dtype=bool)
            allowed[candidates] = True
            scores[:, ~allowed] = -np.inf
        ranked.append(top_k(scores, k))
    return np.concatenate(ranked) if ranked else np.zeros((0, k), dtype=np.int64)


def score_model(
    model: Recommender,
    train: Interactions,
    test: Interactions,
    *,
    k: int,
    threshold: float | None,
    candidates: IntArray | None = None,
) -> dict[str, float | None]:
    """Fit ``model`` on ``train`` and measure it on ``test``."""
    started = time.perf_counter()
    model.fit(train)
    fit_seconds = time.perf_counter() - started
    users = np.unique(test.users)
    relevant = _relevant_sets(test, users, threshold=threshold)
    ranked = _ranked(model, users, train=train, k=k, candidates=candidates)
    n_items = train.n_items if candidates is None else len(candidates)
    metrics: dict[str, float | None] = dict(
        ranking_metrics(ranked, relevant, k=k, n_items=n_items)
    )
    metrics["rmse"], metrics["mae"] = _rating_errors(model, test)
    metrics["fit_seconds"] = round(fit_seconds, 3)
    return metrics


def _rating_errors(model: Recommender, test: Interactions) -> tuple[float | None, float | None]:
    predict = getattr(model, "predict_ratings", None)
    rated = np.isfinite(test.ratings)
    if predict is None or not rated.any():
        return None, None
    predicted = np.asarray(predict(test.users[rated], test.items[rated]), dtype=np.float64)
    low, high = np.nanmin(test.ratings), np.nanmax(test.ratings)
    predicted = np.clip(predicted, low, high)
    return rmse(predicted, test.ratings[rated]), mae(predicted, test.ratings[rated])


def evaluate(
    data: Interactions,
    *,
    models: Mapping[str, ModelFactory] | None = None,
    k: int = 10,
    seed: int = 0,
    split_kind: str = "auto",
    test_fraction: float = 0.2,
    cold_start: bool = True,
) -> EvaluationReport:
    """Train and score every model on one split of ``data`` (see the module docstring)."""
    if k < 1:
        raise InputError(f"k must be >= 1, got {k}")
    factories = dict(models) if models is not None else default_models(seed=seed)
    kind, train, test = split(data, kind=split_kind, test_fraction=test_fraction, seed=seed)
    if test.n_pairs == 0:
        raise InputError("no user has enough interactions to hold some out for testing")
    threshold = relevance_threshold(data)
    results: dict[str, dict[str, float | None]] = {}
    for name, factory in factories.items():
        results[name] = score_model(factory(), train, test, k=k, threshold=threshold)
        logger.info("%s: ndcg@%d %.4f", name, k, results[name][f"ndcg@{k}"])
    cold = _cold_start(data, factories, k=k, seed=seed, threshold=threshold) if cold_start else {}
    counts = {
        "users": data.n_users,
        "items": data.n_items,
        "pairs": data.n_pairs,
        "train_pairs": train.n_pairs,
        "test_pairs": test.n_pairs,
        "test_users": len(np.unique(test.users)),
    }
    return EvaluationReport(k, kind, seed, counts, results, cold)


def _cold_start(
    data: Interactions,
    factories: Mapping[str, ModelFactory],
    *,
    k: int,
    seed: int,
    threshold: float | None,
) -> dict[str, dict[str, dict[str, float | None]]]:
    items_train, items_test = cold_item_split(data, seed=seed)
    users_train, users_test = cold_user_split(data, seed=seed)
    cold_items = np.unique(items_test.items)
    subsets: dict[str, dict[str, dict[str, float | None]]] = {"items": {}, "users": {}}
    for name, factory in factories.items():
        subsets["items"][name] = _short(
            score_model(
                factory(), items_train, items_test, k=k, threshold=threshold, candidates=cold_items
            ),
            k,
        )
        subsets["users"][name] = _short(
            score_model(factory(), users_train, users_test, k=k, threshold=threshold), k
        )
    return subsets


def _short(metrics: dict[str, float | None], k: int) -> dict[str, float | None]:
    return {key: metrics[key] for key in (f"ndcg@{k}", f"precision@{k}", f"recall@{k}")}


def summarise_runs(reports: Sequence[EvaluationReport]) -> dict[str, dict[str, dict[str, float]]]:
    """Mean and standard deviation of every metric over reports of several seeds."""
    summary: dict[str, dict[str, dict[str, float]]] = {}
    for name in reports[0].models:
        summary[name] = {}
        for metric in reports[0].models[name]:
            values = [r.models[name][metric] for r in reports]
            numbers = np.array([v for v in values if v is not None], dtype=np.float64)
            if len(numbers):
                summary[name][metric] = {
                    "mean": float(numbers.mean()),
                    "std": float(numbers.std(ddof=1)) if len(numbers) > 1 else 0.0,
                }
    return summary
