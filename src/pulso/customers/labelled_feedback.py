"""Labelled feedback files for ``pulso sentiment train`` and ``evaluate``, and cross-validation.

A labelled file is a CSV (UTF-8, comma or semicolon separated) with the columns ``text`` and
``label``; headers match case-insensitively and extra columns are ignored. Labels are
``positive``, ``negative`` or ``neutral`` (Spanish ``positivo``, ``negativo``, ``neutro`` /
``neutral`` are accepted too). Rows with an empty text are errors, not skipped: a labelled
set is small and every row was written on purpose.
"""

from __future__ import annotations

import csv
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from pulso.customers.lexicon import SENTIMENT_LABELS
from pulso.customers.sentiment import SentimentClassifier, SentimentEvaluation, evaluate_sentiment
from pulso.errors import InputError, SourceError

__all__ = ["LabelledFeedback", "cross_validate_sentiment", "read_labelled_feedback"]

logger = logging.getLogger(__name__)

_ALIASES = {
    "positive": "positive",
    "positivo": "positive",
    "pos": "positive",
    "negative": "negative",
    "negativo": "negative",
    "neg": "negative",
    "neutral": "neutral",
    "neutro": "neutral",
    "neu": "neutral",
}


@dataclass(frozen=True, slots=True)
class LabelledFeedback:
    """Texts and their labels, in file order."""

    texts: tuple[str, ...]
    labels: tuple[str, ...]

    def counts(self) -> dict[str, int]:
        """How many texts carry each label."""
        return dict(sorted(Counter(self.labels).items()))


def read_labelled_feedback(path: Path) -> LabelledFeedback:
    """Read a ``text,label`` CSV (see the module docstring)."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read {path}: {exc}") from exc
    try:
        dialect = csv.Sniffer().sniff(raw[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(raw.splitlines(), dialect)
    header = [cell.strip().lower() for cell in next(reader, [])]
    missing = [name for name in ("text", "label") if name not in header]
    if missing:
        raise InputError(f"missing column(s) {missing}; found {header}", file=str(path))
    text_at, label_at = header.index("text"), header.index("label")
    texts, labels = [], []
    for row_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(header) - len(row))
        text, label = cells[text_at].strip(), cells[label_at].strip().lower()
        if not text:
            raise InputError("empty text", file=str(path), row=row_number, column="text")
        if label not in _ALIASES:
            raise InputError(
                f"label {label!r} is not one of {SENTIMENT_LABELS}",
                file=str(path),
                row=row_number,
                column="label",
            )
        texts.append(text)
        labels.append(_ALIASES[label])
    if not texts:
        raise InputError("no labelled rows", file=str(path))
    return LabelledFeedback(tuple(texts), tuple(labels))


def cross_validate_sentiment(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    model: SentimentClassifier | None = None,
    folds: int = 5,
    seed: int = 7,
) -> SentimentEvaluation | None:
    """Pooled out-of-fold predictions of a fresh classifier per fold, scored against ``labels``.

    Returns None when some label has fewer than ``folds`` texts (no honest split exists).
    """
    counts = Counter(labels)
    if len(counts) < 2 or min(counts.values()) < folds:
        return None
    template = model if model is not None else SentimentClassifier()
    predicted = np.empty(len(texts), dtype=object)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(labels)), labels):
        fitted = clone(template).fit([texts[i] for i in train], [labels[i] for i in train])
        predicted[test] = fitted.predict([texts[i] for i in test])
    return evaluate_sentiment(_Fixed(list(texts), predicted.tolist()), list(texts), list(labels))


class _Fixed:
    """A predictor that answers the out-of-fold labels already computed for each text."""

    def __init__(self, texts: list[str], predicted: list[str]) -> None:
        self._by_position = predicted
        self._texts = texts

    def predict(self, X: Sequence[str]) -> npt.NDArray[np.str_]:
        if list(X) != self._texts:
            raise InputError("out-of-fold predictions are only known for the training texts")
        return np.asarray(self._by_position, dtype=np.str_)
