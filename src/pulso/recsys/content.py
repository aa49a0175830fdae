"""Content-based recommendation: TF-IDF dish vectors and diner profiles.

Each item is a document made of its words (name, description, ingredients, tags and, when
available, the text of feedback about it) plus its side-feature tokens kept whole
(``tag=picante``, ``category=ceviches``). Words are lower-cased without accents, and a short
Spanish and English stop-word list is dropped. Vectors are TF-IDF with sublinear term
frequency, L2-normalised.

A user's profile is the weighted mean of the vectors of the items the user interacted with
(weight ``1 + log(events)``, scaled by the rating when there is one, negative for dislikes),
L2-normalised; the score of an item is the cosine between profile and item.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from pulso.errors import InputError
from pulso.ingest.values import fold_text
from pulso.recsys.data import Interactions

__all__ = ["ContentRecommender", "item_document", "item_terms", "pair_preferences"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_WORD = re.compile(r"[a-z0-9ñ]{2,}")
# Words that say nothing about a dish (Spanish and English function words).
_STOP_WORDS = frozenset(
    [
        "de",
        "del",
        "la",
        "las",
        "el",
        "los",
        "y",
        "e",
        "o",
        "u",
        "en",
        "con",
        "sin",
        "al",
        "a",
        "por",
        "para",
        "un",
        "una",
        "unos",
        "unas",
        "su",
        "sus",
        "lo",
        "que",
        "es",
        "muy",
        "mas",
        "pero",
        "se",
        "le",
        "les",
        "me",
        "mi",
        "nos",
        "ya",
        "the",
        "and",
        "of",
        "with",
        "a",
        "an",
        "to",
        "in",
        "on",
        "for",
        "is",
        "it",
        "was",
        "this",
        "that",
        "at",
        "as",
        "be",
    ]
)
_TOKEN_MARK = "\x1f"


def item_document(text: str, tokens: Sequence[str]) -> str:
    """One string holding the words and the whole tokens (tokens keep their spaces)."""
    return text + _TOKEN_MARK + _TOKEN_MARK.join(tokens)


def item_terms(document: str) -> list[str]:
    """Terms of a document built by :func:`item_document`: folded words, then tokens."""
    text, *tokens = document.split(_TOKEN_MARK)
    words = [w for w in _WORD.findall(fold_text(text)) if w not in _STOP_WORDS]
    return words + [t for t in tokens if t]


def pair_preferences(data: Interactions) -> FloatArray:
    """How much each pair says the user likes the item: ``1 + log(events)`` times a rating
    factor in [-1, 1] (ratings below the scale's middle count as dislikes)."""
    strength = 1.0 + np.log(np.maximum(data.weights, 1.0))
    if not data.has_ratings:
        return strength
    low, high = np.nanmin(data.ratings), np.nanmax(data.ratings)
    if high <= low:
        return strength
    middle = (low + high) / 2.0
    factor = np.clip((data.ratings - middle) / (high - middle) + 0.5, -1.0, 1.0)
    return np.asarray(np.where(np.isfinite(factor), strength * factor, strength), dtype=np.float64)


class ContentRecommender(BaseEstimator):  # type: ignore[misc]
    """TF-IDF item vectors and weighted-mean user profiles."""

    def __init__(
        self, *, max_features: int = 20_000, min_df: int = 1, use_tokens: bool = True
    ) -> None:
        self.max_features = max_features
        self.min_df = min_df
        self.use_tokens = use_tokens

    def fit(self, X: Interactions, y: None = None) -> ContentRecommender:
        """Vectorise every item of the index and build the profile of every user."""
        del y
        if X.n_items == 0:
            raise InputError("cannot fit a content model without items")
        documents = [
            item_document(text, tokens if self.use_tokens else ())
            for text, tokens in zip(X.item_text, X.item_tokens, strict=True)
        ]
        self.vectorizer_ = TfidfVectorizer(
            analyzer=item_terms,
            sublinear_tf=True,
            min_df=self.min_df,
            max_features=self.max_features,
        )
        try:
            self.item_vectors_ = sp.csr_matrix(self.vectorizer_.fit_transform(documents))
        except ValueError:  # no terms at all: every item is its own empty document
            self.item_vectors_ = sp.csr_matrix((X.n_items, 1))
        self.user_profiles_ = self.profiles(
            X.users, X.items, pair_preferences(X), n_users=X.n_users
        )
        return self

    def profiles(
        self, users: IntArray, items: IntArray, weights: FloatArray, *, n_users: int
    ) -> sp.csr_matrix:
        """L2-normalised weighted sums of item vectors, one row per user."""
        check_is_fitted(self, "item_vectors_")
        n_items = self.item_vectors_.shape[0]
        matrix = sp.csr_matrix((weights, (users, items)), shape=(n_users, n_items))
        return sp.csr_matrix(normalize(matrix @ self.item_vectors_))

    def profile(self, items: IntArray, weights: FloatArray) -> sp.csr_matrix:
        """The profile of one user from liked (positive) and disliked (negative) items."""
        return self.profiles(np.zeros(len(items), dtype=np.int64), items, weights, n_users=1)

    def transform(self, texts: Sequence[str], tokens: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """Vectors of items not seen in ``fit`` (a new dish on the menu)."""
        check_is_fitted(self, "vectorizer_")
        documents = [
            item_document(text, row if self.use_tokens else ())
            for text, row in zip(texts, tokens, strict=True)
        ]
        return sp.csr_matrix(self.vectorizer_.transform(documents))

    def score(self, users: IntArray) -> FloatArray:
        """Cosine between each user's profile and every item (users x items)."""
        check_is_fitted(self, "user_profiles_")
        return np.asarray(
            (self.user_profiles_[users] @ self.item_vectors_.T).toarray(), dtype=np.float64
        )

    def item_similarity(self) -> FloatArray:
        """Cosine similarity between every pair of items (dense; menus are small)."""
        check_is_fitted(self, "item_vectors_")
        return np.asarray((self.item_vectors_ @ self.item_vectors_.T).toarray(), dtype=np.float64)
