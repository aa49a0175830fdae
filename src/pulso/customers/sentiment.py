"""Feedback sentiment: a locally trained classifier, weak labels, evaluation and analysis.

:class:`SentimentClassifier` is TF-IDF over word 1-2-grams and character 2-5-grams
(``char_wb``), plus the lexicon's reading of the text (:class:`LexiconFeatures`: its score and
how many clauses it reads as positive and negative; ``lexicon_weight=0`` leaves it out),
feeding a class-balanced logistic regression, trained here with scikit-learn; nothing is
downloaded. Text is normalised first (accents folded, lengthening undone, emojis
turned into ``_emo_pos_`` / ``_emo_neg_`` tokens, and for the word features the three words
after a negator prefixed with ``no_``).

Labels come from ratings (:func:`labels_from_ratings`: 4-5 positive, 3 neutral, 1-2
negative). :func:`train_sentiment_model` falls back to the lexicon scorer
(:class:`~pulso.customers.lexicon.LexiconSentiment`) when fewer than ``min_labeled`` rated
reviews exist. :func:`analyze_feedback` gives the overall label and score (``P(positive) -
P(negative)`` from the classifier, or the lexicon score) plus per-aspect sentiment.
"""

from __future__ import annotations

import json
import logging
import math
import pickle
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.validation import check_is_fitted

from pulso import __version__
from pulso.customers.aspects import AspectSentiment, extract_aspects
from pulso.customers.lexicon import (
    SENTIMENT_LABELS,
    LexiconSentiment,
    load_lexicon,
    score_text,
    squash_score,
)
from pulso.customers.text import check_texts, split_clauses, tokenize
from pulso.errors import InputError, ModelNotFittedError, SourceError

__all__ = [
    "ClassMetrics",
    "FeedbackSentiment",
    "LexiconFeatures",
    "SentimentClassifier",
    "SentimentEvaluation",
    "analyze_feedback",
    "analyze_feedback_batch",
    "evaluate_sentiment",
    "labels_from_ratings",
    "load_sentiment_model",
    "prepare_text",
    "read_model_metadata",
    "save_sentiment_model",
    "train_sentiment_model",
]

logger = logging.getLogger(__name__)

_MODEL_FILE = "model.pkl"
_METADATA_FILE = "metadata.json"
_NEGATION_SCOPE = 3


@lru_cache(maxsize=8192)
def _normalised_clauses(text: str) -> tuple[tuple[str, ...], ...]:
    lexicon = load_lexicon()
    clauses = split_clauses(text, contrast_markers=lexicon.contrast_markers)
    normalised = []
    for clause in clauses:
        tokens = []
        for token in tokenize(clause.text):
            emoji = lexicon.emojis.entries.get((token,))
            if emoji is None:
                tokens.append(lexicon.canonical(token))
            else:
                tokens.append("_emo_pos_" if emoji > 0 else "_emo_neg_" if emoji < 0 else "_emo_")
        normalised.append(tuple(tokens))
    return tuple(normalised)


def prepare_text(text: str, *, mark_negation: bool = False) -> str:
    """Normalised text the classifier reads; clauses are joined with ``" | "``.

    With ``mark_negation`` the three words after a negator get a ``no_`` prefix
    (``"no estaba rico"`` -> ``"no no_estaba no_rico"``).

    >>> prepare_text("Riquísimoooo 😍 pero CARO")
    'riquisimo _emo_pos_ | pero caro'
    """
    negators = load_lexicon().negators
    parts = []
    for tokens in _normalised_clauses(text):
        if mark_negation:
            tokens = _mark_negation(tokens, negators)
        parts.append(" ".join(tokens))
    return " | ".join(parts)


def _mark_negation(tokens: tuple[str, ...], negators: frozenset[str]) -> tuple[str, ...]:
    marked, scope = [], 0
    for token in tokens:
        marked.append(f"no_{token}" if scope > 0 else token)
        negates = token in negators or token.endswith("n't")
        scope = _NEGATION_SCOPE if negates else max(scope - 1, 0)
    return tuple(marked)


def _words(text: str) -> str:
    return prepare_text(text, mark_negation=True)


def _characters(text: str) -> str:
    return prepare_text(text)


class SentimentClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """TF-IDF word + character n-grams (+ lexicon features) -> balanced logistic regression.

    Follows the scikit-learn estimator contract on sequences of texts: ``fit(texts,
    labels)`` returns ``self``; ``predict``, ``predict_proba`` and ``classes_`` as usual.
    Labels must be ``negative``, ``neutral`` or ``positive`` (at least two of them).
    """

    def __init__(
        self,
        *,
        C: float = 4.0,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (2, 5),
        min_df: int = 1,
        max_iter: int = 2000,
        lexicon_weight: float = 1.0,
    ) -> None:
        self.C = C
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.max_iter = max_iter
        self.lexicon_weight = lexicon_weight

    def _build_pipeline(self) -> Pipeline:
        shared = {"lowercase": False, "sublinear_tf": True, "min_df": self.min_df}
        lexicon = [("lexicon", LexiconFeatures(weight=self.lexicon_weight))]
        features = FeatureUnion(
            [
                (
                    "words",
                    TfidfVectorizer(
                        preprocessor=_words,
                        tokenizer=str.split,
                        token_pattern=None,
                        ngram_range=self.word_ngram_range,
                        **shared,
                    ),
                ),
                (
                    "chars",
                    TfidfVectorizer(
                        preprocessor=_characters,
                        analyzer="char_wb",
                        ngram_range=self.char_ngram_range,
                        **shared,
                    ),
                ),
                *(lexicon if self.lexicon_weight > 0 else []),
            ]
        )
        model = LogisticRegression(C=self.C, class_weight="balanced", max_iter=self.max_iter)
        return Pipeline([("features", features), ("model", model)])

    def fit(self, X: Sequence[str], y: Sequence[str]) -> SentimentClassifier:
        """Learn from texts and their labels; returns ``self``."""
        texts = check_texts(X)
        labels = _check_labels(y, n_texts=len(texts))
        self.pipeline_ = self._build_pipeline().fit(texts, labels)
        self.classes_ = np.asarray(self.pipeline_.classes_)
        self.n_train_ = len(texts)
        self.trained_at_ = datetime.now(UTC)
        logger.info("trained sentiment classifier on %d texts, classes %s", len(texts), labels)
        return self

    def predict_proba(self, X: Sequence[str]) -> npt.NDArray[np.float64]:
        """Class probabilities, columns in the order of ``classes_``."""
        _require_fitted(self)
        return np.asarray(self.pipeline_.predict_proba(check_texts(X)), dtype=np.float64)

    def predict(self, X: Sequence[str]) -> npt.NDArray[np.str_]:
        """The most probable label of each text."""
        probabilities = self.predict_proba(X)
        return np.asarray(self.classes_[probabilities.argmax(axis=1)], dtype=np.str_)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


class LexiconFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """The lexicon's reading of each text as dense features for the classifier.

    Columns: the lexicon score; the number of clauses it reads as positive and as negative;
    their balance (positive minus negative clauses) as one-hot buckets (<= -2, -1, 0, 1,
    >= 2); and the lexicon label one-hot. All are multiplied by ``weight``. Stateless: ``fit``
    only validates.
    """

    def __init__(self, *, weight: float = 1.0, neutral_threshold: float = 0.2) -> None:
        self.weight = weight
        self.neutral_threshold = neutral_threshold

    def fit(self, X: Sequence[str], y: Any = None) -> LexiconFeatures:
        """Validate the texts; nothing is learned. Returns ``self``."""
        del y
        check_texts(X)
        self.n_features_out_ = len(_LEXICON_FEATURES)
        return self

    def transform(self, X: Sequence[str]) -> npt.NDArray[np.float64]:
        """One row of :data:`_LEXICON_FEATURES` per text."""
        check_is_fitted(self, "n_features_out_")
        rows = [self._row(text) for text in check_texts(X)]
        return np.asarray(rows, dtype=np.float64).reshape(-1, self.n_features_out_) * self.weight

    def _row(self, text: str) -> list[float]:
        reading = score_text(text, neutral_threshold=self.neutral_threshold)
        signs = [
            math.copysign(1.0, clause.raw)
            for clause in reading.clauses
            if abs(squash_score(clause.raw)) > self.neutral_threshold
        ]
        positive, negative = signs.count(1.0), signs.count(-1.0)
        balance = max(-2, min(2, int(positive - negative)))
        buckets = [float(balance == value) for value in (-2, -1, 0, 1, 2)]
        labels = [float(reading.label == label) for label in SENTIMENT_LABELS]
        return [reading.score, float(positive), float(negative), *buckets, *labels]

    def get_feature_names_out(self, input_features: Any = None) -> npt.NDArray[np.object_]:
        """Names of the columns."""
        del input_features
        return np.asarray(_LEXICON_FEATURES, dtype=object)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


_LEXICON_FEATURES = (
    "lexicon_score",
    "positive_clauses",
    "negative_clauses",
    "balance_le_-2",
    "balance_-1",
    "balance_0",
    "balance_1",
    "balance_ge_2",
    *(f"lexicon_{label}" for label in SENTIMENT_LABELS),
)


class _NotFittedError(ModelNotFittedError, NotFittedError):  # type: ignore[misc]
    """Pulso's not-fitted error that scikit-learn tools also recognise as theirs."""


def _require_fitted(model: SentimentClassifier) -> None:
    try:
        check_is_fitted(model, "pipeline_")
    except NotFittedError as exc:
        raise _NotFittedError(
            "SentimentClassifier is not fitted yet; call fit(texts, labels) first"
        ) from exc


def _check_labels(y: Any, *, n_texts: int) -> list[str]:
    labels = [str(label) for label in y]
    if len(labels) != n_texts:
        raise InputError(f"got {n_texts} texts but {len(labels)} labels")
    unknown = sorted(set(labels) - set(SENTIMENT_LABELS))
    if unknown:
        raise InputError(f"unknown labels {unknown}; expected some of {SENTIMENT_LABELS}")
    if len(set(labels)) < 2:
        raise InputError(f"need at least two distinct labels to train, got {sorted(set(labels))}")
    return labels


def labels_from_ratings(ratings: Iterable[float | np.number[Any]]) -> list[str]:
    """Weak labels from 1-5 star ratings: 4-5 positive, 3 neutral, 1-2 negative.

    Half stars fall to the nearer side: above 3.5 positive, below 2.5 negative.

    >>> labels_from_ratings([5, 3, 1, 4.5])
    ['positive', 'neutral', 'negative', 'positive']
    """
    labels = []
    for row, rating in enumerate(ratings):
        if isinstance(rating, bool) or not isinstance(rating, int | float | np.number):
            raise InputError(f"rating {rating!r} is not a number", row=row, column="rating")
        value = float(rating)
        if not (math.isfinite(value) and 1.0 <= value <= 5.0):
            raise InputError(f"rating {rating!r} is outside 1 to 5", row=row, column="rating")
        labels.append("positive" if value >= 3.75 else "negative" if value <= 2.25 else "neutral")
    return labels


def train_sentiment_model(
    texts: Sequence[str],
    ratings: Sequence[float | None],
    *,
    min_labeled: int = 200,
    classifier: SentimentClassifier | None = None,
) -> SentimentClassifier | LexiconSentiment:
    """Train a classifier on the rated texts, or fall back to the lexicon scorer.

    Texts whose rating is ``None`` or NaN are unlabeled. With fewer than ``min_labeled``
    rated texts, or a single label among them, the lexicon scorer is returned instead.
    """
    all_texts = check_texts(texts)
    if len(all_texts) != len(ratings):
        raise InputError(f"got {len(all_texts)} texts but {len(ratings)} ratings")
    rated = [
        (text, rating)
        for text, rating in zip(all_texts, ratings, strict=True)
        if rating is not None and not (isinstance(rating, float) and math.isnan(rating))
    ]
    labels = labels_from_ratings([rating for _, rating in rated])
    if len(rated) < min_labeled or len(set(labels)) < 2:
        logger.info(
            "%d rated reviews (%d labels), below min_labeled=%d: using the lexicon scorer",
            len(rated),
            len(set(labels)),
            min_labeled,
        )
        return LexiconSentiment().fit(all_texts)
    model: SentimentClassifier = (
        clone(classifier) if classifier is not None else SentimentClassifier()
    )
    return model.fit([text for text, _ in rated], labels)


@dataclass(frozen=True, slots=True)
class ClassMetrics:
    """Precision, recall, F1 and support of one label."""

    precision: float
    recall: float
    f1: float
    support: int

    def to_dict(self) -> dict[str, float | int]:
        """``{"precision": f, "recall": f, "f1": f, "support": int}``."""
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "support": self.support,
        }


@dataclass(frozen=True, slots=True)
class SentimentEvaluation:
    """Quality of a sentiment model on labelled texts, with the majority-class baseline."""

    n: int
    accuracy: float
    macro_f1: float
    majority_accuracy: float
    per_class: Mapping[str, ClassMetrics] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """``{"n", "accuracy", "macro_f1", "majority_accuracy", "per_class": {label: ...}}``."""
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "majority_accuracy": self.majority_accuracy,
            "per_class": {label: metrics.to_dict() for label, metrics in self.per_class.items()},
        }


class _Predictor(Protocol):
    def predict(self, X: Sequence[str]) -> npt.NDArray[np.str_]: ...


def evaluate_sentiment(
    model: _Predictor, texts: Sequence[str], labels: Sequence[str]
) -> SentimentEvaluation:
    """Score ``model``'s predictions on ``texts`` against ``labels``.

    Macro F1 and ``per_class`` cover every label that occurs in ``labels`` or in the
    predictions; ``majority_accuracy`` is the accuracy of always answering the most common
    label of ``labels``.
    """
    truth = [str(label) for label in labels]
    checked = check_texts(texts)
    if not checked or len(truth) != len(checked):
        raise InputError(f"need as many labels as texts (>0), got {len(checked)} and {len(truth)}")
    predicted = [str(label) for label in model.predict(checked)]
    names = sorted(set(truth) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=names, zero_division=0
    )
    per_class = {
        name: ClassMetrics(float(precision[i]), float(recall[i]), float(f1[i]), int(support[i]))
        for i, name in enumerate(names)
    }
    return SentimentEvaluation(
        n=len(truth),
        accuracy=float(accuracy_score(truth, predicted)),
        macro_f1=float(f1_score(truth, predicted, labels=names, average="macro", zero_division=0)),
        majority_accuracy=Counter(truth).most_common(1)[0][1] / len(truth),
        per_class=per_class,
    )


def save_sentiment_model(
    model: SentimentClassifier,
    path: Path,
    *,
    metrics: SentimentEvaluation | Mapping[str, Any] | None = None,
) -> Path:
    """Write ``model.pkl`` (pickle) and ``metadata.json`` into the directory ``path``; return it.

    Metadata: ``version`` (Pulso), ``sklearn_version``, ``trained_at``, ``n_train``,
    ``classes`` and ``metrics``. Load only files you wrote: pickle files run code on load.
    """
    _require_fitted(model)
    path.mkdir(parents=True, exist_ok=True)
    (path / _MODEL_FILE).write_bytes(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    metadata = {
        "version": __version__,
        "sklearn_version": sklearn.__version__,
        "model": type(model).__name__,
        "trained_at": model.trained_at_.isoformat(),
        "n_train": model.n_train_,
        "classes": [str(label) for label in model.classes_],
        "metrics": metrics.to_dict() if isinstance(metrics, SentimentEvaluation) else metrics,
    }
    (path / _METADATA_FILE).write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    logger.info("saved sentiment model to %s", path)
    return path


def read_model_metadata(path: Path) -> dict[str, Any]:
    """The ``metadata.json`` that :func:`save_sentiment_model` wrote into ``path``."""
    try:
        metadata = json.loads((path / _METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SourceError(f"cannot read sentiment model metadata in {path}: {exc}") from exc
    if not isinstance(metadata, dict):
        raise SourceError(f"sentiment model metadata in {path} is not a JSON object")
    return metadata


def load_sentiment_model(path: Path) -> SentimentClassifier:
    """Load a classifier saved with :func:`save_sentiment_model` (trusted files only)."""
    metadata = read_model_metadata(path)
    if metadata.get("sklearn_version") != sklearn.__version__:
        logger.warning(
            "sentiment model in %s was saved with scikit-learn %s, running %s",
            path,
            metadata.get("sklearn_version"),
            sklearn.__version__,
        )
    try:
        model = pickle.loads((path / _MODEL_FILE).read_bytes())
    except (
        OSError,
        EOFError,
        ValueError,
        ImportError,
        AttributeError,
        pickle.UnpicklingError,
    ) as exc:
        raise SourceError(f"cannot load sentiment model from {path}: {exc}") from exc
    if not isinstance(model, SentimentClassifier):
        raise SourceError(f"{path / _MODEL_FILE} holds a {type(model).__name__}, not a model")
    return model


@dataclass(frozen=True, slots=True)
class FeedbackSentiment:
    """Overall sentiment of one piece of feedback and its aspects."""

    label: str
    score: float
    lang: str
    aspects: tuple[AspectSentiment, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract ``{"label", "score", "aspects": [{"aspect", "label", "evidence"}]}``."""
        return {
            "label": self.label,
            "score": round(self.score, 4),
            "aspects": [aspect.to_dict() for aspect in self.aspects],
        }


def analyze_feedback(
    text: str,
    *,
    model: SentimentClassifier | LexiconSentiment | None = None,
    lang: str = "auto",
) -> FeedbackSentiment:
    """Overall label and score in [-1, 1] plus aspect sentiment of one text.

    With a fitted :class:`SentimentClassifier` the label is its prediction and the score
    ``P(positive) - P(negative)``; without one (or with a :class:`LexiconSentiment`) both come
    from the lexicon. Aspects always come from the lexicon, clause by clause. ``lang`` (``auto``,
    ``es`` or ``en``) picks which lexicon is read first; it overrides a scorer's own ``lang``.
    """
    if not isinstance(text, str):
        raise InputError(f"feedback text must be a str, got {type(text).__name__}")
    return analyze_feedback_batch([text], model=model, lang=lang)[0]


def analyze_feedback_batch(
    texts: Sequence[str],
    *,
    model: SentimentClassifier | LexiconSentiment | None = None,
    lang: str = "auto",
) -> list[FeedbackSentiment]:
    """:func:`analyze_feedback` for many texts, with one classifier call."""
    checked = check_texts(texts)
    threshold, but_weight, although_weight = _lexicon_settings(model)
    readings = [
        score_text(
            text,
            lang=lang,
            neutral_threshold=threshold,
            but_weight=but_weight,
            although_weight=although_weight,
        )
        for text in checked
    ]
    overall = [(reading.label, reading.score) for reading in readings]
    if isinstance(model, SentimentClassifier) and checked:
        overall = _classifier_overall(model, checked)
    results = []
    for reading, (label, score) in zip(readings, overall, strict=True):
        if not any(clause.tokens for clause in reading.clauses):
            label, score = "neutral", 0.0
        aspects = tuple(extract_aspects(reading, neutral_threshold=threshold))
        results.append(FeedbackSentiment(label, score, reading.lang, aspects))
    return results


def _lexicon_settings(model: object) -> tuple[float, float, float]:
    """Neutral threshold and contrast weights: the lexicon model's, or the defaults."""
    defaults = LexiconSentiment()
    source = model if isinstance(model, LexiconSentiment) else defaults
    return source.neutral_threshold, source.but_weight, source.although_weight


def _classifier_overall(model: SentimentClassifier, texts: list[str]) -> list[tuple[str, float]]:
    probabilities = model.predict_proba(texts)
    column = {str(label): index for index, label in enumerate(model.classes_)}
    overall = []
    for row in probabilities:
        positive = row[column["positive"]] if "positive" in column else 0.0
        negative = row[column["negative"]] if "negative" in column else 0.0
        label = str(model.classes_[int(row.argmax())])
        overall.append((label, float(np.clip(positive - negative, -1.0, 1.0))))
    return overall
