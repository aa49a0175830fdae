"""Pulso's hybrid recommender: feature-embedding MF fused with the content model.

Fusion is a learned linear blend of per-user standardised scores::

    score(u, i) = alpha * z_u(mf(u, i)) + (1 - alpha) * z_u(content(u, i))

where ``z_u`` standardises a user's scores over the catalogue (mean 0, standard deviation 1), so
the two components speak the same units whatever their scales. ``alpha`` is chosen on a
per-user random validation hold-out (``validation_fraction`` of each user's pairs) by grid
search on NDCG@k; the MF model early-stops on the same hold-out. With ``refit=True`` both
components are then retrained on all pairs (the MF for the best number of epochs), so no data
is lost to tuning. A user with no history has no content profile; his score is the MF part
alone (which uses his side features).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from pulso.errors import InputError
from pulso.recsys.content import ContentRecommender
from pulso.recsys.data import Interactions
from pulso.recsys.model import HybridMF, validation_ndcg
from pulso.recsys.splits import random_split

__all__ = ["HybridRecommender", "blend_scores", "standardise_rows"]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_ALPHAS = tuple(round(a, 2) for a in np.linspace(0.0, 1.0, 11))


def standardise_rows(scores: FloatArray) -> FloatArray:
    """Each row minus its mean, divided by its standard deviation (flat rows become zeros)."""
    mean = scores.mean(axis=1, keepdims=True)
    std = scores.std(axis=1, keepdims=True)
    return np.asarray(np.where(std > 1e-12, (scores - mean) / np.where(std > 1e-12, std, 1.0), 0.0))


def blend_scores(collaborative: FloatArray, content: FloatArray, alpha: float) -> FloatArray:
    """``alpha * z(collaborative) + (1 - alpha) * z(content)`` row by row."""
    return alpha * standardise_rows(collaborative) + (1.0 - alpha) * standardise_rows(content)


class HybridRecommender(BaseEstimator):  # type: ignore[misc]
    """Feature-embedding MF and TF-IDF content, blended with a weight tuned on validation.

    Parameters
    ----------
    collaborative:
        The MF estimator (default ``HybridMF(random_state=random_state)``); cloned, not fitted
        in place.
    content:
        The content estimator (default ``ContentRecommender()``).
    alphas:
        Blend weights tried on validation.
    validation_fraction, k:
        Share of each user's pairs held out for tuning, and the cut-off of the tuned NDCG.
    refit:
        Retrain both components on all pairs after tuning.
    random_state:
        Seed of the hold-out.
    """

    def __init__(
        self,
        *,
        collaborative: HybridMF | None = None,
        content: ContentRecommender | None = None,
        alphas: Sequence[float] = _ALPHAS,
        validation_fraction: float = 0.15,
        k: int = 10,
        refit: bool = True,
        random_state: int = 0,
    ) -> None:
        self.collaborative = collaborative
        self.content = content
        self.alphas = alphas
        self.validation_fraction = validation_fraction
        self.k = k
        self.refit = refit
        self.random_state = random_state

    def _components(self) -> tuple[HybridMF, ContentRecommender]:
        mf = (
            clone(self.collaborative)
            if self.collaborative is not None
            else HybridMF(random_state=self.random_state)
        )
        content = clone(self.content) if self.content is not None else ContentRecommender()
        return mf, content

    def fit(self, X: Interactions, y: None = None, *, init: HybridRecommender | None = None) -> HybridRecommender:
        """Tune the blend on a hold-out of ``X``, then (with ``refit``) retrain on all of it."""
        del y
        if X.n_pairs == 0:
            raise InputError("cannot fit a recommender on zero interactions")
        if not self.alphas:
            raise InputError("alphas must hold at least one blend weight")
        previous = init.collaborative_ if init is not None else None
        train, held = random_split(
            X, test_fraction=self.validation_fraction, seed=self.random_state + 11
        )
        mf, content = self._components()
        if held.n_pairs == 0:
            self.alpha_ = 1.0
            self.collaborative_ = mf.fit(X, init=previous)
            self.content_ = content.fit(X)
            return self
        mf.fit(train, validation=held, init=previous)
        content.fit(train)
        self.alpha_, self.validation_scores_ = self._tune(mf, content, train, held)
        if self.refit:
            epochs = max(1, mf.best_epoch_)
            mf = clone(mf).set_params(epochs=epochs, early_stopping=False)
            mf.fit(X, init=previous)
            content = clone(content).fit(X)
        self.collaborative_ = mf
        self.content_ = content
        logger.info("hybrid fitted: alpha %.2f, mf epochs %d", self.alpha_, mf.best_epoch_)
        return self

    def _tune(
        self,
        mf: HybridMF,
        content: ContentRecommender,
        train: Interactions,
        held: Interactions,
    ) -> tuple[float, dict[float, float]]:
        users = np.unique(held.users)
        cf_scores = mf.score(users)
        content_scores = content.score(users)
        results = {
            float(alpha): validation_ndcg(
                blend_scores(cf_scores, content_scores, alpha),
                users,
                train=train,
                validation=held,
                k=self.k,
            )
            for alpha in self.alphas
        }
        best = max(results, key=lambda a: (results[a], a))
        return best, results

    def score(self, users: IntArray) -> FloatArray:
        """Blended scores of every item for the given users (users x items)."""
        check_is_fitted(self, "alpha_")
        return blend_scores(
            self.collaborative_.score(users), self.content_.score(users), self.alpha_
        )

    def predict_ratings(self, users: IntArray, items: IntArray) -> FloatArray:
        """Ratings come from the MF component (the content model does not predict ratings)."""
        check_is_fitted(self, "alpha_")
        return self.collaborative_.predict_ratings(users, items)
