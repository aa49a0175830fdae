"""Peer libraries behind the same ``fit`` / ``score`` interface, when they are installed.

- ``implicit`` (Frederickson): :class:`ImplicitALSRecommender` (Hu, Koren and Volinsky 2008,
  confidence ``1 + alpha * events``) and :class:`ImplicitBPRRecommender`;
- ``scikit-surprise`` (Hug): :class:`SurpriseSVDRecommender`, biased SVD (Funk / Koren) on the
  ratings, or on ``1 + log(events)`` pseudo-ratings when the data are implicit;
- ``lightfm`` (Kula): :class:`LightFMRecommender`, WARP with the same side-feature tokens as
  Pulso's model (identity plus features, rows normalised).

None of them is a dependency of Pulso: :func:`available_peers` lists those that import. They
are optional extras (``pip install implicit scikit-surprise``; LightFM 1.17 needs
``--no-build-isolation`` and an old setuptools, see docs/models.md). Foreign warnings raised
inside their ``fit`` (BLAS thread advice) are silenced there only.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from pulso.errors import InputError
from pulso.recsys.data import Interactions

__all__ = [
    "ImplicitALSRecommender",
    "ImplicitBPRRecommender",
    "LightFMRecommender",
    "SurpriseSVDRecommender",
    "available_peers",
    "installed_peer_libraries",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_LIBRARIES = {"implicit": "implicit", "surprise": "scikit-surprise", "lightfm": "lightfm"}


def installed_peer_libraries() -> dict[str, bool]:
    """Which peer libraries import here (by their PyPI names)."""
    return {
        pypi: importlib.util.find_spec(module) is not None for module, pypi in _LIBRARIES.items()
    }


@contextmanager
def _quiet() -> Iterator[None]:
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore")
        yield


def _check(X: Interactions) -> None:
    if X.n_pairs == 0:
        raise InputError("cannot fit a recommender on zero interactions")


class _FactorScorer(BaseEstimator):  # type: ignore[misc]
    """Score = user factors . item factors (+ item bias)."""

    def score(self, users: IntArray) -> FloatArray:
        check_is_fitted(self, "item_factors_")
        return np.asarray(
            self.user_factors_[users] @ self.item_factors_.T + self.item_bias_, dtype=np.float64
        )


class ImplicitALSRecommender(_FactorScorer):
    """``implicit``'s alternating least squares on confidence-weighted events."""

    def __init__(
        self,
        *,
        factors: int = 64,
        regularization: float = 0.05,
        alpha: float = 10.0,
        iterations: int = 15,
        random_state: int = 0,
    ) -> None:
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.random_state = random_state

    def fit(self, X: Interactions, y: None = None) -> ImplicitALSRecommender:
        del y
        _check(X)
        from implicit.cpu.als import AlternatingLeastSquares  # type: ignore[import-untyped,import-not-found,unused-ignore]

        matrix = X.matrix("weights")
        matrix.data = np.log1p(matrix.data)
        with _quiet():
            model = AlternatingLeastSquares(
                factors=self.factors,
                regularization=self.regularization,
                alpha=self.alpha,
                iterations=self.iterations,
                random_state=self.random_state,
                num_threads=1,
            )
            model.fit(matrix.astype(np.float32).tocsr(), show_progress=False)
        self.user_factors_ = np.asarray(model.user_factors, dtype=np.float64)
        self.item_factors_ = np.asarray(model.item_factors, dtype=np.float64)
        self.item_bias_ = np.zeros(X.n_items)
        return self


class ImplicitBPRRecommender(_FactorScorer):
    """``implicit``'s Bayesian personalised ranking."""

    def __init__(
        self,
        *,
        factors: int = 64,
        learning_rate: float = 0.05,
        regularization: float = 0.01,
        iterations: int = 100,
        random_state: int = 0,
    ) -> None:
        self.factors = factors
        self.learning_rate = learning_rate
        self.regularization = regularization
        self.iterations = iterations
        self.random_state = random_state

    def fit(self, X: Interactions, y: None = None) -> ImplicitBPRRecommender:
        del y
        _check(X)
        from implicit.cpu.bpr import BayesianPersonalizedRanking  # type: ignore[import-untyped,import-not-found,unused-ignore]

        with _quiet():
            model = BayesianPersonalizedRanking(
                factors=self.factors,
                learning_rate=self.learning_rate,
                regularization=self.regularization,
                iterations=self.iterations,
                random_state=self.random_state,
                num_threads=1,
            )
            model.fit(X.matrix("ones").astype(np.float32).tocsr(), show_progress=False)
        self.user_factors_ = np.asarray(model.user_factors, dtype=np.float64)
        self.item_factors_ = np.asarray(model.item_factors, dtype=np.float64)
        self.item_bias_ = np.zeros(X.n_items)
        return self


class SurpriseSVDRecommender(BaseEstimator):  # type: ignore[misc]
    """``scikit-surprise``'s biased SVD; items are ranked by predicted rating."""

    def __init__(
        self,
        *,
        n_factors: int = 50,
        n_epochs: int = 30,
        reg_all: float = 0.05,
        random_state: int = 0,
    ) -> None:
        self.n_factors = n_factors
        self.n_epochs = n_epochs
        self.reg_all = reg_all
        self.random_state = random_state

    def fit(self, X: Interactions, y: None = None) -> SurpriseSVDRecommender:
        del y
        _check(X)
        from surprise import SVD, Dataset, Reader  # type: ignore[import-untyped,import-not-found,unused-ignore]

        ratings = np.where(
            np.isfinite(X.ratings), X.ratings, 1.0 + np.log(np.maximum(X.weights, 1.0))
        )
        frame = pd.DataFrame({"u": X.users, "i": X.items, "r": ratings})
        scale = (float(ratings.min()), float(max(ratings.max(), ratings.min() + 1)))
        trainset = Dataset.load_from_df(frame, Reader(rating_scale=scale)).build_full_trainset()
        model = SVD(
            n_factors=self.n_factors,
            n_epochs=self.n_epochs,
            reg_all=self.reg_all,
            random_state=self.random_state,
        )
        with _quiet():
            model.fit(trainset)
        self._unpack(model, trainset, X)
        return self

    def _unpack(self, model: Any, trainset: Any, X: Interactions) -> None:
        users = np.zeros((X.n_users, self.n_factors))
        user_bias = np.zeros(X.n_users)
        items = np.zeros((X.n_items, self.n_factors))
        item_bias = np.zeros(X.n_items)
        for inner in range(trainset.n_users):
            raw = int(trainset.to_raw_uid(inner))
            users[raw], user_bias[raw] = model.pu[inner], model.bu[inner]
        for inner in range(trainset.n_items):
            raw = int(trainset.to_raw_iid(inner))
            items[raw], item_bias[raw] = model.qi[inner], model.bi[inner]
        self.user_factors_, self.user_bias_ = users, user_bias
        self.item_factors_, self.item_bias_ = items, item_bias
        self.global_mean_ = float(trainset.global_mean)

    def score(self, users: IntArray) -> FloatArray:
        check_is_fitted(self, "item_factors_")
        return np.asarray(
            self.user_factors_[users] @ self.item_factors_.T + self.item_bias_, dtype=np.float64
        )

    def predict_ratings(self, users: IntArray, items: IntArray) -> FloatArray:
        check_is_fitted(self, "item_factors_")
        dot = np.einsum("ij,ij->i", self.user_factors_[users], self.item_factors_[items])
        return np.asarray(
            self.global_mean_ + self.user_bias_[users] + self.item_bias_[items] + dot,
            dtype=np.float64,
        )


def _feature_matrix(
    ids: Sequence[str], rows: Sequence[Sequence[str]], *, use: bool
) -> sp.csr_matrix:
    vocabulary: dict[str, int] = {}
    data: list[float] = []
    cols: list[int] = []
    indptr = [0]
    for position, tokens in enumerate(rows):
        kept = [f"#{position}", *sorted(set(tokens))] if use else [f"#{position}"]
        for token in kept:
            cols.append(vocabulary.setdefault(token, len(vocabulary)))
            data.append(1.0)
        indptr.append(len(cols))
    matrix = sp.csr_matrix(
        (data, cols, indptr), shape=(len(ids), len(vocabulary)), dtype=np.float32
    )
    return sp.csr_matrix(normalize(matrix, norm="l1"))


class LightFMRecommender(_FactorScorer):
    """LightFM with identity plus side-feature tokens on both sides."""

    def __init__(
        self,
        *,
        no_components: int = 32,
        loss: str = "warp",
        epochs: int = 30,
        learning_rate: float = 0.05,
        item_alpha: float = 1e-6,
        user_alpha: float = 1e-6,
        use_features: bool = True,
        random_state: int = 0,
    ) -> None:
        self.no_components = no_components
        self.loss = loss
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.item_alpha = item_alpha
        self.user_alpha = user_alpha
        self.use_features = use_features
        self.random_state = random_state

    def fit(self, X: Interactions, y: None = None) -> LightFMRecommender:
        del y
        _check(X)
        from lightfm import LightFM  # type: ignore[import-untyped,import-not-found,unused-ignore]

        user_features = _feature_matrix(X.user_ids.tolist(), X.user_tokens, use=self.use_features)
        item_features = _feature_matrix(X.item_ids.tolist(), X.item_tokens, use=self.use_features)
        model = LightFM(
            no_components=self.no_components,
            loss=self.loss,
            learning_rate=self.learning_rate,
            item_alpha=self.item_alpha,
            user_alpha=self.user_alpha,
            random_state=self.random_state,
        )
        with _quiet():
            model.fit(
                X.matrix("ones").tocoo(),
                user_features=user_features,
                item_features=item_features,
                epochs=self.epochs,
                num_threads=1,
            )
        _, self.user_factors_ = model.get_user_representations(user_features)
        self.item_bias_, self.item_factors_ = model.get_item_representations(item_features)
        self.user_factors_ = np.asarray(self.user_factors_, dtype=np.float64)
        self.item_factors_ = np.asarray(self.item_factors_, dtype=np.float64)
        self.item_bias_ = np.asarray(self.item_bias_, dtype=np.float64)
        return self


def available_peers(*, seed: int = 0, fast: bool = False) -> dict[str, Callable[[], Any]]:
    """Factories of the peers whose library is installed, keyed by report name."""
    installed = installed_peer_libraries()
    peers: dict[str, Callable[[], Any]] = {}
    if installed["implicit"]:
        peers["implicit_als"] = lambda: ImplicitALSRecommender(
            random_state=seed, iterations=5 if fast else 15
        )
        peers["implicit_bpr"] = lambda: ImplicitBPRRecommender(
            random_state=seed, iterations=20 if fast else 100
        )
    if installed["scikit-surprise"]:
        peers["surprise_svd"] = lambda: SurpriseSVDRecommender(
            random_state=seed, n_epochs=5 if fast else 30
        )
    if installed["lightfm"]:
        peers["lightfm"] = lambda: LightFMRecommender(random_state=seed, epochs=5 if fast else 30)
    return peers
