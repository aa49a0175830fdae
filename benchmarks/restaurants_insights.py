"""Benchmark: the restaurant pipeline steps on a loaded demo, measured against its ground truth.

Run by hand from the repository root, on a database where ``pulso demo`` loaded the demo::

    cd /tmp/medium && pulso demo --scale medium --no-serve --end-date 2026-11-15
    .venv/bin/python benchmarks/restaurants_insights.py --db /tmp/medium/pulso.db \\
        --demo-dir /tmp/medium/.pulso/demo --key change-me

``--key`` is the pseudonym key the demo was loaded with (``PULSO_SECRET_KEY``; ``change-me``
is the development default), needed to map the planted diner and shopper ids to the keyed
hashes in the database. The steps run on a copy of the database (``--in-place`` to skip the
copy). Prints one JSON document: seconds per step and, against the planted truth, the overall
sentiment (accuracy, macro-F1, majority baseline), the per-aspect sentiment, the diner and
shopper segment ARI with the names given, and the menu-class agreement.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import Engine, select

from pulso.customers.evaluation import class_agreement, evaluate_aspects, segment_agreement
from pulso.customers.sentiment import evaluate_sentiment
from pulso.ingest.values import pseudonymise
from pulso.pipelines.registry import StepContext
from pulso.pipelines.runner import run_pipeline
from pulso.store import tables_restaurants as insight
from pulso.store.session import create_db_engine, upgrade_database
from pulso.store.tables import Diner, Dish, Feedback, Restaurant

STEPS = [
    "feedback_sentiment",
    "feedback_topics",
    "dining_patterns",
    "diner_segments",
    "menu_engineering",
    "shopper_preferences",
]


def _frame(engine: Engine, statement: Any, columns: list[str]) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(statement).all(), columns=columns)


class _Answers:
    """The step's labels, looked up by review id."""

    def __init__(self, ids: Sequence[str], answers: Sequence[str]) -> None:
        self.answers = dict(zip(ids, answers, strict=True))

    def predict(self, X: Sequence[str]) -> npt.NDArray[np.str_]:
        return np.asarray([self.answers[i] for i in X], dtype=np.str_)


def measure(engine: Engine, directory: Path, *, key: bytes) -> dict[str, Any]:
    """Every figure of the module docstring."""
    truth_dir = directory / "ground_truth"
    scored = _frame(
        engine,
        select(Feedback.external_id, insight.InsightReviewSentiment.label).join(
            Feedback, Feedback.id == insight.InsightReviewSentiment.feedback_id
        ),
        ["feedback_id", "predicted"],
    )
    labels = pd.read_csv(truth_dir / "review_labels.csv", dtype=str).merge(
        scored, on="feedback_id"
    )
    ids = labels["feedback_id"].tolist()
    overall = evaluate_sentiment(
        _Answers(ids, labels["predicted"].tolist()), ids, labels["label"].tolist()
    )
    aspects = _frame(
        engine,
        select(
            Feedback.external_id,
            insight.InsightReviewAspect.aspect,
            insight.InsightReviewAspect.label,
        ).join(Feedback, Feedback.id == insight.InsightReviewAspect.feedback_id),
        ["item", "aspect", "label"],
    )
    planted = pd.read_csv(truth_dir / "review_aspects.csv", dtype=str).rename(
        columns={"feedback_id": "item", "polarity": "label"}
    )
    return {
        "sentiment_all_reviews": overall.to_dict(),
        "aspects": {row.aspect: row.to_dict() for row in evaluate_aspects(aspects, planted)},
        "diner_segments": _diner_segments(engine, truth_dir, key=key),
        "menu_classes": _menu_classes(engine, truth_dir),
        "shopper_segments": _shopper_segments(engine, truth_dir, key=key),
    }


def _diner_segments(engine: Engine, truth_dir: Path, *, key: bytes) -> dict[str, Any]:
    assigned = _frame(
        engine,
        select(Diner.diner_key, insight.InsightDinerAssignment.segment).join(
            Diner, Diner.id == insight.InsightDinerAssignment.diner_id
        ),
        ["key", "segment_found"],
    )
    names: dict[int, str] = dict(
        _frame(
            engine,
            select(insight.InsightDinerSegment.segment, insight.InsightDinerSegment.key),
            ["segment", "key"],
        ).itertuples(index=False)
    )
    truth = pd.read_csv(truth_dir / "diner_segments.csv", dtype=str)
    truth["key"] = [pseudonymise(value, key=key) for value in truth["diner_id"]]
    joined = truth.merge(assigned, on="key")
    named = joined["segment_found"].map(names)
    return {
        "diners": len(joined),
        "ari": round(
            segment_agreement(joined["segment"].tolist(), joined["segment_found"].tolist()), 4
        ),
        "names_right": round(float((named == joined["segment"]).mean()), 4),
        "segments": sorted(names.values()),
    }


def _menu_classes(engine: Engine, truth_dir: Path) -> dict[str, Any]:
    found = _frame(
        engine,
        select(Restaurant.name, Dish.name, insight.InsightMenuItem.menu_class)
        .join(Dish, Dish.id == insight.InsightMenuItem.dish_id)
        .join(Restaurant, Restaurant.id == insight.InsightMenuItem.restaurant_id)
        .where(insight.InsightMenuItem.period == "all"),
        ["restaurant", "dish", "found"],
    )
    truth = pd.read_csv(truth_dir / "menu_classes.csv", dtype=str).merge(
        found, on=["restaurant", "dish"]
    )
    agreement = class_agreement(truth["menu_class"].tolist(), truth["found"].tolist())
    return {
        "dishes": agreement.n,
        "agreement": round(agreement.agreement, 4),
        "kappa": round(agreement.kappa, 4),
    }


def _shopper_segments(engine: Engine, truth_dir: Path, *, key: bytes) -> dict[str, Any]:
    assigned = _frame(
        engine,
        select(
            insight.InsightShopperAssignment.shopper_key, insight.InsightShopperAssignment.segment
        ),
        ["key", "segment_found"],
    )
    truth = pd.read_csv(truth_dir / "shopper_segments.csv", dtype=str)
    truth["key"] = [pseudonymise(value, key=key) for value in truth["shopper_id"]]
    joined = truth.merge(assigned, on="key")
    if joined.empty:
        return {"shoppers": 0}
    return {
        "shoppers": len(joined),
        "ari": round(
            segment_agreement(joined["segment"].tolist(), joined["segment_found"].tolist()), 4
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="SQLite file with the demo loaded")
    parser.add_argument("--demo-dir", type=Path, required=True)
    parser.add_argument("--key", default="change-me", help="pseudonym key used at load time")
    parser.add_argument("--end-date", default="2026-11-15")
    parser.add_argument("--min-labeled", type=int, default=200)
    parser.add_argument("--in-place", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db if args.in_place else Path(tmp) / "work.db"
        if not args.in_place:
            shutil.copyfile(args.db, path)
        engine = create_db_engine(f"sqlite:///{path}")
        upgrade_database(engine)
        context = StepContext(
            engine=engine,
            data_dir=Path(tmp) / "data",
            run_key="",
            today=date.fromisoformat(args.end_date),
            params={"sentiment_min_labeled": args.min_labeled},
        )
        started = time.perf_counter()
        report = run_pipeline(context, steps=STEPS, backoff_seconds=0)
        seconds: dict[str, float] = {}
        for outcome in report.outcomes:
            seconds[outcome.step] = round(
                seconds.get(outcome.step, 0.0) + outcome.duration_seconds, 2
            )
        document = {
            "succeeded": report.succeeded,
            "seconds": seconds | {"total": round(time.perf_counter() - started, 2)},
            "sentiment_models": {
                o.partition: {
                    k: o.detail.get(k) for k in ("model", "rated", "holdout", "lexicon_holdout")
                }
                for o in report.outcomes
                if o.step == "feedback_sentiment" and o.detail
            },
            "diner_k": next(
                (o.detail for o in report.outcomes if o.step == "diner_segments"), None
            ),
        } | measure(engine, args.demo_dir, key=args.key.encode())
        engine.dispose()
    print(json.dumps(document, indent=2, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
