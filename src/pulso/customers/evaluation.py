"""Quality against known answers: aspect sentiment, segments and menu classes.

Used by the tests and ``benchmarks/`` on the demo's planted ground truth (and by anyone with
hand-labelled data):

- :func:`evaluate_aspects`: per aspect, how well mentions are found (precision, recall and F1
  of (review, aspect) pairs) and, among the pairs found, how often the label is right
  (accuracy and macro-F1 over the three labels);
- :func:`segment_agreement`: adjusted Rand index between two partitions of the same items;
- :func:`class_agreement`: share of items given the same class, with Cohen's kappa.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sklearn.metrics import adjusted_rand_score, cohen_kappa_score, f1_score

from pulso.errors import InputError

__all__ = [
    "AspectEvaluation",
    "ClassAgreement",
    "class_agreement",
    "evaluate_aspects",
    "segment_agreement",
]

_LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True, slots=True)
class AspectEvaluation:
    """Detection and polarity quality of one aspect."""

    aspect: str
    support: int
    found: int
    matched: int
    precision: float
    recall: float
    f1: float
    polarity_accuracy: float | None
    polarity_macro_f1: float | None

    def to_dict(self) -> dict[str, Any]:
        """All fields, rounded to 4 decimals."""
        return {
            name: round(value, 4) if isinstance(value, float) else value
            for name, value in (
                (field, getattr(self, field)) for field in self.__dataclass_fields__
            )
        }


def evaluate_aspects(predicted: pd.DataFrame, truth: pd.DataFrame) -> list[AspectEvaluation]:
    """Compare ``predicted`` (``item, aspect, label``) with ``truth`` (same columns).

    Only items present in ``truth`` count; an item may have no aspects in either frame.
    """
    for name, frame in (("predicted", predicted), ("truth", truth)):
        missing = {"item", "aspect", "label"} - set(frame.columns)
        if missing:
            raise InputError(f"{name} lacks columns {sorted(missing)}")
    items = set(truth["item"])
    mine = predicted[predicted["item"].isin(items)]
    merged = truth.merge(mine, on=["item", "aspect"], how="outer", suffixes=("_true", "_pred"))
    out = []
    for aspect in sorted(set(merged["aspect"])):
        rows = merged[merged["aspect"] == aspect]
        support = int(rows["label_true"].notna().sum())
        found = int(rows["label_pred"].notna().sum())
        both = rows.dropna(subset=["label_true", "label_pred"])
        precision = len(both) / found if found else 0.0
        recall = len(both) / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        accuracy = float((both["label_true"] == both["label_pred"]).mean()) if len(both) else None
        macro = (
            float(
                f1_score(
                    both["label_true"],
                    both["label_pred"],
                    labels=list(_LABELS),
                    average="macro",
                    zero_division=0,
                )
            )
            if len(both)
            else None
        )
        out.append(
            AspectEvaluation(
                aspect, support, found, len(both), precision, recall, f1, accuracy, macro
            )
        )
    return out


def segment_agreement(truth: Sequence[Any], predicted: Sequence[Any]) -> float:
    """Adjusted Rand index (1 is the same partition, about 0 is chance)."""
    if len(truth) != len(predicted) or not truth:
        raise InputError(
            f"need two partitions of the same items, got {len(truth)} and {len(predicted)}"
        )
    return float(adjusted_rand_score(list(truth), list(predicted)))


@dataclass(frozen=True, slots=True)
class ClassAgreement:
    """Agreement of two labellings: share equal, Cohen's kappa and the confusion table."""

    n: int
    agreement: float
    kappa: float
    confusion: dict[str, dict[str, int]]


def class_agreement(truth: Sequence[str], predicted: Sequence[str]) -> ClassAgreement:
    """How often ``predicted`` gives the ``truth`` class (rows of ``confusion`` are truth)."""
    if len(truth) != len(predicted) or not truth:
        raise InputError(
            f"need two labellings of the same items, got {len(truth)} and {len(predicted)}"
        )
    table = pd.crosstab(
        pd.Series(list(truth), name="truth"), pd.Series(list(predicted), name="predicted")
    )
    confusion = {
        str(row): {str(column): int(table.loc[row, column]) for column in table.columns}
        for row in table.index
    }
    equal = sum(t == p for t, p in zip(truth, predicted, strict=True))
    return ClassAgreement(
        n=len(truth),
        agreement=equal / len(truth),
        kappa=float(cohen_kappa_score(list(truth), list(predicted))),
        confusion=confusion,
    )
