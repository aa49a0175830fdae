"""Hybrid matrix factorisation in PyTorch: users and items are sums of feature embeddings.

A user's vector is the embedding of its id plus the mean of the embeddings of its side-feature
tokens (``diet=vegetariano``, ``segment=seafood_lover``, ``likes=picante``); an item's vector
is its id embedding plus the mean of its tokens (``category=ceviches``, ``tag=marino``,
``ingredient=aji limo``, ``price=q3``). The ranking score is ``u . v + b_i`` where the item bias
is also a sum over its tokens. A dish nobody ordered yet, or a diner seen for the first time,
still gets a vector from its features alone (cold start), as in LightFM (Kula, 2015).

Training mixes two objectives on the same factors:

- implicit feedback (orders): ``loss="bpr"`` (Rendle et al., 2009) against ``n_negatives``
  uniformly sampled items, or ``loss="warp"`` (Weston et al., 2011, as in LightFM): a random
  one of the sampled items that violate the margin, its hinge weighted by
  ``log(1 + (n_items - 1) * violations / n_negatives)``, the estimated rank of the positive.
  The negatives of a batch are shared by its rows, so they are scored with one matrix
  product (the cost that dominates at a million pairs);
- explicit ratings: squared error of ``mu + b_u + b'_i + s * (u . v)`` (separate rating biases
  and a learned scale ``s``, so the ranking loss may stretch the dot products freely),
  weighted by ``rating_weight``.

Early stopping watches NDCG@k on a validation set (given, or a per-user random hold-out of
``validation_fraction``) and keeps the best epoch. Seeds fix the initialisation, the shuffles
and the negative samples; ``n_threads`` bounds torch's CPU threads during ``fit`` only.
"""

from __future__ import annotations

import copy
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import torch
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted
from torch import nn

from pulso.errors import InputError, SourceError
from pulso.recsys.data import Interactions
from pulso.recsys.metrics import ndcg_at_k, top_k
from pulso.recsys.splits import random_split

__all__ = [
    "FeatureIndex",
    "HybridMF",
    "TrainingEpoch",
    "load_mf_weights",
    "save_mf",
    "validation_ndcg",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_LOSSES = ("bpr", "warp")
_MAX_VALIDATION_USERS = 3000
_MIN_STEPS = 20


@dataclass(frozen=True, slots=True)
class TrainingEpoch:
    """One epoch: mean loss, validation NDCG@k (``nan`` without validation) and seconds."""

    epoch: int
    loss: float
    validation_ndcg: float
    seconds: float


@dataclass(frozen=True, slots=True)
class FeatureIndex:
    """Rows of (token index, weight) pairs, padded: the input of a feature-embedding sum.

    Row ``r`` is the entity's id token with weight 1 plus its side-feature tokens sharing
    weight 1 (so the vector is ``e_id + mean(e_features)``); padding has weight 0.
    """

    vocabulary: dict[str, int]
    tokens: IntArray
    weights: npt.NDArray[np.float32]

    @classmethod
    def build(
        cls,
        ids: Sequence[str],
        features: Sequence[Sequence[str]],
        *,
        prefix: str,
        use_features: bool,
        vocabulary: dict[str, int] | None = None,
    ) -> FeatureIndex:
        vocab = dict(vocabulary or {})
        rows: list[list[tuple[int, float]]] = []
        for identifier, tokens in zip(ids, features, strict=True):
            id_token = f"{prefix}:{identifier}"
            row = [(vocab.setdefault(id_token, len(vocab)), 1.0)]
            kept = sorted(set(tokens)) if use_features else []
            row += [(vocab.setdefault(t, len(vocab)), 1.0 / len(kept)) for t in kept]
            rows.append(row)
        return cls._padded(vocab, rows)

    @classmethod
    def _padded(cls, vocab: dict[str, int], rows: list[list[tuple[int, float]]]) -> FeatureIndex:
        width = max((len(r) for r in rows), default=1)
        tokens = np.zeros((len(rows), width), dtype=np.int64)
        weights = np.zeros((len(rows), width), dtype=np.float32)
        for position, row in enumerate(rows):
            tokens[position, : len(row)] = [t for t, _ in row]
            weights[position, : len(row)] = [w for _, w in row]
        return cls(vocab, tokens, weights)

    def features_only(self, rows: Sequence[Sequence[str]]) -> FeatureIndex:
        """Rows made of known feature tokens only (unknown tokens are dropped)."""
        encoded = []
        for tokens in rows:
            known = sorted({t for t in tokens if t in self.vocabulary and ":" not in t})
            encoded.append([(self.vocabulary[t], 1.0 / len(known)) for t in known])
        return FeatureIndex._padded(self.vocabulary, encoded)


class _Tower(nn.Module):
    """Embedding sums over feature tokens, with a ranking bias and a rating bias per token."""

    def __init__(self, n_tokens: int, n_factors: int, init_std: float, *, sparse: bool) -> None:
        super().__init__()
        self.vectors = nn.Embedding(n_tokens, n_factors, sparse=sparse)
        self.bias = nn.Embedding(n_tokens, 1, sparse=sparse)
        self.rating_bias = nn.Embedding(n_tokens, 1, sparse=sparse)
        nn.init.normal_(self.vectors.weight, std=init_std)
        nn.init.zeros_(self.bias.weight)
        nn.init.zeros_(self.rating_bias.weight)

    def forward(
        self, tokens: torch.Tensor, weights: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        w = weights.unsqueeze(-1)
        vectors = (self.vectors(tokens) * w).sum(dim=-2)
        bias = (self.bias(tokens) * w).sum(dim=-2).squeeze(-1)
        rating_bias = (self.rating_bias(tokens) * w).sum(dim=-2).squeeze(-1)
        return vectors, bias, rating_bias


class _Net(nn.Module):
    """The user and item towers, the global rating mean and the rating scale."""

    def __init__(
        self, n_user_tokens: int, n_item_tokens: int, n_factors: int, *, sparse: bool = False
    ) -> None:
        super().__init__()
        std = 1.0 / np.sqrt(n_factors)
        self.users = _Tower(n_user_tokens, n_factors, std, sparse=sparse)
        self.items = _Tower(n_item_tokens, n_factors, std, sparse=sparse)
        self.global_mean = nn.Parameter(torch.zeros(()), requires_grad=False)
        # Ratings read the factors through their own scale, so the ranking loss may stretch
        # the dot products without spoiling the rating predictions.
        self.rating_scale = nn.Parameter(torch.tensor(0.1))


class HybridMF(BaseEstimator):  # type: ignore[misc]
    """Feature-embedding matrix factorisation for implicit orders and explicit ratings.

    Parameters
    ----------
    n_factors:
        Embedding size.
    loss:
        ``"warp"`` or ``"bpr"`` for the implicit part.
    n_negatives:
        Items sampled per batch as negatives (shared by the batch's pairs).
    epochs:
        Maximum passes over the pairs.
    batch_size, learning_rate, optimizer, l2:
        Largest batch, step size, ``"adam"`` or ``"adagrad"``, and the L2 penalty on the
        batch's vectors and biases.
    rating_weight:
        Weight of the rating loss (0 ignores ratings).
    min_positive_rating:
        Pairs rated below this are not used as positives for ranking (``None``: all are).
    use_user_features, use_item_features:
        Whether side-feature tokens take part (ids always do).
    validation_fraction, patience, k:
        Early stopping: hold-out share when no validation set is given, epochs without a
        better validation NDCG@k before stopping.
    n_threads, random_state:
        CPU threads during ``fit`` and the seed of every draw.
    """

    def __init__(
        self,
        *,
        n_factors: int = 32,
        loss: str = "warp",
        n_negatives: int = 64,
        epochs: int = 40,
        batch_size: int = 1024,
        learning_rate: float = 0.05,
        optimizer: str = "adagrad",
        l2: float = 1e-6,
        rating_weight: float = 1.0,
        min_positive_rating: float | None = None,
        use_user_features: bool = True,
        use_item_features: bool = True,
        early_stopping: bool = True,
        validation_fraction: float = 0.1,
        patience: int = 4,
        k: int = 10,
        n_threads: int = 1,
        random_state: int = 0,
    ) -> None:
        self.n_factors = n_factors
        self.loss = loss
        self.n_negatives = n_negatives
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.l2 = l2
        self.rating_weight = rating_weight
        self.min_positive_rating = min_positive_rating
        self.use_user_features = use_user_features
        self.use_item_features = use_item_features
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.k = k
        self.n_threads = n_threads
        self.random_state = random_state

    # --- fitting ---------------------------------------------------------------------------

    def fit(
        self,
        X: Interactions,
        y: None = None,
        *,
        validation: Interactions | None = None,
        init: HybridMF | None = None,
    ) -> HybridMF:
        """Train on the pairs of ``X``; ``init`` warm-starts from a fitted model's tokens."""
        del y
        self._check_params(X)
        train, validation = self._validation_split(X, validation)
        previous_threads = torch.get_num_threads()
        torch.set_num_threads(max(1, self.n_threads))
        try:
            torch.manual_seed(self.random_state)
            self._build(X)
            if init is not None:
                self._warm_start(init)
            self._train(train, validation)
        finally:
            torch.set_num_threads(previous_threads)
        self._precompute(train)
        return self

    def _check_params(self, X: Interactions) -> None:
        if self.loss not in _LOSSES:
            raise InputError(f"loss must be one of {_LOSSES}, got {self.loss!r}")
        if self.optimizer not in ("adam", "adagrad"):
            raise InputError(f"optimizer must be adam or adagrad, got {self.optimizer!r}")
        if self.n_factors < 1 or self.epochs < 0 or self.n_negatives < 1:
            raise InputError("n_factors and n_negatives must be >= 1 and epochs >= 0")
        if X.n_pairs == 0:
            raise InputError("cannot fit a recommender on zero interactions")

    def _validation_split(
        self, X: Interactions, validation: Interactions | None
    ) -> tuple[Interactions, Interactions | None]:
        if not self.early_stopping:
            return X, None
        if validation is not None:
            return X, validation
        train, held = random_split(
            X, test_fraction=self.validation_fraction, seed=self.random_state + 1
        )
        return (train, held) if held.n_pairs else (X, None)

    def _build(self, X: Interactions) -> None:
        self.user_index_ = FeatureIndex.build(
            X.user_ids.tolist(), X.user_tokens, prefix="user", use_features=self.use_user_features
        )
        self.item_index_ = FeatureIndex.build(
            X.item_ids.tolist(), X.item_tokens, prefix="item", use_features=self.use_item_features
        )
        self.user_ids_ = X.user_ids
        self.item_ids_ = X.item_ids
        # Adagrad takes sparse gradients: each step touches only the rows of its batch, which
        # is what keeps a million pairs fast (a dense step rewrites every embedding row).
        self.net_ = _Net(
            len(self.user_index_.vocabulary),
            len(self.item_index_.vocabulary),
            self.n_factors,
            sparse=self.optimizer == "adagrad",
        )

    def _warm_start(self, init: HybridMF) -> None:
        """Copy the embeddings of every token both models know (incremental retraining)."""
        check_is_fitted(init, "net_")
        if init.n_factors != self.n_factors:
            raise InputError(
                f"cannot warm-start from n_factors={init.n_factors} into {self.n_factors}"
            )
        copied = 0
        with torch.no_grad():
            for mine, theirs, tower, old in (
                (self.user_index_, init.user_index_, self.net_.users, init.net_.users),
                (self.item_index_, init.item_index_, self.net_.items, init.net_.items),
            ):
                shared = [t for t in mine.vocabulary if t in theirs.vocabulary]
                new_rows = torch.tensor([mine.vocabulary[t] for t in shared], dtype=torch.long)
                old_rows = torch.tensor([theirs.vocabulary[t] for t in shared], dtype=torch.long)
                for name in ("vectors", "bias", "rating_bias"):
                    getattr(tower, name).weight[new_rows] = getattr(old, name).weight[old_rows]
                copied += len(shared)
            self.net_.global_mean.copy_(init.net_.global_mean)
            self.net_.rating_scale.copy_(init.net_.rating_scale)
        self.warm_started_tokens_ = copied
        logger.info("warm start: %d tokens copied from the previous model", copied)

    def _train(self, train: Interactions, validation: Interactions | None) -> None:
        rng = np.random.default_rng(self.random_state)
        pairs = _TrainingPairs.build(train, min_positive_rating=self.min_positive_rating)
        if pairs.has_ratings:
            self.net_.global_mean.fill_(float(np.nanmean(train.ratings)))
        optimiser: torch.optim.Optimizer = (
            torch.optim.Adagrad(self.net_.parameters(), lr=self.learning_rate)
            if self.optimizer == "adagrad"
            else torch.optim.Adam(self.net_.parameters(), lr=self.learning_rate)
        )
        self.history_: list[TrainingEpoch] = []
        best = (-np.inf, 0, copy.deepcopy(self.net_.state_dict()))
        for epoch in range(1, self.epochs + 1):
            started = time.perf_counter()
            loss = self._epoch(pairs, optimiser, rng)
            score = self._validation_ndcg(train, validation) if validation else float("nan")
            self.history_.append(TrainingEpoch(epoch, loss, score, time.perf_counter() - started))
            logger.debug("epoch %d: loss %.4f, validation ndcg %.4f", epoch, loss, score)
            if validation is None:
                continue
            if score > best[0]:
                best = (score, epoch, copy.deepcopy(self.net_.state_dict()))
            elif epoch - best[1] >= self.patience:
                break
        if validation is not None and best[1] > 0:
            self.net_.load_state_dict(best[2])
        self.best_epoch_ = best[1] if validation is not None else len(self.history_)
        self.best_validation_ndcg_ = float(best[0]) if validation is not None else float("nan")

    def _epoch(
        self, pairs: _TrainingPairs, optimiser: torch.optim.Optimizer, rng: np.random.Generator
    ) -> float:
        self.net_.train()
        order = rng.permutation(pairs.size)
        users_tok = torch.from_numpy(self.user_index_.tokens)
        users_w = torch.from_numpy(self.user_index_.weights)
        items_tok = torch.from_numpy(self.item_index_.tokens)
        items_w = torch.from_numpy(self.item_index_.weights)
        n_items = len(self.item_ids_)
        size = _batch_size(pairs.size, self.batch_size)
        total, batches = 0.0, 0
        for start in range(0, pairs.size, size):
            batch = order[start : start + size]
            negatives = rng.integers(0, n_items, size=self.n_negatives)
            keys = torch.from_numpy(rng.random((len(batch), self.n_negatives)))
            loss = self._batch_loss(
                pairs, batch, (negatives, keys), (users_tok, users_w, items_tok, items_w)
            )
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            with torch.sparse.check_sparse_tensor_invariants(enable=False):  # type: ignore[no-untyped-call]
                optimiser.step()
            total += float(loss.detach())
            batches += 1
        return total / max(batches, 1)

    def _batch_loss(
        self,
        pairs: _TrainingPairs,
        batch: IntArray,
        sampled: tuple[IntArray, torch.Tensor],
        tables: tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor],
    ) -> torch.Tensor:
        users_tok, users_w, items_tok, items_w = tables
        users = torch.from_numpy(pairs.users[batch])
        # Only the items of the batch (positives and sampled negatives) go through the tower.
        needed, inverse = np.unique(
            np.concatenate([pairs.items[batch], sampled[0]]), return_inverse=True
        )
        items = torch.from_numpy(inverse[: len(batch)])
        neg = torch.from_numpy(inverse[len(batch) :])
        rows = torch.from_numpy(needed)
        u, _, u_rating_bias = self.net_.users(users_tok[users], users_w[users])
        some_items, some_bias, some_rating_bias = self.net_.items(items_tok[rows], items_w[rows])
        v, b = some_items[items], some_bias[items]
        positive = (u * v).sum(-1) + b
        negative = u @ some_items[neg].T + some_bias[neg]
        ranking = self._ranking_loss(positive, negative, sampled[1], n_items=len(items_tok))
        confidence = torch.from_numpy(pairs.confidence[batch])
        is_positive = torch.from_numpy(pairs.positive[batch])
        loss = (ranking * confidence * is_positive).sum() / is_positive.sum().clamp(min=1)
        if pairs.has_ratings and self.rating_weight > 0:
            rating = torch.from_numpy(pairs.ratings[batch])
            rated = torch.isfinite(rating)
            predicted = (
                self.net_.global_mean
                + u_rating_bias
                + some_rating_bias[items]
                + self.net_.rating_scale * (u * v).sum(-1)
            )
            error = torch.where(rated, predicted - torch.nan_to_num(rating), 0.0) ** 2
            loss = loss + self.rating_weight * error.sum() / rated.sum().clamp(min=1)
        penalty = (u**2).sum(-1).mean() + (v**2).sum(-1).mean() + (b**2).mean()
        total: torch.Tensor = loss + self.l2 * penalty
        return total

    def _ranking_loss(
        self,
        positive: torch.Tensor,
        negative: torch.Tensor,
        keys: torch.Tensor,
        *,
        n_items: int,
    ) -> torch.Tensor:
        if self.loss == "bpr":
            return nn.functional.softplus(negative - positive.unsqueeze(1)).mean(dim=1)
        violating = negative > positive.unsqueeze(1) - 1.0
        count = violating.sum(dim=1)
        # A random violating negative, as if sampled one by one until a violation (WARP).
        pick = (keys * violating).argmax(dim=1, keepdim=True)
        chosen = negative.gather(1, pick).squeeze(1)
        rank = torch.floor((n_items - 1) * count.float() / negative.shape[1])
        hinge = torch.log1p(rank) * torch.relu(1.0 - positive + chosen)
        return torch.where(count > 0, hinge, torch.zeros_like(hinge))

    # --- scoring ---------------------------------------------------------------------------

    @torch.no_grad()
    def _vectors(
        self, index: FeatureIndex, tower: _Tower
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        self.net_.eval()
        vectors, bias, rating_bias = tower(
            torch.from_numpy(index.tokens), torch.from_numpy(index.weights)
        )
        return (
            vectors.double().numpy(),
            bias.double().numpy(),
            rating_bias.double().numpy(),
        )

    def _validation_ndcg(self, train: Interactions, validation: Interactions) -> float:
        users = np.unique(validation.users)
        if len(users) > _MAX_VALIDATION_USERS:
            users = np.sort(
                np.random.default_rng(0).choice(users, _MAX_VALIDATION_USERS, replace=False)
            )
        user_vectors, _, _ = self._vectors(self.user_index_, self.net_.users)
        item_vectors, item_bias, _ = self._vectors(self.item_index_, self.net_.items)
        scores = user_vectors[users] @ item_vectors.T + item_bias
        return validation_ndcg(scores, users, train=train, validation=validation, k=self.k)

    def _precompute(self, train: Interactions) -> None:
        """Vectors for serving; entities without training pairs use their features only."""
        users, _, user_rating_bias = self._vectors(self.user_index_, self.net_.users)
        items, item_bias, item_rating_bias = self._vectors(self.item_index_, self.net_.items)
        cold_users = train.user_counts() == 0
        cold_items = train.item_counts() == 0
        if cold_users.any():
            rows = [train.user_tokens[i] for i in np.flatnonzero(cold_users)]
            users[cold_users], _, user_rating_bias[cold_users] = self._token_vectors(
                rows, side="user"
            )
        if cold_items.any():
            rows = [train.item_tokens[i] for i in np.flatnonzero(cold_items)]
            items[cold_items], item_bias[cold_items], item_rating_bias[cold_items] = (
                self._token_vectors(rows, side="item")
            )
        self.user_factors_ = users
        self.user_rating_bias_ = user_rating_bias
        self.item_factors_ = items
        self.item_bias_ = item_bias
        self.item_rating_bias_ = item_rating_bias
        self.global_mean_ = float(self.net_.global_mean)
        self.rating_scale_ = float(self.net_.rating_scale.detach())
        self.user_train_counts_ = train.user_counts()
        self.item_train_counts_ = train.item_counts()

    def _token_vectors(
        self, rows: Sequence[Sequence[str]], *, side: str
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        index = self.user_index_ if side == "user" else self.item_index_
        tower = self.net_.users if side == "user" else self.net_.items
        use = self.use_user_features if side == "user" else self.use_item_features
        if not use:
            rows = [[] for _ in rows]
        return self._vectors(index.features_only(rows), tower)

    def user_vectors_from_features(self, rows: Sequence[Sequence[str]]) -> FloatArray:
        """Vectors of users known only by their feature tokens (cold start)."""
        check_is_fitted(self, "user_factors_")
        return self._token_vectors(rows, side="user")[0]

    def item_vectors_from_features(
        self, rows: Sequence[Sequence[str]]
    ) -> tuple[FloatArray, FloatArray]:
        """Vectors and ranking biases of items known only by their feature tokens."""
        check_is_fitted(self, "item_factors_")
        vectors, bias, _ = self._token_vectors(rows, side="item")
        return vectors, bias

    def score(self, users: IntArray) -> FloatArray:
        """Ranking scores of every item for the given user indices (users x items)."""
        check_is_fitted(self, "user_factors_")
        return np.asarray(
            self.user_factors_[users] @ self.item_factors_.T + self.item_bias_, dtype=np.float64
        )

    def predict_ratings(self, users: IntArray, items: IntArray) -> FloatArray:
        """Predicted ratings ``mu + b_u + b'_i + s * (u . v)`` for user-item pairs."""
        check_is_fitted(self, "user_factors_")
        dot = self.rating_scale_ * np.einsum(
            "ij,ij->i", self.user_factors_[users], self.item_factors_[items]
        )
        return np.asarray(
            self.global_mean_
            + self.user_rating_bias_[users]
            + self.item_rating_bias_[items]
            + dot,
            dtype=np.float64,
        )

    def token_embeddings(self, side: str) -> dict[str, npt.NDArray[np.float64]]:
        """Embedding of every feature token (not ids) of ``side`` ``"user"`` or ``"item"``."""
        check_is_fitted(self, "net_")
        index = self.user_index_ if side == "user" else self.item_index_
        tower = self.net_.users if side == "user" else self.net_.items
        weights = tower.vectors.weight.detach().double().numpy()
        return {t: weights[i] for t, i in index.vocabulary.items() if ":" not in t}


def _batch_size(n_pairs: int, largest: int) -> int:
    """At least ``_MIN_STEPS`` optimiser steps per epoch on small data, ``largest`` at most."""
    return int(min(largest, max(16, -(-n_pairs // _MIN_STEPS))))


@dataclass(frozen=True, slots=True)
class _TrainingPairs:
    users: IntArray
    items: IntArray
    ratings: npt.NDArray[np.float32]
    confidence: npt.NDArray[np.float32]
    positive: npt.NDArray[np.float32]
    has_ratings: bool

    @property
    def size(self) -> int:
        return len(self.users)

    @classmethod
    def build(cls, train: Interactions, *, min_positive_rating: float | None) -> _TrainingPairs:
        confidence = 1.0 + np.log(np.maximum(train.weights, 1.0))
        confidence = confidence / confidence.mean()
        positive = np.ones(train.n_pairs, dtype=np.float32)
        if min_positive_rating is not None:
            low = np.isfinite(train.ratings) & (train.ratings < min_positive_rating)
            positive[low] = 0.0
        return cls(
            users=train.users,
            items=train.items,
            ratings=train.ratings.astype(np.float32),
            confidence=confidence.astype(np.float32),
            positive=positive,
            has_ratings=train.has_ratings,
        )


def validation_ndcg(
    scores: FloatArray,
    users: IntArray,
    *,
    train: Interactions,
    validation: Interactions,
    k: int,
) -> float:
    """NDCG@k of ``scores`` (rows = ``users``) with training items masked out."""
    row = np.full(train.n_users, -1, dtype=np.int64)
    row[users] = np.arange(len(users))
    scores = scores.copy()
    seen = row[train.users] >= 0
    scores[row[train.users[seen]], train.items[seen]] = -np.inf
    ranked = top_k(scores, k)
    relevant: list[set[int]] = [set() for _ in users]
    keep = row[validation.users] >= 0
    for r, item in zip(row[validation.users[keep]], validation.items[keep], strict=True):
        relevant[r].add(int(item))
    hits = np.array(
        [
            [i in rel for i in ranked_row]
            for ranked_row, rel in zip(ranked.tolist(), relevant, strict=True)
        ],
        dtype=bool,
    ).reshape(ranked.shape)
    counts = np.array([len(r) for r in relevant], dtype=np.float64)
    return ndcg_at_k(hits, counts, k)


# --- artifacts ---------------------------------------------------------------------------------

_WEIGHTS_FILE = "mf_weights.pt"
_SPEC_FILE = "mf.json"


def save_mf(model: HybridMF, directory: Path) -> list[Path]:
    """Write a fitted model's weights (``torch.save`` of the state dict) and its vocabularies."""
    check_is_fitted(model, "net_")
    directory.mkdir(parents=True, exist_ok=True)
    torch.save(model.net_.state_dict(), directory / _WEIGHTS_FILE)
    spec = {
        "params": model.get_params(),
        "user_vocabulary": model.user_index_.vocabulary,
        "item_vocabulary": model.item_index_.vocabulary,
        "best_epoch": model.best_epoch_,
    }
    (directory / _SPEC_FILE).write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return [directory / _WEIGHTS_FILE, directory / _SPEC_FILE]


def load_mf_weights(directory: Path) -> HybridMF:
    """A model holding saved weights and vocabularies: enough to warm-start a new fit.

    Only the network is restored (``init=`` of :meth:`HybridMF.fit`); scoring needs a fit.
    """
    try:
        spec = json.loads((directory / _SPEC_FILE).read_text(encoding="utf-8"))
        state = torch.load(directory / _WEIGHTS_FILE, weights_only=True)
    except (OSError, ValueError, RuntimeError) as exc:
        raise SourceError(f"cannot read the recommender artifact in {directory}: {exc}") from exc
    model = HybridMF(**spec["params"])
    empty = np.zeros((0, 1), dtype=np.int64)
    model.user_index_ = FeatureIndex(spec["user_vocabulary"], empty, empty.astype(np.float32))
    model.item_index_ = FeatureIndex(spec["item_vocabulary"], empty, empty.astype(np.float32))
    model.net_ = _Net(len(spec["user_vocabulary"]), len(spec["item_vocabulary"]), model.n_factors)
    model.net_.load_state_dict(state)
    model.best_epoch_ = int(spec["best_epoch"])
    return model
