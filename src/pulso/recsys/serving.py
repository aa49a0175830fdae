"""Serving: top-k dishes for a diner from precomputed arrays, filtered and explained.

A :class:`ServingIndex` holds what a trained :class:`~pulso.recsys.fusion.HybridRecommender`
needs at request time, as plain numpy arrays (no torch): item MF vectors and biases, dense
content vectors (the TF-IDF vectors projected on their leading singular vectors, so cosines
are kept), the sparse item-neighbour similarities, the popularity of every item in each diner
group (k-means over the diners' MF vectors), and the embeddings of diner feature tokens. It
round-trips through bytes (``to_bytes`` / ``from_bytes``, an ``.npz`` without pickles).

A :class:`DinerProfile` is a diner as the index sees him: an MF vector, the items he liked
(positive weights) or disliked (negative), and his group. Known diners come from training;
an anonymous diner's profile is folded in from stated likes, dislikes and diet
(:meth:`ServingIndex.profile_from_preferences`): ridge regression of his MF vector on the
vectors of the dishes he named, shrunk towards the mean embedding of his diet tokens.

:meth:`ServingIndex.recommend` scores every item (blend of the three components, standardised
over the catalogue as in training), removes what may not be served (other restaurants'
dishes, dishes off the menu, dishes that break a diet or allergy, dishes already ordered this
visit) and takes the top k with ``numpy.argpartition``. Each recommendation carries a reason:
``"nuevo en la carta, parecido a Ají de gallina"`` for a dish nobody ordered in training,
``"porque te gustó Lomo saltado"`` when it resembles a dish the diner liked, else
``"popular entre clientes como tú"``.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.utils.extmath import randomized_svd

from pulso.errors import InputError, ModelNotFittedError
from pulso.ingest.values import fold_text
from pulso.recsys.content import pair_preferences
from pulso.recsys.data import Interactions
from pulso.recsys.fusion import HybridRecommender, standardise_rows

__all__ = [
    "ALLERGENS",
    "DIETS",
    "DinerProfile",
    "Recommendation",
    "ServingIndex",
    "dish_allowed",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

#: Diet restriction -> ("require" | "exclude", dish tag), as the demo menus and the ``diners``
#: import spell them.
DIETS: dict[str, tuple[str, str]] = {
    "vegetariano": ("require", "vegetariano"),
    "vegano": ("require", "vegano"),
    "sin gluten": ("require", "sin gluten"),
    "sin mariscos": ("exclude", "mariscos"),
    "sin cerdo": ("exclude", "cerdo"),
}

#: Allergy -> ingredient words that reveal it (folded: no accents, lower case). An allergy not
#: listed here is matched as a word of the ingredients.
ALLERGENS: dict[str, frozenset[str]] = {
    "mani": frozenset({"mani", "cacahuate", "cacahuete", "pecanas", "frutas secas"}),
    "frutos secos": frozenset({"mani", "pecanas", "nueces", "almendras", "frutas secas"}),
    "mariscos": frozenset(
        {
            "mariscos",
            "langostino",
            "langostinos",
            "camarones",
            "camaron",
            "pulpo",
            "calamar",
            "conchas negras",
            "choros",
            "ostion",
            "salsa de ostion",
        }
    ),
    "pescado": frozenset({"pescado", "atun", "cabeza de pescado", "bonito", "lenguado"}),
    "lacteos": frozenset(
        {"leche", "queso", "queso fresco", "cremas", "crema", "mantequilla", "manjar blanco"}
    ),
    "huevo": frozenset({"huevo", "clara de huevo", "mayonesa", "merengue"}),
    "gluten": frozenset(
        {
            "harina",
            "pan",
            "fideos",
            "tallarin",
            "tallarines",
            "masa",
            "masa wantan",
            "wantan",
            "galleta",
            "galleta de soda",
            "cebada",
            "cerveza",
            "sillao",
            "tallarin saltado",
        }
    ),
    "soya": frozenset({"sillao", "soya", "brotes de soya", "tofu"}),
}

_REASON_NEW = "nuevo en la carta, parecido a {name}"
_REASON_LIKED = "porque te gustó {name}"
_REASON_GROUP = "popular entre clientes como tú"
_MAX_CONTENT_DIM = 128
_LIKE_CONTENT_SIMILARITY = 0.25
_LIKE_NEIGHBOUR_SHARE = 0.3
# Stated words match items at weight 0.5: only dishes liked outright (or ordered) are named.
_NAMED_LIKE = 0.5


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One recommended item, its blended score and why."""

    item_id: str
    name: str
    score: float
    reason: str
    reason_kind: str
    because_of: str | None = None


@dataclass(frozen=True, slots=True)
class DinerProfile:
    """A diner as the index sees him: MF vector, liked (+) / disliked (-) items, group."""

    vector: FloatArray
    history: tuple[tuple[int, float], ...]
    group: int


def _fold_all(values: Iterable[str]) -> frozenset[str]:
    return frozenset(fold_text(v) for v in values if v and v.strip())


def dish_allowed(
    tags: frozenset[str],
    ingredients: frozenset[str],
    *,
    restrictions: Sequence[str] = (),
    allergies: Sequence[str] = (),
) -> bool:
    """Whether a dish (folded tags and ingredients) respects every restriction and allergy."""
    for restriction in restrictions:
        rule = DIETS.get(fold_text(restriction).replace("gluten free", "sin gluten"))
        if rule is None:
            known = ", ".join(sorted(DIETS))
            raise InputError(f"unknown dietary restriction {restriction!r}; known: {known}")
        kind, tag = rule
        if (kind == "require") != (fold_text(tag) in tags):
            return False
    for allergy in allergies:
        key = fold_text(allergy)
        words = ALLERGENS.get(key, frozenset({key}))
        if words & ingredients or key in tags:
            return False
        if any(word in ingredient.split() for ingredient in ingredients for word in words):
            return False
    return True


@dataclass(frozen=True, slots=True)
class ServingIndex:
    """Everything needed to recommend at request time, as numpy arrays."""

    item_ids: tuple[str, ...]
    names: tuple[str, ...]
    restaurants: tuple[str, ...]
    tags: tuple[frozenset[str], ...]
    ingredients: tuple[frozenset[str], ...]
    categories: tuple[str, ...]
    vectors: Float32Array
    bias: Float32Array
    content: Float32Array
    neighbours: sp.csr_matrix
    train_counts: FloatArray
    group_popularity: Float32Array
    centroids: Float32Array
    user_tokens: tuple[str, ...]
    user_token_vectors: Float32Array
    weights: dict[str, float]
    fold_in_l2: float = 1.0
    like_score: float = 1.0
    dislike_score: float = -1.0

    # --- building --------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        model: HybridRecommender,
        data: Interactions,
        *,
        restaurants: Sequence[str],
        tags: Sequence[Sequence[str]],
        ingredients: Sequence[Sequence[str]],
        categories: Sequence[str],
        n_groups: int = 8,
        random_state: int = 0,
    ) -> ServingIndex:
        """Precompute the serving arrays of a fitted hybrid trained on ``data``."""
        if not hasattr(model, "components_") or "mf" not in model.components_:
            raise ModelNotFittedError("serving needs a fitted HybridRecommender with an mf part")
        mf = model.components_["mf"]
        users = np.asarray(mf.user_factors_, dtype=np.float64)
        groups, centroids = _diner_groups(users, data, n_groups=n_groups, seed=random_state)
        tokens = mf.token_embeddings("user")
        like, dislike = _score_levels(mf, data)
        return cls(
            item_ids=tuple(str(i) for i in data.item_ids),
            names=tuple(data.item_names),
            restaurants=tuple(str(r) for r in restaurants),
            tags=tuple(_fold_all(t) for t in tags),
            ingredients=tuple(_fold_all(i) for i in ingredients),
            categories=tuple(fold_text(c or "") for c in categories),
            vectors=np.asarray(mf.item_factors_, dtype=np.float32),
            bias=np.asarray(mf.item_bias_, dtype=np.float32),
            content=_dense_content(model, data.n_items),
            neighbours=_neighbours(model, data.n_items),
            train_counts=data.item_counts(),
            group_popularity=_group_popularity(groups, data, n_groups=len(centroids)),
            centroids=centroids.astype(np.float32),
            user_tokens=tuple(tokens),
            user_token_vectors=np.array([tokens[t] for t in tokens], dtype=np.float32).reshape(
                len(tokens), users.shape[1]
            ),
            weights={k: float(v) for k, v in model.weights_.items()},
            like_score=like,
            dislike_score=dislike,
        )

    def known_profiles(self, model: HybridRecommender, data: Interactions) -> list[DinerProfile]:
        """The profile of every user of ``data`` (vector, liked items, group)."""
        users = np.asarray(model.components_["mf"].user_factors_, dtype=np.float64)
        preferences = pair_preferences(data)
        history: list[list[tuple[int, float]]] = [[] for _ in range(data.n_users)]
        for user, item, weight in zip(
            data.users.tolist(), data.items.tolist(), preferences.tolist(), strict=True
        ):
            history[user].append((item, round(weight, 4)))
        groups = self.group_of(users)
        return [
            DinerProfile(users[u], tuple(sorted(history[u], key=lambda p: -p[1])), int(groups[u]))
            for u in range(data.n_users)
        ]

    # --- profiles ----------------------------------------------------------------------------

    def group_of(self, vectors: FloatArray) -> IntArray:
        """Nearest diner-group centroid of each vector."""
        vectors = np.atleast_2d(vectors)
        distances = ((vectors[:, None, :] - self.centroids[None, :, :]) ** 2).sum(axis=-1)
        return np.asarray(distances.argmin(axis=1), dtype=np.int64)

    def positions(self, item_ids: Iterable[str]) -> list[int]:
        """Index positions of known item ids (unknown ids are skipped)."""
        lookup = {item: p for p, item in enumerate(self.item_ids)}
        return [lookup[str(i)] for i in item_ids if str(i) in lookup]

    def match_terms(self, terms: Iterable[str], *, restaurant: str | None = None) -> list[int]:
        """Items whose name, tag, ingredient or category matches one of ``terms``."""
        wanted = {fold_text(t) for t in terms if t and t.strip()}
        found = []
        for position in range(len(self.item_ids)):
            if restaurant is not None and self.restaurants[position] != restaurant:
                continue
            labels = self.tags[position] | self.ingredients[position]
            labels = labels | {self.categories[position], fold_text(self.names[position])}
            if wanted & labels:
                found.append(position)
        return found

    def token_vector(self, tokens: Iterable[str]) -> FloatArray:
        """Mean embedding of the known diner feature tokens (zeros when none is known)."""
        lookup = {t: p for p, t in enumerate(self.user_tokens)}
        rows = [lookup[t] for t in tokens if t in lookup]
        if not rows:
            return np.zeros(self.vectors.shape[1])
        return np.asarray(self.user_token_vectors[rows].mean(axis=0), dtype=np.float64)

    def profile(
        self, vector: FloatArray, history: Sequence[tuple[str, float]], *, group: int | None = None
    ) -> DinerProfile:
        """A known diner's profile from his stored vector and ``(item_id, weight)`` history."""
        lookup = {item: p for p, item in enumerate(self.item_ids)}
        pairs = tuple((lookup[str(i)], float(w)) for i, w in history if str(i) in lookup)
        vector = np.asarray(vector, dtype=np.float64)
        chosen = int(self.group_of(vector)[0]) if group is None else group
        return DinerProfile(vector, pairs, chosen)

    def resolve(self, stated: Sequence[str]) -> tuple[list[int], list[int]]:
        """Split stated preferences into items named outright (id or name) and items that
        match a word (tag, ingredient, category)."""
        by_name: dict[str, list[int]] = {}
        for position, name in enumerate(self.names):
            by_name.setdefault(fold_text(name), []).append(position)
        lookup = {item: p for p, item in enumerate(self.item_ids)}
        named: list[int] = []
        words: list[str] = []
        for value in stated:
            text = str(value).strip()
            if text in lookup:
                named.append(lookup[text])
            elif fold_text(text) in by_name:
                named.extend(by_name[fold_text(text)])
            else:
                words.append(text)
        matched = [p for p in self.match_terms(words) if p not in named]
        return sorted(set(named)), matched

    def profile_from_preferences(
        self,
        *,
        liked: Sequence[int] = (),
        disliked: Sequence[int] = (),
        liked_terms: Sequence[int] = (),
        disliked_terms: Sequence[int] = (),
        tokens: Sequence[str] = (),
    ) -> DinerProfile:
        """Fold in an anonymous diner from stated likes and dislikes (item positions).

        ``liked_terms`` / ``disliked_terms`` are items that match a stated word (a tag such as
        ``picante``); they count half as much as a dish named outright. ``tokens`` are diner
        feature tokens (``diet=vegetariano``) whose mean embedding is the prior of the ridge
        regression.
        """
        prior = self.token_vector(tokens)
        history = [(i, 1.0) for i in liked]
        history += [(i, 0.5) for i in liked_terms if i not in liked]
        history += [(i, -1.0) for i in disliked]
        history += [(i, -0.5) for i in disliked_terms if i not in disliked]
        vector = self._fold_in(history, prior)
        return DinerProfile(vector, tuple(history), int(self.group_of(vector)[0]))

    def _fold_in(self, history: Sequence[tuple[int, float]], prior: FloatArray) -> FloatArray:
        if not history:
            return prior
        items = np.array([i for i, _ in history], dtype=np.int64)
        strength = np.array([abs(w) for _, w in history])
        target = np.array([self.like_score if w > 0 else self.dislike_score for _, w in history])
        matrix = self.vectors[items].astype(np.float64)
        weighted = matrix * strength[:, None]
        gram = weighted.T @ matrix + self.fold_in_l2 * np.eye(matrix.shape[1])
        rhs = weighted.T @ (target - self.bias[items]) + self.fold_in_l2 * prior
        return np.asarray(np.linalg.solve(gram, rhs), dtype=np.float64)

    # --- scoring -----------------------------------------------------------------------------

    def scores(self, profile: DinerProfile) -> FloatArray:
        """Blended score of every item for ``profile`` (standardised over the catalogue)."""
        parts: dict[str, FloatArray] = {}
        if self.weights.get("mf", 0.0):
            parts["mf"] = np.asarray(
                self.vectors @ profile.vector.astype(np.float32) + self.bias, dtype=np.float64
            )
        if profile.history:
            items = np.array([i for i, _ in profile.history], dtype=np.int64)
            weights = np.array([w for _, w in profile.history], dtype=np.float64)
            if self.weights.get("neighbours", 0.0):
                signs = np.clip(weights, -1.0, 1.0)  # training scores with 0/1 histories
                parts["neighbours"] = np.asarray(signs @ self.neighbours[items].toarray())
            if self.weights.get("content", 0.0):
                taste = np.asarray(weights @ self.content[items], dtype=np.float64)
                norm = max(float(np.linalg.norm(taste)), 1e-12)
                parts["content"] = np.asarray(self.content @ (taste / norm), dtype=np.float64)
        if not parts:
            return np.asarray(self.bias, dtype=np.float64)
        total = np.zeros(len(self.item_ids))
        for name, values in parts.items():
            total += self.weights[name] * standardise_rows(values[None, :].astype(np.float64))[0]
        return total

    def allowed(
        self,
        *,
        restaurant: str | None = None,
        candidates: Iterable[str] | None = None,
        restrictions: Sequence[str] = (),
        allergies: Sequence[str] = (),
        exclude: Iterable[int] = (),
    ) -> npt.NDArray[np.bool_]:
        """Mask of items that may be recommended."""
        mask = np.ones(len(self.item_ids), dtype=bool)
        if restaurant is not None:
            mask &= np.array([r == str(restaurant) for r in self.restaurants], dtype=bool)
        if candidates is not None:
            menu = np.zeros(len(self.item_ids), dtype=bool)
            menu[self.positions(candidates)] = True
            mask &= menu
        if restrictions or allergies:
            for position in np.flatnonzero(mask):
                mask[position] = dish_allowed(
                    self.tags[position],
                    self.ingredients[position],
                    restrictions=restrictions,
                    allergies=allergies,
                )
        excluded = np.array(list(exclude), dtype=np.int64)
        mask[excluded] = False
        return mask

    def recommend(
        self,
        profile: DinerProfile,
        *,
        k: int = 10,
        restaurant: str | None = None,
        candidates: Iterable[str] | None = None,
        restrictions: Sequence[str] = (),
        allergies: Sequence[str] = (),
        exclude: Iterable[str] = (),
        exclude_history: bool = True,
    ) -> list[Recommendation]:
        """The ``k`` best allowed items for ``profile``, best first, each with its reason."""
        if k < 1:
            raise InputError(f"k must be >= 1, got {k}")
        skip = set(self.positions(exclude))
        if exclude_history:
            skip |= {i for i, _ in profile.history}
        mask = self.allowed(
            restaurant=restaurant,
            candidates=candidates,
            restrictions=restrictions,
            allergies=allergies,
            exclude=sorted(skip),
        )
        allowed = np.flatnonzero(mask)
        if len(allowed) == 0:
            return []
        scores = self.scores(profile)[allowed]
        n = min(k, len(allowed))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [self._explain(int(allowed[t]), float(scores[t]), profile) for t in top]

    def _explain(self, item: int, score: float, profile: DinerProfile) -> Recommendation:
        identifier, name = self.item_ids[item], self.names[item]
        if self.train_counts[item] == 0:
            similar = self._most_similar_known(item)
            if similar is not None:
                reason = _REASON_NEW.format(name=self.names[similar])
                return Recommendation(
                    identifier, name, score, reason, "new_similar", self.names[similar]
                )
        liked = [(i, w) for i, w in profile.history if w > _NAMED_LIKE and i != item]
        if liked:
            because = self._because(item, liked)
            if because is not None:
                reason = _REASON_LIKED.format(name=self.names[because])
                return Recommendation(
                    identifier, name, score, reason, "liked", self.names[because]
                )
        return Recommendation(identifier, name, score, _REASON_GROUP, "similar_diners")

    def _most_similar_known(self, item: int) -> int | None:
        known = np.flatnonzero(self.train_counts > 0)
        if len(known) == 0:
            return None
        same = [i for i in known if self.restaurants[i] == self.restaurants[item]]
        pool = np.array(same or known, dtype=np.int64)
        similarity = self.content[pool] @ self.content[item]
        return int(pool[int(np.argmax(similarity))])

    def _because(self, item: int, liked: Sequence[tuple[int, float]]) -> int | None:
        items = np.array([i for i, _ in liked], dtype=np.int64)
        content = self.content[items] @ self.content[item]
        best = int(np.argmax(content))
        if content[best] >= _LIKE_CONTENT_SIMILARITY:
            return int(items[best])
        column = np.asarray(self.neighbours[:, [item]].toarray()).ravel()
        if column.max(initial=0.0) <= 0:
            return None
        share = column[items] / column.max()
        best = int(np.argmax(share))
        return int(items[best]) if share[best] >= _LIKE_NEIGHBOUR_SHARE else None

    # --- bytes -------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The index as a compressed ``.npz`` (arrays plus one JSON document)."""
        meta = {
            "item_ids": self.item_ids,
            "names": self.names,
            "restaurants": self.restaurants,
            "tags": [sorted(t) for t in self.tags],
            "ingredients": [sorted(i) for i in self.ingredients],
            "categories": self.categories,
            "user_tokens": self.user_tokens,
            "weights": self.weights,
            "fold_in_l2": self.fold_in_l2,
            "like_score": self.like_score,
            "dislike_score": self.dislike_score,
        }
        neighbours = self.neighbours.tocsr()
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
            vectors=self.vectors,
            bias=self.bias,
            content=self.content,
            nb_data=neighbours.data.astype(np.float32),
            nb_indices=neighbours.indices.astype(np.int64),
            nb_indptr=neighbours.indptr.astype(np.int64),
            train_counts=self.train_counts,
            group_popularity=self.group_popularity,
            centroids=self.centroids,
            user_token_vectors=self.user_token_vectors,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, payload: bytes) -> ServingIndex:
        """Read an index written by :meth:`to_bytes`."""
        with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
            meta: Mapping[str, Any] = json.loads(arrays["meta"].tobytes().decode())
            n = len(meta["item_ids"])
            neighbours = sp.csr_matrix(
                (arrays["nb_data"], arrays["nb_indices"], arrays["nb_indptr"]), shape=(n, n)
            )
            return cls(
                item_ids=tuple(meta["item_ids"]),
                names=tuple(meta["names"]),
                restaurants=tuple(meta["restaurants"]),
                tags=tuple(frozenset(t) for t in meta["tags"]),
                ingredients=tuple(frozenset(i) for i in meta["ingredients"]),
                categories=tuple(meta["categories"]),
                vectors=arrays["vectors"],
                bias=arrays["bias"],
                content=arrays["content"],
                neighbours=neighbours,
                train_counts=arrays["train_counts"],
                group_popularity=arrays["group_popularity"],
                centroids=arrays["centroids"],
                user_tokens=tuple(meta["user_tokens"]),
                user_token_vectors=arrays["user_token_vectors"],
                weights=dict(meta["weights"]),
                fold_in_l2=float(meta["fold_in_l2"]),
                like_score=float(meta["like_score"]),
                dislike_score=float(meta["dislike_score"]),
            )


def _diner_groups(
    users: FloatArray, data: Interactions, *, n_groups: int, seed: int
) -> tuple[IntArray, FloatArray]:
    """K-means over the MF vectors of users with history ("clientes como tú")."""
    active = np.flatnonzero(data.user_counts() > 0)
    points = users[active] if len(active) else users
    n = max(1, min(n_groups, len(points)))
    kmeans = KMeans(n_clusters=n, n_init=3, random_state=seed).fit(points)
    centroids = np.asarray(kmeans.cluster_centers_, dtype=np.float64)
    distances = ((users[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=-1)
    return np.asarray(distances.argmin(axis=1), dtype=np.int64), centroids


def _group_popularity(groups: IntArray, data: Interactions, *, n_groups: int) -> Float32Array:
    counts = np.zeros((n_groups, data.n_items))
    np.add.at(counts, (groups[data.users], data.items), 1.0)
    totals = counts.sum(axis=1, keepdims=True)
    return np.asarray(counts / np.maximum(totals, 1.0), dtype=np.float32)


def _score_levels(mf: Any, data: Interactions) -> tuple[float, float]:
    """Mean MF score of training pairs (a like) and of random pairs (indifference)."""
    if data.n_pairs == 0:
        return 1.0, -1.0
    rng = np.random.default_rng(0)
    sample = rng.choice(data.n_pairs, size=min(data.n_pairs, 5000), replace=False)
    users, items = data.users[sample], data.items[sample]
    positive = np.einsum("ij,ij->i", mf.user_factors_[users], mf.item_factors_[items])
    positive = positive + mf.item_bias_[items]
    random_items = rng.integers(0, data.n_items, size=len(sample))
    neutral = np.einsum("ij,ij->i", mf.user_factors_[users], mf.item_factors_[random_items])
    neutral = neutral + mf.item_bias_[random_items]
    like, middle = float(positive.mean()), float(neutral.mean())
    return like, middle - (like - middle)


def _dense_content(model: HybridRecommender, n_items: int) -> Float32Array:
    content = model.components_.get("content")
    if content is None:
        return np.zeros((n_items, 1), dtype=np.float32)
    vectors = sp.csr_matrix(content.item_vectors_)
    rank = max(1, min(_MAX_CONTENT_DIM, vectors.shape[0], vectors.shape[1]))
    if rank >= min(vectors.shape):
        dense = vectors.toarray()
        u, s, _ = np.linalg.svd(dense, full_matrices=False)
        projected = u[:, :rank] * s[:rank]
    else:
        u, s, _ = randomized_svd(vectors, n_components=rank, random_state=0)
        projected = u * s
    norms = np.linalg.norm(projected, axis=1, keepdims=True)
    return np.asarray(projected / np.maximum(norms, 1e-12), dtype=np.float32)


def _neighbours(model: HybridRecommender, n_items: int) -> sp.csr_matrix:
    knn = model.components_.get("neighbours")
    if knn is None:
        return sp.csr_matrix((n_items, n_items), dtype=np.float32)
    return sp.csr_matrix(knn.similarity_, dtype=np.float32)
