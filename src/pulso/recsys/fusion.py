"""Pulso's hybrid recommender: feature-embedding MF, item neighbours and content, fused.

Fusion is a learned linear blend of per-user standardised scores (a weighted hybrid in
Burke's 2002 taxonomy)::

    score(u, i) = w_mf * z_u(mf(u, i)) + w_nb * z_u(neighbours(u, i)) + w_ct * z_u(content(u, i))

where ``z_u`` standardises a user's scores over the catalogue (mean 0, standard deviation 1), so
the components speak the same units whatever their scales, and the weights lie on the simplex
(step ``weight_step``). The weights are chosen on a per-user random validation hold-out
(``validation_fraction`` of each user's pairs) by grid search on NDCG@k, averaged over
several hold-outs on small data; the MF model early-stops on the same hold-outs. With ``refit=True`` every component is then retrained on all
pairs (the MF for its best number of epochs), so no data is lost to tuning.

The MF component carries side features (cold start); the neighbour component (item-based
collaborative filtering) is strong on small, dense data where co-occurrence says more than
factors can learn; the content component carries the dish text. A user with no history has
no neighbour or content signal; his score is the MF part alone (from his side features).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from pulso.errors import InputError
from pulso.recsys.baselines import ItemKNNRecommender
from pulso.recsys.content import ContentRecommender
from pulso.recsys.data import Interactions
from pulso.recsys.model import HybridMF, validation_ndcg
from pulso.recsys.splits import random_split

__all__ = ["COMPONENTS", "HybridRecommender", "blend_scores", "simplex_grid", "standardise_rows"]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

COMPONENTS = ("mf", "neighbours", "content")
_SMALL_DATA_PAIRS = 20_000
_MAX_TUNING_USERS = 3_000


def standardise_rows(scores: FloatArray) -> FloatArray:
    """Each row minus its mean, divided by its standard deviation (flat rows become zeros)."""
    mean = scores.mean(axis=1, keepdims=True)
    std = scores.std(axis=1, keepdims=True)
    safe = np.where(std > 1e-12, std, 1.0)
    return np.asarray(np.where(std > 1e-12, (scores - mean) / safe, 0.0), dtype=np.float64)


def blend_scores(parts: dict[str, FloatArray], weights: dict[str, float]) -> FloatArray:
    """Weighted sum of the row-standardised ``parts``."""
    total: FloatArray | None = None
    for name, weight in weights.items():
        if weight == 0.0:
            continue
        term = weight * standardise_rows(parts[name])
        total = term if total is None else total + term
    if total is None:
        return np.zeros_like(next(iter(parts.values())))
    return total


def simplex_grid(names: Sequence[str], step: float) -> list[dict[str, float]]:
    """Every weight vector over ``names`` with non-negative multiples of ``step`` summing to 1."""
    units = round(1.0 / step)
    return [
        {n: round(c * step, 6) for n, c in zip(names, combo, strict=True)}
        for combo in itertools.product(range(units + 1), repeat=len(names))
        if sum(combo) == units
    ]


def _popularity_ndcg(train: Interactions, held: Interactions, *, k: int) -> float:
    users = np.unique(held.users)[:_MAX_TUNING_USERS]
    popularity = np.tile(train.item_counts(), (len(users), 1))
    return validation_ndcg(popularity, users, train=train, validation=held, k=k)


class HybridRecommender(BaseEstimator):  # type: ignore[misc]
    """Feature MF, item neighbours and TF-IDF content, blended with weights tuned on validation.

    Parameters
    ----------
    collaborative:
        The MF estimator (default ``HybridMF(random_state=random_state)``); cloned.
    neighbours:
        The item-neighbour estimator (default ``ItemKNNRecommender()``); ``None`` in
        ``components`` leaves it out.
    content:
        The content estimator (default ``ContentRecommender()``).
    components:
        Which of ``"mf"``, ``"neighbours"``, ``"content"`` take part.
    weight_step:
        Resolution of the simplex grid of blend weights.
    validation_fraction, validation_rounds, k:
        Share of each user's pairs held out for tuning, how many different hold-outs the
        validation NDCG is averaged over (``None``: three below 20,000 pairs, where one
        hold-out is too noisy, else one), and the cut-off of the tuned NDCG.
    refit:
        Retrain every component on all pairs after tuning.
    random_state:
        Seed of the hold-out.
    """

    def __init__(
        self,
        *,
        collaborative: HybridMF | None = None,
        neighbours: ItemKNNRecommender | None = None,
        content: ContentRecommender | None = None,
        components: Sequence[str] = COMPONENTS,
        weight_step: float = 0.1,
        validation_fraction: float = 0.15,
        validation_rounds: int | None = None,
        k: int = 10,
        refit: bool = True,
        random_state: int = 0,
    ) -> None:
        self.collaborative = collaborative
        self.neighbours = neighbours
        self.content = content
        self.components = components
        self.weight_step = weight_step
        self.validation_fraction = validation_fraction
        self.validation_rounds = validation_rounds
        self.k = k
        self.refit = refit
        self.random_state = random_state

    def _fresh(self, name: str) -> BaseEstimator:
        given = {"mf": self.collaborative, "neighbours": self.neighbours, "content": self.content}
        if given[name] is not None:
            return clone(given[name])
        if name == "mf":
            return HybridMF(random_state=self.random_state)
        return ItemKNNRecommender() if name == "neighbours" else ContentRecommender()

    def _check(self, X: Interactions) -> list[str]:
        if X.n_pairs == 0:
            raise InputError("cannot fit a recommender on zero interactions")
        names = list(dict.fromkeys(self.components))
        unknown = [n for n in names if n not in COMPONENTS]
        if unknown or not names:
            raise InputError(f"components must be among {COMPONENTS}, got {self.components!r}")
        if not 0.0 < self.weight_step <= 1.0:
            raise InputError(f"weight_step must be in (0, 1], got {self.weight_step}")
        return names

    def fit(
        self, X: Interactions, y: None = None, *, init: HybridMF | None = None
    ) -> HybridRecommender:
        """Tune the blend on hold-outs of ``X``, then (with ``refit``) retrain on all of it.

        ``init`` is a previous MF model (incremental retraining). Tuning always starts from
        scratch, so the hold-out stays unseen; the final refit starts from ``init``'s token
        embeddings and runs half the tuned epochs, which keeps the new version close to the
        previous one and cheaper to train.
        """
        del y
        names = self._check(X)
        rounds = self._rounds(X)
        results: list[list[tuple[dict[str, float], float]]] = []
        epochs: list[int] = []
        popularity: list[float] = []
        fitted: dict[str, BaseEstimator] = {}
        for round_ in range(rounds):
            train, held = random_split(
                X, test_fraction=self.validation_fraction, seed=self.random_state + 11 + round_
            )
            if held.n_pairs == 0:
                break
            fitted = {n: self._fit_one(n, train, previous=None, validation=held) for n in names}
            results.append(self._tune(fitted, train, held))
            epochs.append(int(getattr(fitted.get("mf"), "best_epoch_", 1)))
            popularity.append(_popularity_ndcg(train, held, k=self.k))
        if not results:
            self.weights_ = {n: 1.0 / len(names) for n in names}
            self.validation_scores_: list[tuple[dict[str, float], float]] = []
            self.validation_ndcg_ = self.popularity_validation_ndcg_ = float("nan")
            self.components_ = {n: self._fit_one(n, X, previous=init) for n in names}
            return self
        self.validation_scores_ = [
            (weights, float(np.mean([r[i][1] for r in results])))
            for i, (weights, _) in enumerate(results[0])
        ]
        self.weights_, self.validation_ndcg_ = max(self.validation_scores_, key=lambda p: p[1])
        self.popularity_validation_ndcg_ = float(np.mean(popularity))
        self.tuned_epochs_ = max(1, round(float(np.mean(epochs))))
        if self.refit:
            fitted = {n: self._refit(n, model, X, previous=init) for n, model in fitted.items()}
        self.components_ = fitted
        logger.info("hybrid fitted: weights %s over %d hold-outs", self.weights_, len(results))
        return self

    def _rounds(self, X: Interactions) -> int:
        if self.validation_rounds is not None:
            return max(1, int(self.validation_rounds))
        return 3 if X.n_pairs < _SMALL_DATA_PAIRS else 1

    def _fit_one(
        self,
        name: str,
        X: Interactions,
        *,
        previous: HybridMF | None,
        validation: Interactions | None = None,
    ) -> BaseEstimator:
        model = self._fresh(name)
        if name == "mf":
            return model.fit(X, validation=validation, init=previous)
        return model.fit(X)

    def _refit(
        self, name: str, model: BaseEstimator, X: Interactions, *, previous: HybridMF | None
    ) -> BaseEstimator:
        if name != "mf":
            return clone(model).fit(X)
        epochs = max(1, self.tuned_epochs_ // 2 if previous is not None else self.tuned_epochs_)
        again = clone(model).set_params(epochs=epochs, early_stopping=False)
        return again.fit(X, init=previous)

    def _tune(
        self, fitted: dict[str, BaseEstimator], train: Interactions, held: Interactions
    ) -> list[tuple[dict[str, float], float]]:
        users = np.unique(held.users)
        if len(users) > _MAX_TUNING_USERS:  # the grid scores users x items once per weight
            rng = np.random.default_rng(self.random_state)
            users = np.sort(rng.choice(users, _MAX_TUNING_USERS, replace=False))
        parts = {name: model.score(users) for name, model in fitted.items()}
        results = [
            (
                weights,
                validation_ndcg(
                    blend_scores(parts, weights), users, train=train, validation=held, k=self.k
                ),
            )
            for weights in simplex_grid(list(fitted), self.weight_step)
        ]
        return results

    def component_scores(self, users: IntArray) -> dict[str, FloatArray]:
        """Each component's raw scores (users x items)."""
        check_is_fitted(self, "weights_")
        return {name: model.score(users) for name, model in self.components_.items()}

    def score(self, users: IntArray) -> FloatArray:
        """Blended scores of every item for the given users (users x items)."""
        return blend_scores(self.component_scores(users), self.weights_)

    def predict_ratings(self, users: IntArray, items: IntArray) -> FloatArray:
        """Ratings come from the MF component (the others do not predict ratings)."""
        check_is_fitted(self, "weights_")
        if "mf" not in self.components_:
            raise InputError("rating predictions need the mf component")
        return np.asarray(self.components_["mf"].predict_ratings(users, items), dtype=np.float64)
