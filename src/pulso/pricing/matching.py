"""Product matching across retailers: which competitor listing is which of our products.

``match_listings(left, right)`` pairs rows of two listing frames (``id, name`` and optional
``brand, ean, size, category``) one to one:

1. **EAN**: rows whose normalised EANs (digits, leading zeros dropped) are equal are matched
   with score 1 and method ``"ean"``.
2. **Parsing**: names are taken apart by :func:`pulso.pricing.names.parse_name` (brand,
   variants, size; a ``brand`` or ``size`` field wins over the name). **Learned variant
   words** are the words that tell apart two rows of the same brand and size on one side
   (``spaghetti``/``tallarin``, ``rubia``/``blanca``): variants the lexicon does not know.
3. **Blocking**: rows are only compared inside blocks, never over the full cross product.
   Blocks are (brand, size, variants): all pairs when a block is tiny, else the ``top_k`` rows
   per row by token-set plus token-sort ratio from a rapidfuzz ``process.cdist``, in both
   directions. A row left without a candidate is compared, top-k again, with the rows of the
   other side of the same size (a misspelt or missing brand), else the same brand (size
   unknown), else the same first word.
4. **Features** per candidate pair (:data:`FEATURE_NAMES`, all in [0, 1], higher meaning more
   alike): token-set, partial, WRatio and token-sort ratios of the normalised names; token-set
   ratio of the product words without brand and variants; brand agreement (1 same, 0
   different, with one brand unknown 0.9 x how well the known brand fits the other name);
   size, pack, variant and category agreement (1 equal, 0.5 unknown, 0 different); size ratio;
   variant Jaccard; agreement of the numbers left in the names; learned-variant agreement
   (1 none missing, 0.5 one name has a learned variant word the other lacks, 0 both do).
5. **Score**: a trained :class:`MatchClassifier` (method ``"model"``), or without one the
   rule-based scorer :func:`score_with_rules` (method ``"rules"``).
6. **Hard rule**: a pair whose sizes or pack counts differ, whose lexicon variants differ
   (flavour, Zero, Light, Premium...) or where each name has a learned variant word the other
   lacks scores 0, whatever the name similarity or the classifier says.
7. **One to one**: pairs scoring at least ``threshold`` are taken greedily, best score first
   (ties go to the pair with the higher mean feature), each id at most once.

:func:`train_match_classifier` learns the classifier from confirmed pairs: positives are the
confirmed pairs; negatives are the other blocked candidates (similar names, same brand and
size), hard negatives (the same brand with another size or variant; another brand with the
same size and variant), a few random pairs, and copies of the positives with the brand
agreement set to 0.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, Self, TypeVar

import joblib  # type: ignore[import-untyped]
import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz import fuzz, process
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from pulso.errors import InputError, ModelNotFittedError
from pulso.ingest.sizes import PackSize, parse_size
from pulso.pricing.names import (
    BrandLexicon,
    ParsedName,
    abbreviated_words,
    fold_accents,
    parse_name,
)

__all__ = [
    "FEATURE_NAMES",
    "MATCH_COLUMNS",
    "MatchClassifier",
    "evaluate_matches",
    "match_listings",
    "pair_features",
    "score_with_rules",
    "train_match_classifier",
]

logger = logging.getLogger(__name__)

ID, NAME, BRAND, EAN, SIZE, CATEGORY = "id", "name", "brand", "ean", "size", "category"
LEFT_ID, RIGHT_ID, SCORE, METHOD = "left_id", "right_id", "score", "method"
MATCH_COLUMNS = (LEFT_ID, RIGHT_ID, SCORE, METHOD)
FEATURE_NAMES = (
    "name_token_set",
    "name_partial",
    "name_wratio",
    "name_token_sort",
    "core_token_set",
    "brand_agreement",
    "size_agreement",
    "size_ratio",
    "pack_agreement",
    "variant_agreement",
    "variant_jaccard",
    "category_agreement",
    "number_agreement",
    "learned_variant_agreement",
)
_DEFAULT_TOP_K = 4
_ALL_PAIRS_MAX = 25
_UNKNOWN = 0.5
_EAN_LENGTHS = range(8, 15)
_NUMBER = re.compile(r"\d")
_WORD = re.compile(r"[a-z]{4,}")
_SAME_WORD_RATIO = 80.0

Pairs = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]
Model = Literal["gbm", "logistic"]
_Key = TypeVar("_Key", bound=Hashable)


@dataclass(frozen=True, slots=True)
class _Side:
    """One frame's rows, parsed once."""

    ids: npt.NDArray[np.object_]
    names: list[ParsedName]
    eans: list[str | None]
    categories: list[str | None]
    variant_words: frozenset[str] = frozenset()

    def __len__(self) -> int:
        return len(self.names)


class MatchClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Probability that a candidate pair is the same product, from :data:`FEATURE_NAMES`.

    ``model="gbm"`` is a histogram gradient boosting classifier, by default (``monotonic``)
    constrained to be monotone increasing in every feature (more alike never lowers the
    score); ``"logistic"`` is a logistic regression (the features are already in [0, 1]).
    Follows the scikit-learn estimator contract.
    """

    def __init__(
        self,
        model: Model = "gbm",
        *,
        max_iter: int = 200,
        learning_rate: float = 0.1,
        monotonic: bool = True,
        random_state: int | None = None,
    ) -> None:
        self.model = model
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.monotonic = monotonic
        self.random_state = random_state

    def fit(self, X: npt.ArrayLike, y: npt.ArrayLike) -> Self:
        """Fit on a feature matrix and 0/1 labels (1 = same product); return ``self``."""
        X_checked, y_checked = validate_data(self, X, y)
        check_classification_targets(y_checked)
        if self.model == "gbm":
            estimator: BaseEstimator = HistGradientBoostingClassifier(
                max_iter=self.max_iter,
                learning_rate=self.learning_rate,
                monotonic_cst=self._monotonic_constraints(X_checked, y_checked),
                random_state=self.random_state,
            )
        elif self.model == "logistic":
            estimator = LogisticRegression(max_iter=max(self.max_iter, 100), C=10.0)
        else:
            raise ValueError(f"model must be 'gbm' or 'logistic', got {self.model!r}")
        self.estimator_ = estimator.fit(X_checked, y_checked)
        self.classes_ = self.estimator_.classes_
        self.n_iter_ = int(np.max(self.estimator_.n_iter_))
        return self

    def _monotonic_constraints(
        self, X: npt.NDArray[np.float64], y: npt.NDArray[np.generic]
    ) -> list[int] | None:
        # scikit-learn supports monotonic constraints for two classes only
        if not self.monotonic or len(np.unique(y)) != 2:
            return None
        return [1] * X.shape[1]

    def predict_proba(self, X: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Return class probabilities, one column per class in ``classes_``."""
        check_is_fitted(self)
        X_checked = validate_data(self, X, reset=False)
        return np.asarray(self.estimator_.predict_proba(X_checked), dtype=np.float64)

    def predict(self, X: npt.ArrayLike) -> npt.NDArray[np.generic]:
        """Return the most probable class of each row."""
        probabilities = self.predict_proba(X)
        classes: npt.NDArray[np.generic] = np.asarray(self.classes_)
        predicted: npt.NDArray[np.generic] = classes[probabilities.argmax(axis=1)]
        return predicted

    def match_probability(self, X: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Return the probability of the class 1 ("same product") for each row."""
        probabilities = self.predict_proba(X)
        positive = np.flatnonzero(np.asarray(self.classes_) == 1)
        return probabilities[:, positive[0]] if positive.size else np.zeros(len(probabilities))

    def save(self, path: Path) -> Path:
        """Write the fitted classifier to ``path`` with joblib and return the path."""
        check_is_fitted(self)
        joblib.dump(self, path)
        return path

    @classmethod
    def load(cls, path: Path) -> MatchClassifier:
        """Read a classifier written by :meth:`save` (only load files you trust: pickle)."""
        loaded = joblib.load(path)
        if not isinstance(loaded, cls):
            raise InputError(f"not a MatchClassifier but {type(loaded).__name__}", file=str(path))
        return loaded


def match_listings(
    left: pd.DataFrame,
    right: pd.DataFrame,
    *,
    classifier: MatchClassifier | None = None,
    threshold: float = 0.5,
    brands: Iterable[str] = (),
    top_k: int = _DEFAULT_TOP_K,
) -> pd.DataFrame:
    """Match the rows of ``left`` and ``right`` one to one (see the module docstring).

    Returns one row per matched pair with :data:`MATCH_COLUMNS`: ``left_id``, ``right_id``,
    ``score`` in [0, 1] and ``method`` (``"ean"``, ``"model"`` or ``"rules"``). ``brands``
    adds known brand names to those read from the frames' ``brand`` columns.
    """
    if classifier is not None:
        _require_fitted(classifier)
    left_side, right_side = _prepare_sides(left, right, brands=brands)
    ean_pairs = _ean_pairs(left_side, right_side)
    left_rest = np.setdiff1d(np.arange(len(left_side)), ean_pairs[0])
    right_rest = np.setdiff1d(np.arange(len(right_side)), ean_pairs[1])
    candidates = _candidate_pairs(left_side, right_side, left_rest, right_rest, top_k=top_k)
    features = _features(left_side, right_side, candidates)
    if classifier is None:
        scores = score_with_rules(features)
    else:
        scores = classifier.match_probability(features)
    scores = np.where(_hard_conflicts(left_side, right_side, candidates), 0.0, scores)
    chosen = _greedy_one_to_one(
        candidates, scores, tiebreak=features.mean(axis=1), threshold=threshold
    )
    method = "rules" if classifier is None else "model"
    logger.info(
        "matched %d pairs by EAN and %d by %s among %d candidate pairs (%d x %d rows)",
        len(ean_pairs[0]),
        len(chosen),
        method,
        len(candidates[0]),
        len(left_side),
        len(right_side),
    )
    return _match_frame(
        left_side,
        right_side,
        [(ean_pairs, np.ones(len(ean_pairs[0])), "ean"),
         ((candidates[0][chosen], candidates[1][chosen]), scores[chosen], method)],
    )  # fmt: skip


def pair_features(left: pd.DataFrame, right: pd.DataFrame, *, pairs: pd.DataFrame) -> pd.DataFrame:
    """Return the :data:`FEATURE_NAMES` of the ``left_id, right_id`` pairs in ``pairs``."""
    left_side, right_side = _prepare_sides(left, right)
    positions = _positions(left_side, right_side, pairs)
    return pd.DataFrame(_features(left_side, right_side, positions), columns=list(FEATURE_NAMES))


def score_with_rules(features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Score candidate pairs without a trained model (columns in :data:`FEATURE_NAMES` order).

    Name similarity is a weighted mean: 35 % token-set ratio of the names, 25 % token-set
    ratio of the product words, 20 % WRatio, 20 % partial ratio. It is multiplied by
    ``0.6 + 0.4 * brand_agreement`` (0.6 when the brands differ; 0.95 when both are unknown),
    0.95 when categories differ (shops name them differently), 0.85 when one name has a
    learned variant word the other lacks and 0.7 when the numbers in the names disagree, then
    stretched so that 0.7 maps to 0 and 0.9 to 1. Among equal scores, matching prefers the pair
    whose features are higher on average.
    """
    column = {name: features[:, index] for index, name in enumerate(FEATURE_NAMES)}
    similarity = (
        0.35 * column["name_token_set"]
        + 0.25 * column["core_token_set"]
        + 0.2 * column["name_wratio"]
        + 0.2 * column["name_partial"]
    )
    agreement = column["brand_agreement"]
    brand = np.where(agreement == _UNKNOWN, 0.95, 0.6 + 0.4 * agreement)
    category = np.where(column["category_agreement"] == 0.0, 0.95, 1.0)
    numbers = np.where(column["number_agreement"] < _UNKNOWN, 0.7, 1.0)
    learned = np.where(column["learned_variant_agreement"] < 1.0, 0.85, 1.0)
    adjusted = similarity * brand * category * numbers * learned
    return np.clip((adjusted - 0.7) / 0.2, 0.0, 1.0)


def train_match_classifier(
    pairs: pd.DataFrame,
    left: pd.DataFrame,
    right: pd.DataFrame,
    *,
    seed: int,
    model: Model = "gbm",
    top_k: int = _DEFAULT_TOP_K,
    random_negatives: int = 2,
) -> MatchClassifier:
    """Train a :class:`MatchClassifier` from confirmed ``left_id, right_id`` pairs.

    Every row of ``right`` is taken as labelled: a right row without a confirmed pair has no
    counterpart in ``left``. Negatives are the blocked candidates that are not confirmed, hard
    negatives (for each confirmed pair, up to three left rows of the same brand with another
    size or variant and three of another brand with the same size and variants),
    ``random_negatives`` random pairs per confirmed pair, and each confirmed pair's features
    with the brand agreement set to 0: the same words under another brand (a shop's own
    label) are another product, even where the names are as alike as ``A1``/``Real`` ones.
    """
    left_side, right_side = _prepare_sides(left, right)
    positives = _positions(left_side, right_side, pairs)
    if len(positives[0]) == 0:
        raise InputError("no confirmed pair has both ids in the listings", column=LEFT_ID)
    rng = np.random.default_rng(seed)
    everything = (np.arange(len(left_side)), np.arange(len(right_side)))
    candidates = _candidate_pairs(left_side, right_side, *everything, top_k=top_k)
    hard = _hard_negatives(left_side, positives, rng=rng)
    count = random_negatives * len(positives[0])
    random_pairs = (
        rng.integers(0, len(left_side), count),
        rng.integers(0, len(right_side), count),
    )
    all_pairs = _unique_pairs([candidates, positives, hard, random_pairs])
    positive_keys = set(zip(positives[0].tolist(), positives[1].tolist(), strict=True))
    labels = np.array(
        [(a, b) in positive_keys for a, b in zip(*all_pairs, strict=True)], dtype=np.int64
    )
    features = _features(left_side, right_side, all_pairs)
    other_brand = features[labels == 1].copy()
    other_brand[:, FEATURE_NAMES.index("brand_agreement")] = 0.0
    features = np.vstack([features, other_brand])
    labels = np.concatenate([labels, np.zeros(len(other_brand), dtype=np.int64)])
    logger.info(
        "training the match classifier on %d pairs (%d positive)", len(labels), labels.sum()
    )
    return MatchClassifier(model, random_state=seed).fit(features, labels)


def evaluate_matches(predicted: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """Precision, recall and F1 of predicted ``left_id, right_id`` pairs against the truth.

    ``truth`` lists the true pairs only. Returns ``precision``, ``recall``, ``f1``,
    ``n_true`` and ``n_pred`` (precision and recall are 0 when there is nothing to divide).
    """
    predicted_pairs = _pair_set(predicted)
    true_pairs = _pair_set(truth)
    correct = len(predicted_pairs & true_pairs)
    precision = correct / len(predicted_pairs) if predicted_pairs else 0.0
    recall = correct / len(true_pairs) if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "n_true": float(len(true_pairs)),
        "n_pred": float(len(predicted_pairs)),
    }


def _pair_set(frame: pd.DataFrame) -> set[tuple[str, str]]:
    _require_columns(frame, (LEFT_ID, RIGHT_ID), what="pairs")
    return set(
        zip(frame[LEFT_ID].astype(str).tolist(), frame[RIGHT_ID].astype(str).tolist(), strict=True)
    )


def _require_fitted(classifier: MatchClassifier) -> None:
    try:
        check_is_fitted(classifier)
    except NotFittedError as exc:
        raise ModelNotFittedError(
            "the match classifier is not trained: call fit or train_match_classifier first"
        ) from exc


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], *, what: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise InputError(f"{what} lack the columns {missing}", column=missing[0])


def _brand_values(frame: pd.DataFrame) -> list[str]:
    if BRAND not in frame.columns:
        return []
    return [str(value) for value in frame[BRAND].dropna().unique() if str(value).strip()]


def _optional_texts(frame: pd.DataFrame, column: str) -> list[str | None]:
    if column not in frame.columns:
        return [None] * len(frame)
    return [
        None if pd.isna(value) or not str(value).strip() else str(value) for value in frame[column]
    ]


def _prepare_sides(
    left: pd.DataFrame, right: pd.DataFrame, *, brands: Iterable[str] = ()
) -> tuple[_Side, _Side]:
    frames = (left, right)
    lexicon = BrandLexicon([*brands, *_brand_values(left), *_brand_values(right)])
    sides = [_prepare(frame, lexicon) for frame in frames]
    abbreviated = [[abbreviated_words(name) for name in _names(frame)] for frame in frames]
    if any(words for rows in abbreviated for words in rows):
        vocabulary = _Vocabulary.build(frames, sides, abbreviated)
        sides = [
            _expand(frame, side, lexicon, expansions=vocabulary.expansions(side, rows))
            for frame, side, rows in zip(frames, sides, abbreviated, strict=True)
        ]
    words = _learn_variant_words(sides[0]) | _learn_variant_words(sides[1])
    return replace(sides[0], variant_words=words), replace(sides[1], variant_words=words)


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    """Word counts of the listing names, per brand and overall, to expand abbreviations."""

    by_brand: dict[str | None, Counter[str]]
    overall: Counter[str]

    @classmethod
    def build(
        cls,
        frames: Sequence[pd.DataFrame],
        sides: Sequence[_Side],
        abbreviated: Sequence[list[frozenset[str]]],
    ) -> _Vocabulary:
        short = frozenset().union(*(words for rows in abbreviated for words in rows))
        by_brand: dict[str | None, Counter[str]] = defaultdict(Counter)
        for frame, side in zip(frames, sides, strict=True):
            for raw, name in zip(_names(frame), side.names, strict=True):
                words = _WORD.findall(fold_accents(raw))
                by_brand[name.brand].update(word for word in words if word not in short)
        overall: Counter[str] = sum(by_brand.values(), Counter())
        return cls(dict(by_brand), overall)

    def expansions(self, side: _Side, abbreviated: list[frozenset[str]]) -> list[dict[str, str]]:
        """Per row of ``side``, its abbreviated words mapped to full words."""
        return [
            self.expand(words, name.brand) if words else {}
            for words, name in zip(abbreviated, side.names, strict=True)
        ]

    def expand(self, words: frozenset[str], brand: str | None) -> dict[str, str]:
        """The most frequent longer word starting with each abbreviation, same brand first."""
        expansions: dict[str, str] = {}
        for word in words:
            for counts in (self.by_brand.get(brand, Counter()), self.overall):
                longer = [
                    (count, full)
                    for full, count in counts.items()
                    if full.startswith(word) and full != word
                ]
                if longer:
                    expansions[word] = max(longer)[1]
                    break
        return expansions


def _learn_variant_words(side: _Side) -> frozenset[str]:
    """Words that tell apart two rows of the same brand and size (``tallarin``, ``rubia``)."""
    groups = _group_many(side, range(len(side)), _brand_size_keys)
    words: set[str] = set()
    for rows in groups.values():
        if len(rows) > 1:
            token_sets = [frozenset(side.names[row].core.split()) for row in rows]
            words |= frozenset.union(*token_sets) - frozenset.intersection(*token_sets)
    return frozenset(word for word in words if not _NUMBER.search(word))


def _brand_size_keys(side: _Side, row: int) -> list[tuple[str, tuple[str, float, int]]]:
    name = side.names[row]
    size = _size_key(name.size)
    return [] if name.brand is None or size is None else [(name.brand, size)]


def _prepare(frame: pd.DataFrame, lexicon: BrandLexicon) -> _Side:
    _require_columns(frame, (ID, NAME), what="listings")
    missing = np.flatnonzero(frame[ID].isna().to_numpy())
    if missing.size:
        raise InputError(f"{missing.size} listings have no id", row=int(missing[0]) + 1, column=ID)
    brands, sizes = _optional_texts(frame, BRAND), _field_sizes(frame)
    names = [
        parse_name(name, brands=lexicon, brand=brands[row], size=sizes[row])
        for row, name in enumerate(_names(frame))
    ]
    categories = [
        None if value is None else fold_accents(value).strip()
        for value in _optional_texts(frame, CATEGORY)
    ]
    eans = [_normalize_ean(value) for value in _optional_texts(frame, EAN)]
    return _Side(frame[ID].to_numpy(dtype=object), names, eans, categories)


def _expand(
    frame: pd.DataFrame,
    side: _Side,
    lexicon: BrandLexicon,
    *,
    expansions: Sequence[Mapping[str, str]],
) -> _Side:
    """Parse again the names whose abbreviations have an expansion."""
    brands, sizes = _optional_texts(frame, BRAND), _field_sizes(frame)
    names = [
        parse_name(raw, brands=lexicon, brand=brands[row], size=sizes[row], expansions=found)
        if found
        else side.names[row]
        for row, (raw, found) in enumerate(zip(_names(frame), expansions, strict=True))
    ]
    return replace(side, names=names)


def _names(frame: pd.DataFrame) -> list[str]:
    return [str(name) for name in frame[NAME].fillna("")]


def _field_sizes(frame: pd.DataFrame) -> list[PackSize | None]:
    return [None if size is None else parse_size(size) for size in _optional_texts(frame, SIZE)]


def _normalize_ean(value: str | None) -> str | None:
    if value is None:
        return None
    digits = value.strip().removesuffix(".0")
    if not digits.isdigit() or len(digits) not in _EAN_LENGTHS:
        return None
    return digits.lstrip("0") or None


def _ean_pairs(left: _Side, right: _Side) -> Pairs:
    by_ean: dict[str, int] = {}
    for index, ean in enumerate(right.eans):
        if ean is not None:
            by_ean.setdefault(ean, index)
    pairs = [(index, by_ean.pop(ean)) for index, ean in enumerate(left.eans) if ean in by_ean]
    return _as_pairs(pairs)


def _as_pairs(pairs: Sequence[tuple[int, int]]) -> Pairs:
    if not pairs:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    array = np.asarray(pairs, dtype=np.int64)
    return array[:, 0], array[:, 1]


def _size_key(size: PackSize | None) -> tuple[str, float, int] | None:
    return None if size is None else (size.unit, round(size.quantity, 1), size.pack_count)


def _candidate_pairs(
    left: _Side,
    right: _Side,
    left_rows: npt.NDArray[np.int64],
    right_rows: npt.NDArray[np.int64],
    *,
    top_k: int,
) -> Pairs:
    """Blocked candidate pairs (positions into ``left`` and ``right``), never the full product."""
    found: set[tuple[int, int]] = set()
    left_blocks = _group_many(left, left_rows, _block_keys)
    right_blocks = _group_many(right, right_rows, _block_keys)
    for key, lefts in left_blocks.items():
        if key in right_blocks:
            found |= _block_pairs(left, right, lefts, right_blocks[key], top_k=top_k)
    left_orphans = sorted(set(left_rows.tolist()) - {pair[0] for pair in found})
    right_orphans = sorted(set(right_rows.tolist()) - {pair[1] for pair in found})
    found |= _orphan_pairs(left, right, left_orphans, right_rows, top_k=top_k, flip=False)
    found |= _orphan_pairs(right, left, right_orphans, left_rows, top_k=top_k, flip=True)
    return _as_pairs(sorted(found))


def _block_keys(side: _Side, row: int) -> list[tuple[object, ...]]:
    """Brand, size and variants; a name opening with a flavour goes to the blocks with and
    without that flavour. Rows lacking the brand or the size are left to the fallback."""
    name = side.names[row]
    size = _size_key(name.size)
    if name.brand is None or size is None:
        return []
    keys: list[tuple[object, ...]] = [(name.brand, size, name.variants)]
    if name.head_flavour is not None:
        keys.append((name.brand, size, name.variants - {name.head_flavour}))
    return keys


def _group(
    side: _Side, rows: Iterable[int], key: Callable[[_Side, int], _Key]
) -> dict[_Key, list[int]]:
    groups: dict[_Key, list[int]] = defaultdict(list)
    for row in rows:
        groups[key(side, row)].append(int(row))
    return groups


def _group_many(
    side: _Side, rows: Iterable[int], keys: Callable[[_Side, int], list[_Key]]
) -> dict[_Key, list[int]]:
    groups: dict[_Key, list[int]] = defaultdict(list)
    for row in rows:
        for key in keys(side, row):
            groups[key].append(int(row))
    return groups


def _block_pairs(
    left: _Side, right: _Side, lefts: list[int], rights: list[int], *, top_k: int
) -> set[tuple[int, int]]:
    if len(lefts) * len(rights) <= _ALL_PAIRS_MAX:
        return {(a, b) for a in lefts for b in rights}
    forward = _top_k(left, right, lefts, rights, top_k=top_k)
    backward = _top_k(right, left, rights, lefts, top_k=top_k)
    return forward | {(a, b) for b, a in backward}


def _top_k(
    queries: _Side, choices: _Side, query_rows: list[int], choice_rows: list[int], *, top_k: int
) -> set[tuple[int, int]]:
    """For each query row, the ``top_k`` choice rows by token-set plus token-sort ratio."""
    if not query_rows or not choice_rows:
        return set()
    query_texts = [queries.names[row].text for row in query_rows]
    choice_texts = [choices.names[row].text for row in choice_rows]
    similarity = sum(
        process.cdist(query_texts, choice_texts, scorer=scorer, dtype=np.uint8, workers=1).astype(
            np.int16
        )
        for scorer in (fuzz.token_set_ratio, fuzz.token_sort_ratio)
    )
    keep = min(top_k, len(choice_rows))
    best = np.argpartition(-similarity, keep - 1, axis=1)[:, :keep]
    choice_array = np.asarray(choice_rows)
    return {
        (query, int(choice))
        for query, row in zip(query_rows, choice_array[best], strict=True)
        for choice in row
    }


def _orphan_pairs(
    side: _Side,
    other: _Side,
    orphans: list[int],
    other_rows: npt.NDArray[np.int64],
    *,
    top_k: int,
    flip: bool,
) -> set[tuple[int, int]]:
    """Candidates for rows without one: same size, else same brand, else same first word."""
    other_blocks = _group(other, other_rows, _fallback_key)
    orphan_blocks = _group(side, orphans, _fallback_key)
    found: set[tuple[int, int]] = set()
    for key, rows in orphan_blocks.items():
        pairs = _top_k(side, other, rows, other_blocks.get(key, []), top_k=top_k)
        found |= {(b, a) for a, b in pairs} if flip else pairs
    return found


def _fallback_key(side: _Side, row: int) -> tuple[str, object]:
    name = side.names[row]
    if name.size is not None:
        return "size", _size_key(name.size)
    if name.brand is not None:
        return "brand", name.brand
    return "word", name.text.split(" ", 1)[0]


def _unique_pairs(pair_lists: Sequence[Pairs]) -> Pairs:
    stacked = np.unique(
        np.column_stack(
            [np.concatenate([pairs[0] for pairs in pair_lists]),
             np.concatenate([pairs[1] for pairs in pair_lists])]
        ),
        axis=0,
    )  # fmt: skip
    return stacked[:, 0].astype(np.int64), stacked[:, 1].astype(np.int64)


def _hard_negatives(left: _Side, positives: Pairs, *, rng: np.random.Generator) -> Pairs:
    """Per confirmed pair, left rows paired with its right row that look alike but are not it:
    up to three of the same brand with another size or variant, and up to three of another
    brand with the same size and variants (what a shop's own brand looks like)."""
    by_brand = _group(left, range(len(left)), lambda side, row: side.names[row].brand)
    by_size = _group(left, range(len(left)), _size_variant_key)
    pairs: list[tuple[int, int]] = []
    for left_row, right_row in zip(*positives, strict=True):
        name = left.names[left_row]
        same_brand = [
            row
            for row in by_brand.get(name.brand, []) if name.brand is not None
            and (_size_key(left.names[row].size) != _size_key(name.size)
                 or bool(left.names[row].differing_variants(name)))
        ]  # fmt: skip
        other_brand = [
            row
            for row in by_size.get(_size_variant_key(left, left_row), [])
            if left.names[row].brand != name.brand
        ]
        for rows in (same_brand, other_brand):
            chosen = rng.permutation(np.asarray(rows, dtype=np.int64))[:3]
            pairs.extend((int(row), int(right_row)) for row in chosen)
    return _as_pairs(pairs)


def _size_variant_key(side: _Side, row: int) -> tuple[object, ...]:
    name = side.names[row]
    return _size_key(name.size), name.variants


def _positions(left: _Side, right: _Side, pairs: pd.DataFrame) -> Pairs:
    _require_columns(pairs, (LEFT_ID, RIGHT_ID), what="pairs")
    left_index = {str(value): index for index, value in enumerate(left.ids)}
    right_index = {str(value): index for index, value in enumerate(right.ids)}
    found = [
        (left_index[str(a)], right_index[str(b)])
        for a, b in zip(pairs[LEFT_ID], pairs[RIGHT_ID], strict=True)
        if str(a) in left_index and str(b) in right_index
    ]
    return _as_pairs(found)


def _features(left: _Side, right: _Side, pairs: Pairs) -> npt.NDArray[np.float64]:
    features = np.empty((len(pairs[0]), len(FEATURE_NAMES)), dtype=np.float64)
    for index, (a, b) in enumerate(zip(pairs[0].tolist(), pairs[1].tolist(), strict=True)):
        features[index] = _pair_row(left, right, a, b)
    return features


def _pair_row(left: _Side, right: _Side, a: int, b: int) -> list[float]:
    one, two = left.names[a], right.names[b]
    size_key_one, size_key_two = _size_key(one.size), _size_key(two.size)
    differing = one.differing_variants(two)
    name_set = fuzz.token_set_ratio(one.text, two.text) / 100
    return [
        name_set,
        fuzz.partial_ratio(one.text, two.text) / 100,
        fuzz.WRatio(one.text, two.text) / 100,
        fuzz.token_sort_ratio(one.text, two.text) / 100,
        fuzz.token_set_ratio(one.core, two.core) / 100 if one.core and two.core else name_set,
        _brand_agreement(one, two),
        _agreement(size_key_one, size_key_two),
        _size_ratio(one.size, two.size),
        _agreement(*(None if s is None else s.pack_count for s in (one.size, two.size))),
        float(not differing),
        _variant_jaccard(one, two, differing),
        _agreement(left.categories[a], right.categories[b]),
        _number_agreement(one.numbers, two.numbers),
        _learned_variant_agreement(one, two, left.variant_words),
    ]


def _agreement(one: object, two: object) -> float:
    if one is None or two is None:
        return _UNKNOWN
    return float(one == two)


def _brand_agreement(one: ParsedName, two: ParsedName) -> float:
    """1 or 0 when both brands are known; with one known, 0.9 x how well it fits the other name."""
    if one.brand is not None and two.brand is not None:
        return float(one.brand == two.brand)
    if one.brand is None and two.brand is None:
        return _UNKNOWN
    known, other = (one.brand, two.text) if one.brand is not None else (two.brand or "", one.text)
    return 0.9 * fuzz.partial_ratio(known, other.replace(" ", "")) / 100


def _size_ratio(one: PackSize | None, two: PackSize | None) -> float:
    if one is None or two is None:
        return _UNKNOWN
    if one.unit != two.unit or not one.total or not two.total:
        return 0.0
    return min(one.total, two.total) / max(one.total, two.total)


def _jaccard(one: frozenset[str], two: frozenset[str]) -> float:
    union = one | two
    return len(one & two) / len(union) if union else 1.0


def _variant_jaccard(one: ParsedName, two: ParsedName, differing: frozenset[str]) -> float:
    union = one.variants | two.variants
    return 1.0 - len(differing) / len(union) if union else 1.0


def _number_agreement(one: frozenset[str], two: frozenset[str]) -> float:
    if not one and not two:
        return 1.0
    if not one or not two:
        return _UNKNOWN
    return 0.4 * _jaccard(one, two) + (0.6 if one == two else 0.0)


def _learned_variant_agreement(one: ParsedName, two: ParsedName, words: frozenset[str]) -> float:
    """1 when neither name has a learned variant word the other lacks, 0.5 when one has, 0 when
    both have (a contradiction such as ``spaghetti`` against ``tallarin``)."""
    extra_one, extra_two = (
        _extra_variant_words(one, two, words),
        _extra_variant_words(two, one, words),
    )
    return 1.0 - _UNKNOWN * (bool(extra_one) + bool(extra_two))


def _extra_variant_words(one: ParsedName, two: ParsedName, words: frozenset[str]) -> list[str]:
    """Learned variant words of ``one`` that ``two`` lacks, even written a little differently."""
    other = two.text.split()
    return [
        word
        for word in set(one.core.split()) & words
        if not any(_same_word(word, token) for token in other)
    ]


def _same_word(one: str, two: str) -> bool:
    """Alike (``fideo``/``fideos``) or one abbreviates the other (``gall``/``galletas``)."""
    shorter, longer = sorted((one, two), key=len)
    return (len(shorter) >= 3 and longer.startswith(shorter)) or (
        fuzz.ratio(one, two) >= _SAME_WORD_RATIO
    )


def _hard_conflicts(left: _Side, right: _Side, pairs: Pairs) -> npt.NDArray[np.bool_]:
    """True where sizes, pack counts or variants differ: such pairs are never matches.

    Variants are those of the lexicon (:meth:`ParsedName.differing_variants`) and the learned
    variant words when each name has one the other lacks."""
    conflicts = np.zeros(len(pairs[0]), dtype=bool)
    for index, (a, b) in enumerate(zip(pairs[0].tolist(), pairs[1].tolist(), strict=True)):
        one, two = left.names[a], right.names[b]
        size_one, size_two = _size_key(one.size), _size_key(two.size)
        sizes_differ = size_one is not None and size_two is not None and size_one != size_two
        conflicts[index] = (
            sizes_differ
            or bool(one.differing_variants(two))
            or (
                bool(_extra_variant_words(one, two, left.variant_words))
                and bool(_extra_variant_words(two, one, left.variant_words))
            )
        )
    return conflicts


def _greedy_one_to_one(
    pairs: Pairs,
    scores: npt.NDArray[np.float64],
    *,
    tiebreak: npt.NDArray[np.float64],
    threshold: float,
) -> npt.NDArray[np.int64]:
    """Positions of the pairs kept: best score first (ties: best ``tiebreak``), each left and
    right row at most once."""
    order = np.lexsort((-tiebreak, -scores))
    order = order[scores[order] >= threshold]
    used_left: set[int] = set()
    used_right: set[int] = set()
    kept: list[int] = []
    for position in order.tolist():
        a, b = int(pairs[0][position]), int(pairs[1][position])
        if a not in used_left and b not in used_right and scores[position] > 0.0:
            used_left.add(a)
            used_right.add(b)
            kept.append(position)
    return np.asarray(kept, dtype=np.int64)


def _match_frame(
    left: _Side,
    right: _Side,
    parts: Sequence[tuple[Pairs, npt.NDArray[np.float64], str]],
) -> pd.DataFrame:
    frames = [
        pd.DataFrame(
            {
                LEFT_ID: left.ids[pairs[0]],
                RIGHT_ID: right.ids[pairs[1]],
                SCORE: np.asarray(scores, dtype=np.float64),
                METHOD: method,
            }
        )
        for pairs, scores, method in parts
    ]
    result = pd.concat(frames, ignore_index=True)
    return result.sort_values(SCORE, ascending=False, kind="stable", ignore_index=True)
