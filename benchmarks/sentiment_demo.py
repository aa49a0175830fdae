"""Benchmark: feedback sentiment on held-out demo reviews, on real wording, and per aspect.

Run by hand from the repository root::

    .venv/bin/python benchmarks/sentiment_demo.py                         # small demo
    .venv/bin/python benchmarks/sentiment_demo.py --demo-dir /tmp/medium  # generated files

Reads the demo's ``restaurants/feedback.csv`` and its planted answers
(``ground_truth/review_labels.csv`` and ``review_aspects.csv``); nothing goes through the
database. Reviews are split in time: the first 80% train, the last 20% are held out. On the
held-out reviews it scores, against the planted overall labels:

- ``majority``: always the most common planted label of the held-out reviews;
- ``lexicon``: the packaged lexicon scorer;
- ``per_restaurant``: what the ``feedback_sentiment`` step does: each restaurant's classifier
  trained on its own rated training reviews (stars as weak labels) when it has at least
  ``--min-labeled`` of them and beats the lexicon on its held-out stars, else the lexicon;
- ``pooled``: one classifier trained on every restaurant's rated training reviews;
- ``supervised``: one classifier trained on the *planted* labels of the training reviews (what
  ``pulso sentiment train`` gives a user with labelled data), an upper reference;
- ``stars_as_labels``: the weak labels themselves (stars of the rated held-out reviews), which
  bounds what learning from stars can reach.

It also scores the pooled demo-trained classifier and the lexicon on the hand-written held-out
table ``tests/unit/customers/data/customers_feedback_holdout.tsv`` (real wording) and the
aspect sentiment per aspect on the held-out demo reviews. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from pulso.customers.evaluation import evaluate_aspects
from pulso.customers.feedback import WEAK_LABEL_C, fit_feedback_model, score_feedback
from pulso.customers.lexicon import LexiconSentiment
from pulso.customers.sentiment import (
    SentimentClassifier,
    SentimentEvaluation,
    evaluate_sentiment,
    labels_from_ratings,
)
from pulso.synth import generate_demo

HOLDOUT_TABLE = Path("tests/unit/customers/data/customers_feedback_holdout.tsv")


def _figures(evaluation: SentimentEvaluation) -> dict[str, Any]:
    return {
        "n": evaluation.n,
        "accuracy": round(evaluation.accuracy, 4),
        "macro_f1": round(evaluation.macro_f1, 4),
        "majority_accuracy": round(evaluation.majority_accuracy, 4),
    }


class _Constant:
    def __init__(self, label: str) -> None:
        self.label = label

    def predict(self, X: Sequence[str]) -> npt.NDArray[np.str_]:
        return np.asarray([self.label] * len(X), dtype=np.str_)


def _load(directory: Path) -> pd.DataFrame:
    feedback = pd.read_csv(directory / "restaurants" / "feedback.csv", dtype=str)
    labels = pd.read_csv(directory / "ground_truth" / "review_labels.csv", dtype=str)
    frame = feedback.merge(labels, on="feedback_id").dropna(subset=["text", "created_at"])
    frame["created_at"] = pd.to_datetime(frame["created_at"], errors="coerce", utc=True)
    frame["rating"] = pd.to_numeric(frame["rating"], errors="coerce")
    frame = frame.dropna(subset=["created_at"])
    frame["rating"] = frame["rating"].where(frame["rating"].between(1, 5))
    return frame.sort_values("created_at").reset_index(drop=True)


class _PerRestaurant:
    def __init__(self, train: pd.DataFrame, *, min_labeled: int, seed: int) -> None:
        self.models = {
            name: fit_feedback_model(
                group["text"].tolist(),
                group["rating"].tolist(),
                min_labeled=min_labeled,
                seed=seed,
            )
            for name, group in train.groupby("restaurant")
        }

    def predict_frame(self, test: pd.DataFrame) -> list[str]:
        out = pd.Series(index=test.index, dtype=object)
        for name, group in test.groupby("restaurant"):
            fitted = self.models.get(name)
            keep = fitted is not None and fitted.beats_lexicon
            model = fitted.model if fitted is not None and keep else LexiconSentiment()
            out[group.index] = list(model.predict(group["text"].tolist()))
        return out.tolist()


def _held_out_table() -> tuple[list[str], list[str]]:
    lines = [
        line
        for line in HOLDOUT_TABLE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row["text"] for row in rows], [row["label"] for row in rows]


def run(directory: Path, *, min_labeled: int, seed: int) -> dict[str, Any]:
    frame = _load(directory)
    cut = int(len(frame) * 0.8)
    train, test = frame.iloc[:cut], frame.iloc[cut:]
    texts, truth = test["text"].tolist(), test["label"].tolist()
    rated = train[train["rating"].notna()]
    started = time.perf_counter()
    pooled = SentimentClassifier(C=WEAK_LABEL_C).fit(
        rated["text"].tolist(), labels_from_ratings(rated["rating"].tolist())
    )
    pooled_seconds = time.perf_counter() - started
    supervised = SentimentClassifier().fit(train["text"].tolist(), train["label"].tolist())
    per_restaurant = _PerRestaurant(train, min_labeled=min_labeled, seed=seed)
    majority = str(test["label"].value_counts().idxmax())
    results: dict[str, Any] = {
        "reviews": len(frame),
        "train": len(train),
        "train_rated": len(rated),
        "held_out": len(test),
        "pooled_fit_seconds": round(pooled_seconds, 2),
        "models": {
            "majority": _figures(evaluate_sentiment(_Constant(majority), texts, truth)),
            "lexicon": _figures(evaluate_sentiment(LexiconSentiment(), texts, truth)),
            "pooled": _figures(evaluate_sentiment(pooled, texts, truth)),
            "supervised": _figures(evaluate_sentiment(supervised, texts, truth)),
        },
        "per_restaurant_kinds": {
            name: fitted.kind if fitted.beats_lexicon else "lexicon"
            for name, fitted in per_restaurant.models.items()
        },
    }
    predicted = per_restaurant.predict_frame(test)
    results["models"]["per_restaurant"] = _figures(
        evaluate_sentiment(_Fixed(texts, predicted), texts, truth)
    )
    stars = test[test["rating"].notna()]
    results["models"]["stars_as_labels"] = _figures(
        evaluate_sentiment(
            _Fixed(stars["text"].tolist(), labels_from_ratings(stars["rating"].tolist())),
            stars["text"].tolist(),
            stars["label"].tolist(),
        )
    )
    real_texts, real_labels = _held_out_table()
    results["real_wording"] = {
        "pooled_demo_classifier": _figures(evaluate_sentiment(pooled, real_texts, real_labels)),
        "supervised_demo_classifier": _figures(
            evaluate_sentiment(supervised, real_texts, real_labels)
        ),
        "lexicon": _figures(evaluate_sentiment(LexiconSentiment(), real_texts, real_labels)),
    }
    results["aspects"] = _aspects(directory, test)
    return results


class _Fixed:
    def __init__(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        self.answers = dict(zip(texts, labels, strict=True))

    def predict(self, X: Sequence[str]) -> npt.NDArray[np.str_]:
        return np.asarray([self.answers[text] for text in X], dtype=np.str_)


def _aspects(directory: Path, test: pd.DataFrame) -> dict[str, Any]:
    truth = pd.read_csv(directory / "ground_truth" / "review_aspects.csv", dtype=str)
    truth = truth[truth["feedback_id"].isin(set(test["feedback_id"]))]
    feedback = pd.DataFrame(
        {
            "feedback_id": range(len(test)),
            "restaurant_id": 1,
            "created_at": test["created_at"].to_numpy(),
            "text": test["text"].to_numpy(),
            "rating": test["rating"].to_numpy(),
            "dish_id": pd.array([None] * len(test), dtype="Int64"),
        }
    )
    scores = score_feedback(feedback)
    ids = dict(enumerate(test["feedback_id"]))
    predicted = scores.aspects.assign(item=scores.aspects["feedback_id"].map(ids))
    found = evaluate_aspects(
        predicted[["item", "aspect", "label"]],
        truth.rename(columns={"feedback_id": "item", "polarity": "label"})[
            ["item", "aspect", "label"]
        ],
    )
    return {row.aspect: row.to_dict() for row in found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo-dir", type=Path, help="generated demo files (default: small)")
    parser.add_argument("--min-labeled", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.demo_dir is None:
        with tempfile.TemporaryDirectory() as tmp:
            generate_demo(Path(tmp), scale="small", seed=7, end_date=date(2026, 11, 15))
            document = run(Path(tmp), min_labeled=args.min_labeled, seed=args.seed)
    else:
        document = run(args.demo_dir, min_labeled=args.min_labeled, seed=args.seed)
    print(json.dumps(document, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
