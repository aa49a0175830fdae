"""Sentiment insights over a restaurant's feedback: train, score, aggregate, pick examples.

:func:`fit_feedback_model` trains the :class:`~pulso.customers.sentiment.SentimentClassifier`
(``C=0.5``: stars are noisy labels) on the rated reviews (weak labels from stars), measures it on a stratified held-out share of
them against the same weak labels (next to the lexicon on the same rows), then refits on every
rated review. With fewer than ``min_labeled`` rated reviews it returns the ``fallback`` model
(a user-trained classifier) or the lexicon scorer.

:func:`score_feedback` gives each review its overall label and score in [-1, 1] and one row per
aspect it mentions (an aspect named in several clauses takes the sign of the sum of its
clause labels). :func:`aggregate_sentiment` counts labels per restaurant, month and aspect
(``overall`` for the review as a whole) and :func:`summarise_dish_sentiment` per dish, with
the most positive and most negative comments as examples.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import train_test_split

from pulso.customers.lexicon import LexiconSentiment
from pulso.customers.schemas import FeedbackSchema
from pulso.customers.sentiment import (
    SentimentClassifier,
    SentimentEvaluation,
    analyze_feedback_batch,
    evaluate_sentiment,
    labels_from_ratings,
)
from pulso.errors import InputError

__all__ = [
    "OVERALL",
    "WEAK_LABEL_C",
    "FeedbackModel",
    "FeedbackScores",
    "aggregate_sentiment",
    "fit_feedback_model",
    "score_feedback",
    "summarise_dish_sentiment",
]

logger = logging.getLogger(__name__)

OVERALL = "overall"
#: Stars are noisy labels: a stronger regularisation (C) than for hand labels measured better.
WEAK_LABEL_C = 0.5
_LABEL_SIGN = {"negative": -1, "neutral": 0, "positive": 1}
_SIGN_LABEL = {-1: "negative", 0: "neutral", 1: "positive"}
_LIMA = "America/Lima"


@dataclass(frozen=True, slots=True)
class FeedbackModel:
    """The model that scores a restaurant's feedback and how it was chosen and measured.

    ``kind`` is ``classifier`` (trained here on the rated reviews), ``fallback`` (the model
    given as fallback) or ``lexicon``. ``evaluation`` and ``lexicon_evaluation`` are measured
    on the held-out rated reviews against their weak labels (``None`` without a classifier).
    """

    model: SentimentClassifier | LexiconSentiment
    kind: str
    n_rated: int
    n_train: int
    evaluation: SentimentEvaluation | None = None
    lexicon_evaluation: SentimentEvaluation | None = None

    @property
    def beats_lexicon(self) -> bool:
        """Whether the classifier did at least as well as the lexicon on the held-out stars.

        The step keeps the lexicon for a restaurant whose own classifier does worse.
        """
        if self.evaluation is None or self.lexicon_evaluation is None:
            return self.kind != "lexicon"
        return self.evaluation.macro_f1 >= self.lexicon_evaluation.macro_f1

    def metrics(self) -> dict[str, Any]:
        """Held-out figures as a JSON-ready dict (empty without a classifier)."""
        if self.evaluation is None:
            return {}
        document: dict[str, Any] = {"holdout": self.evaluation.to_dict()}
        if self.lexicon_evaluation is not None:
            document["lexicon_holdout"] = self.lexicon_evaluation.to_dict()
        return document


def fit_feedback_model(
    texts: Sequence[str],
    ratings: Sequence[float | None],
    *,
    min_labeled: int = 200,
    holdout_fraction: float = 0.2,
    seed: int = 7,
    classifier: SentimentClassifier | None = None,
    fallback: SentimentClassifier | None = None,
) -> FeedbackModel:
    """Train on the rated ``texts`` (stars as weak labels) or fall back; see the module doc."""
    if len(texts) != len(ratings):
        raise InputError(f"got {len(texts)} texts but {len(ratings)} ratings")
    if not 0.0 < holdout_fraction < 0.5:
        raise InputError(f"holdout_fraction must be in (0, 0.5), got {holdout_fraction}")
    rated = [
        (str(text), float(rating))
        for text, rating in zip(texts, ratings, strict=True)
        if rating is not None and not math.isnan(float(rating))
    ]
    labels = labels_from_ratings([rating for _, rating in rated])
    counts = pd.Series(labels, dtype="object").value_counts()
    if len(rated) < min_labeled or len(counts) < 2:
        kind, model = ("fallback", fallback) if fallback is not None else ("lexicon", None)
        logger.info("%d rated reviews (< %d): scoring with the %s", len(rated), min_labeled, kind)
        return FeedbackModel(model or LexiconSentiment().fit(["-"]), kind, len(rated), 0)
    rated_texts = [text for text, _ in rated]
    template = classifier if classifier is not None else SentimentClassifier(C=WEAK_LABEL_C)
    train_x, test_x, train_y, test_y = train_test_split(
        rated_texts,
        labels,
        test_size=holdout_fraction,
        random_state=seed,
        stratify=labels if counts.min() >= 2 else None,
    )
    measured = clone(template).fit(train_x, train_y)
    evaluation = evaluate_sentiment(measured, test_x, test_y)
    lexicon = evaluate_sentiment(LexiconSentiment(), test_x, test_y)
    final = clone(template).fit(rated_texts, labels)
    logger.info(
        "sentiment classifier: held-out macro-F1 %.3f (lexicon %.3f) on %d reviews",
        evaluation.macro_f1,
        lexicon.macro_f1,
        evaluation.n,
    )
    return FeedbackModel(final, "classifier", len(rated), len(train_x), evaluation, lexicon)


@dataclass(frozen=True, slots=True)
class FeedbackScores:
    """Per-review scores and per-review aspect rows.

    ``reviews``: ``feedback_id, label, score, lang``; ``aspects``: ``feedback_id, aspect,
    label, score, evidence`` (score -1, 0 or 1; evidence the clauses that carried it).
    """

    reviews: pd.DataFrame
    aspects: pd.DataFrame


def score_feedback(
    feedback: pd.DataFrame, *, model: SentimentClassifier | LexiconSentiment | None = None
) -> FeedbackScores:
    """Overall sentiment and aspect sentiment of every review in ``feedback``."""
    frame = FeedbackSchema.validate(feedback)
    ids = frame[FeedbackSchema.feedback_id].tolist()
    results = analyze_feedback_batch(frame[FeedbackSchema.text].tolist(), model=model)
    reviews = pd.DataFrame(
        {
            "feedback_id": ids,
            "label": [result.label for result in results],
            "score": [round(float(result.score), 4) for result in results],
            "lang": [result.lang for result in results],
        }
    )
    rows = []
    for feedback_id, result in zip(ids, results, strict=True):
        by_aspect: dict[str, list[Any]] = {}
        for aspect in result.aspects:
            sign, evidence = by_aspect.setdefault(aspect.aspect, [0, []])
            by_aspect[aspect.aspect] = [sign + _LABEL_SIGN[aspect.label], [*evidence, aspect]]
        for name, (total, found) in by_aspect.items():
            sign = int(np.sign(total))
            evidence = " … ".join(dict.fromkeys(item.evidence for item in found))
            rows.append((feedback_id, name, _SIGN_LABEL[sign], sign, evidence))
    aspects = pd.DataFrame(rows, columns=["feedback_id", "aspect", "label", "score", "evidence"])
    return FeedbackScores(reviews, aspects.astype({"score": "int64"}))


def _month_start(stamps: pd.Series, timezone: str) -> pd.Series:
    local = stamps.dt.tz_convert(timezone).dt.tz_localize(None)
    return pd.Series(local.dt.to_period("M").dt.start_time.dt.date, index=stamps.index)


def _count_labels(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    counts = (
        frame.groupby([*keys, "label"])
        .size()
        .unstack("label", fill_value=0)
        .reindex(columns=list(_LABEL_SIGN), fill_value=0)
    )
    summary = frame.groupby(keys).agg(reviews=("score", "size"), mean_score=("score", "mean"))
    out = summary.join(counts).reset_index()
    out["net_sentiment"] = (out["positive"] - out["negative"]) / out["reviews"]
    out["mean_score"] = out["mean_score"].astype(float).round(4)
    out["net_sentiment"] = out["net_sentiment"].round(4)
    return out


def aggregate_sentiment(
    feedback: pd.DataFrame, scores: FeedbackScores, *, timezone: str = _LIMA
) -> pd.DataFrame:
    """Label counts per ``restaurant_id``, ``period_start`` (month, local time) and ``aspect``.

    Columns: ``restaurant_id, period_start, aspect, reviews, negative, neutral, positive,
    mean_score, net_sentiment`` (``(positive - negative) / reviews``); ``aspect`` is
    ``overall`` for whole reviews.
    """
    frame = FeedbackSchema.validate(feedback)
    context = pd.DataFrame(
        {
            "feedback_id": frame[FeedbackSchema.feedback_id],
            "restaurant_id": frame[FeedbackSchema.restaurant_id],
            "period_start": _month_start(frame[FeedbackSchema.created_at], timezone),
        }
    )
    overall = scores.reviews.merge(context, on="feedback_id").assign(aspect=OVERALL)
    aspects = scores.aspects.merge(context, on="feedback_id")
    keys = ["restaurant_id", "period_start", "aspect"]
    columns = [*keys, "label", "score"]
    both = pd.concat([overall[columns], aspects[columns]], ignore_index=True)
    if both.empty:
        return pd.DataFrame(
            columns=[*keys, "reviews", *_LABEL_SIGN, "mean_score", "net_sentiment"]
        )
    return _count_labels(both, keys)


def summarise_dish_sentiment(
    feedback: pd.DataFrame, scores: FeedbackScores, *, examples: int = 3
) -> pd.DataFrame:
    """Sentiment of the reviews that name a dish, per ``restaurant_id`` and ``dish_id``.

    Besides the counts of :func:`aggregate_sentiment`, ``food_score`` is the mean food-aspect
    score (-1..1, NaN when no review judged the food) and ``examples`` holds up to
    ``examples`` most positive and most negative comments (``feedback_id, text, label, score,
    created_at``), strongest first.
    """
    frame = FeedbackSchema.validate(feedback)
    frame = frame[frame[FeedbackSchema.dish_id].notna()]
    keyed = frame[["feedback_id", "restaurant_id", "dish_id", "text", "created_at"]].merge(
        scores.reviews, on="feedback_id"
    )
    keys = ["restaurant_id", "dish_id"]
    if keyed.empty:
        return pd.DataFrame(
            columns=[*keys, "reviews", *_LABEL_SIGN, "mean_score", "net_sentiment", "food_score"]
        ).assign(examples=[])
    out = _count_labels(keyed, keys)
    food = scores.aspects[scores.aspects["aspect"] == "food"].merge(
        keyed[["feedback_id", *keys]], on="feedback_id"
    )
    food_score = food.groupby(keys)["score"].mean().rename("food_score").reset_index()
    out = out.merge(food_score, on=keys, how="left")
    out["food_score"] = out["food_score"].astype(float).round(4)
    picked = {key: _examples(group, examples) for key, group in keyed.groupby(keys)}
    out["examples"] = pd.Series(
        [picked[(r, d)] for r, d in zip(out["restaurant_id"], out["dish_id"], strict=True)],
        index=out.index,
        dtype=object,
    )
    out["dish_id"] = out["dish_id"].astype("int64")
    return out


def _examples(group: pd.DataFrame, count: int) -> list[dict[str, Any]]:
    ordered = group.sort_values(["score", "created_at"], ascending=[False, False])
    positive = ordered[ordered["label"] == "positive"].head(count)
    negative = ordered[ordered["label"] == "negative"].iloc[::-1].head(count)
    return [
        {
            "feedback_id": int(row["feedback_id"]),
            "text": str(row["text"]),
            "label": str(row["label"]),
            "score": float(row["score"]),
            "created_at": row["created_at"].isoformat(),
        }
        for row in pd.concat([positive, negative]).to_dict("records")
    ]
