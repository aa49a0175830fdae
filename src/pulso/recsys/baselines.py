"""Baselines every model must beat: most popular items, and item-based k nearest neighbours.

- :class:`PopularityRecommender` ranks items by how many users interacted with them;
- :class:`ItemKNNRecommender` scores an item by its cosine similarity (with shrinkage, Koren
  2008 style) to the items the user interacted with, keeping the ``n_neighbors`` most
  similar items per item (Sarwar et al., 2001; Deshpande and Karypis, 2004).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from pulso.errors import InputError
from pulso.recsys.data import Interactions

__all__ = ["ItemKNNRecommender", "PopularityRecommender"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class PopularityRecommender(BaseEstimator):  # type: ignore[misc]
    """Items ranked by the number of users who interacted with them (same list for everyone)."""

    def __init__(self, *, min_rating: float | None = None) -> None:
        self.min_rating = min_rating

    def fit(self, X: Interactions, y: None = None) -> PopularityRecommender:
        """Count users per item (pairs rated below ``min_rating`` do not count)."""
        del y
        if X.n_pairs == 0:
            raise InputError("cannot fit a recommender on zero interactions")
        keep = np.ones(X.n_pairs, dtype=bool)
        if self.min_rating is not None:
            keep = ~(np.isfinite(X.ratings) & (X.ratings < self.min_rating))
        counts = np.bincount(X.items[keep], minlength=X.n_items).astype(np.float64)
        self.item_popularity_ = counts / max(counts.max(), 1.0)
        self.global_mean_ = float(np.nanmean(X.ratings)) if X.has_ratings else float("nan")
        return self

    def score(self, users: IntArray) -> FloatArray:
        """The popularity of every item, repeated for each user."""
        check_is_fitted(self, "item_popularity_")
        return np.tile(self.item_popularity_, (len(users), 1))


class ItemKNNRecommender(BaseEstimator):  # type: ignore[misc]
    """Item-based collaborative filtering with shrunk cosine similarities."""

    def __init__(self, *, n_neighbors: int = 50, shrinkage: float = 10.0) -> None:
        self.n_neighbors = n_neighbors
        self.shrinkage = shrinkage

    def fit(self, X: Interactions, y: None = None) -> ItemKNNRecommender:
        """Compute the item-item similarity matrix from binary interactions."""
        del y
        if X.n_pairs == 0:
            raise InputError("cannot fit a recommender on zero interactions")
        if self.n_neighbors < 1 or self.shrinkage < 0:
            raise InputError("n_neighbors must be >= 1 and shrinkage >= 0")
        matrix = X.matrix("ones").tocsc()
        self.user_items_ = X.matrix("ones")
        self.similarity_ = self._similarity(matrix)
        return self

    def _similarity(self, matrix: sp.csc_matrix) -> sp.csr_matrix:
        co = (matrix.T @ matrix).toarray()
        norms = np.sqrt(np.diag(co))
        similarity = co / (np.outer(norms, norms) + self.shrinkage + 1e-12)
        np.fill_diagonal(similarity, 0.0)
        n_keep = min(self.n_neighbors, similarity.shape[0])
        if n_keep < similarity.shape[0]:
            cut = np.argpartition(-similarity, n_keep - 1, axis=0)[n_keep:]
            np.put_along_axis(similarity, cut, 0.0, axis=0)
        return sp.csr_matrix(similarity)

    def score(self, users: IntArray) -> FloatArray:
        """Sum of similarities between each item and the user's items."""
        check_is_fitted(self, "similarity_")
        return np.asarray((self.user_items_[users] @ self.similarity_).toarray(), dtype=np.float64)
