"""Feedback insights: model choice with a held-out check, scoring, monthly and dish aggregates."""

from __future__ import annotations

import pandas as pd
import pytest

from pulso.customers.feedback import (
    OVERALL,
    aggregate_sentiment,
    fit_feedback_model,
    score_feedback,
    summarise_dish_sentiment,
)
from pulso.customers.lexicon import LexiconSentiment
from pulso.customers.sentiment import LexiconFeatures, SentimentClassifier
from pulso.errors import InputError

_STARS = {"positive": 5.0, "neutral": 3.0, "negative": 1.0}


def feedback_frame(rows: list[tuple[str, str, float | None, int | None]]) -> pd.DataFrame:
    """Rows of (created_at, text, rating, dish_id) for restaurant 1."""
    return pd.DataFrame(
        {
            "feedback_id": range(1, len(rows) + 1),
            "restaurant_id": 1,
            "created_at": pd.to_datetime([row[0] for row in rows], utc=True),
            "text": [row[1] for row in rows],
            "rating": [row[2] for row in rows],
            "dish_id": pd.array([row[3] for row in rows], dtype="Int64"),
        }
    )


def test_few_rated_reviews_fall_back_to_the_lexicon_or_the_given_model(train_table):
    texts = [row.text for row in train_table]
    ratings = [_STARS[row.label] for row in train_table]
    lexicon = fit_feedback_model(texts, ratings, min_labeled=len(texts) + 1)
    user_model = SentimentClassifier().fit(texts, [row.label for row in train_table])
    fallback = fit_feedback_model(texts, ratings, min_labeled=len(texts) + 1, fallback=user_model)
    assert lexicon.kind == "lexicon"
    assert isinstance(lexicon.model, LexiconSentiment)
    assert lexicon.evaluation is None
    assert lexicon.metrics() == {}
    assert fallback.kind == "fallback"
    assert fallback.model is user_model
    assert not lexicon.beats_lexicon
    assert fallback.beats_lexicon


def test_enough_rated_reviews_train_a_classifier_measured_on_held_out_stars(
    train_table, holdout_table
):
    texts = [row.text for row in train_table]
    ratings = [_STARS[row.label] for row in train_table] + [None, float("nan")]
    fitted = fit_feedback_model([*texts, "sin nota", "tampoco"], ratings, min_labeled=30, seed=3)
    assert fitted.kind == "classifier"
    assert fitted.n_rated == len(texts)
    assert fitted.n_train == len(texts) - round(0.2 * len(texts))
    assert fitted.evaluation is not None
    assert fitted.evaluation.n == round(0.2 * len(texts))
    assert set(fitted.metrics()) == {"holdout", "lexicon_holdout"}
    assert fitted.lexicon_evaluation is not None
    better = fitted.evaluation.macro_f1 >= fitted.lexicon_evaluation.macro_f1
    assert fitted.beats_lexicon == better
    # the final model is refitted on every rated review and beats the majority class
    predicted = fitted.model.predict([row.text for row in holdout_table])
    accuracy = sum(p == row.label for p, row in zip(predicted, holdout_table, strict=True))
    assert accuracy / len(holdout_table) > 0.6


def test_fit_rejects_mismatched_inputs():
    with pytest.raises(InputError, match="2 texts but 1 ratings"):
        fit_feedback_model(["a", "b"], [5.0])
    with pytest.raises(InputError, match="holdout_fraction"):
        fit_feedback_model(["a"], [5.0], holdout_fraction=0.7)


def test_lexicon_features_read_clause_balance():
    features = (
        LexiconFeatures()
        .fit(["x"])
        .transform(["Rico pero caro", "Riquísimo, buena atención", "Fuimos un martes"])
    )
    names = list(LexiconFeatures().fit(["x"]).get_feature_names_out())
    row = dict(zip(names, features[0], strict=True))
    assert (row["positive_clauses"], row["negative_clauses"], row["balance_0"]) == (1, 1, 1)
    assert dict(zip(names, features[1], strict=True))["balance_ge_2"] == 1
    assert dict(zip(names, features[2], strict=True))["lexicon_neutral"] == 1
    assert features.shape == (3, len(names))


def test_scores_collapse_an_aspect_named_twice_into_one_row():
    frame = feedback_frame(
        [
            ("2026-10-01 13:00", "Rico pero caro", 4.0, 7),
            ("2026-10-02 13:00", "La comida rica. La comida fría, horrible", 2.0, None),
        ]
    )
    scores = score_feedback(frame)
    aspects = {(r.feedback_id, r.aspect): (r.label, r.score) for r in scores.aspects.itertuples()}
    assert aspects[(1, "food")] == ("positive", 1)
    assert aspects[(1, "price")] == ("negative", -1)
    assert aspects[(2, "food")] == ("neutral", 0)
    assert len(scores.aspects) == 3
    assert scores.reviews["label"].tolist() == ["negative", "negative"]
    assert scores.reviews["lang"].tolist() == ["es", "es"]


def test_monthly_aggregates_count_reviews_and_aspects_in_local_months():
    frame = feedback_frame(
        [
            ("2026-09-30 23:30", "Excelente atención", 5.0, None),  # 18:30 in Lima: September
            ("2026-10-01 04:30", "Pésima atención", 1.0, None),  # 23:30 on 30 Sept in Lima
            ("2026-10-15 18:00", "Muy rico todo, volveré", 5.0, None),
        ]
    )
    table = aggregate_sentiment(frame, score_feedback(frame))
    rows = {(str(r.period_start), r.aspect): r for r in table.itertuples()}
    september = rows[("2026-09-01", OVERALL)]
    assert (september.reviews, september.positive, september.negative) == (2, 1, 1)
    assert september.net_sentiment == 0.0
    assert rows[("2026-09-01", "service")].reviews == 2
    assert rows[("2026-10-01", OVERALL)].positive == 1
    assert ("2026-10-01", "service") not in rows


def test_dish_sentiment_keeps_the_strongest_comments_both_ways():
    frame = feedback_frame(
        [
            ("2026-10-01 13:00", "El lomo saltado riquísimo, espectacular", 5.0, 7),
            ("2026-10-02 13:00", "El lomo estaba rico", 4.0, 7),
            ("2026-10-03 13:00", "El lomo frío y salado, horrible", 1.0, 7),
            ("2026-10-04 13:00", "Buen ceviche", 5.0, 8),
            ("2026-10-05 13:00", "Todo bien", 4.0, None),
        ]
    )
    table = summarise_dish_sentiment(frame, score_feedback(frame), examples=1)
    lomo = table.set_index("dish_id").loc[7]
    assert lomo["reviews"] == 3
    assert [e["feedback_id"] for e in lomo["examples"]] == [1, 3]
    assert lomo["examples"][0]["label"] == "positive"
    assert lomo["food_score"] == pytest.approx(1 / 3, abs=1e-4)
    assert set(table["dish_id"]) == {7, 8}
