"""Weak labels, the locally trained classifier, evaluation, persistence and analysis."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks

from pulso.customers.lexicon import LexiconSentiment
from pulso.customers.sentiment import (
    FeedbackSentiment,
    SentimentClassifier,
    SentimentEvaluation,
    analyze_feedback,
    analyze_feedback_batch,
    evaluate_sentiment,
    labels_from_ratings,
    load_sentiment_model,
    prepare_text,
    read_model_metadata,
    save_sentiment_model,
    train_sentiment_model,
)
from pulso.errors import InputError, ModelNotFittedError, SourceError


@pytest.fixture(scope="module")
def trained(train_table) -> SentimentClassifier:
    texts = [row.text for row in train_table]
    return SentimentClassifier().fit(texts, [row.label for row in train_table])


def test_labels_from_ratings():
    assert labels_from_ratings([5, 4, 3, 2, 1]) == [
        "positive",
        "positive",
        "neutral",
        "negative",
        "negative",
    ]
    assert labels_from_ratings([4.5, 3.5, 2.5, np.int64(1)]) == [
        "positive",
        "neutral",
        "neutral",
        "negative",
    ]


@pytest.mark.parametrize("bad", [0, 6, math.nan, "5", None, True])
def test_labels_from_ratings_rejects_bad_ratings(bad):
    with pytest.raises(InputError, match=r"row 1, column 'rating'"):
        labels_from_ratings([5, bad])


def test_prepare_text_normalises_for_the_classifier():
    assert (
        prepare_text("Riquísimoooo 😍 pero CARO 😡") == "riquisimo _emo_pos_ | pero caro _emo_neg_"
    )
    assert prepare_text("no estaba rico, nada", mark_negation=True) == (
        "no no_estaba no_rico | nada"
    )


def test_classifier_learns_the_hand_written_training_set(trained, train_table):
    texts = [row.text for row in train_table]
    labels = [row.label for row in train_table]
    assert list(trained.classes_) == ["negative", "neutral", "positive"]
    assert trained.n_train_ == len(texts)
    assert trained.trained_at_.tzinfo is not None
    assert evaluate_sentiment(trained, texts, labels).accuracy >= 0.95
    probabilities = trained.predict_proba(["Buenazo todo", "Pésimo y carísimo"])
    assert probabilities.shape == (2, 3)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert list(trained.predict(["Muy rico y buena atención", "Horrible y carísimo"])) == [
        "positive",
        "negative",
    ]


def test_classifier_follows_the_estimator_contract(train_table):
    texts = [row.text for row in train_table]
    labels = [row.label for row in train_table]
    model = SentimentClassifier(C=1.0)
    params = model.get_params()
    assert model.fit(texts, labels) is model
    assert model.get_params() == params  # fit does not touch parameters
    refit = clone(model).fit(texts, labels)
    assert np.allclose(refit.predict_proba(texts), model.predict_proba(texts))  # idempotent
    assert not hasattr(clone(model), "pipeline_")
    with pytest.raises(ModelNotFittedError):
        SentimentClassifier().predict(["rico"])
    with pytest.raises(NotFittedError):  # scikit-learn tools see their own error too
        SentimentClassifier().predict_proba(["rico"])


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (["positive"] * 3, "at least two distinct labels"),
        (["positive", "negative", "great"], "unknown labels"),
        (["positive", "negative"], "3 texts but 2 labels"),
    ],
)
def test_classifier_rejects_bad_labels(labels, message):
    with pytest.raises(InputError, match=message):
        SentimentClassifier().fit(["a", "b", "c"], labels)


@pytest.mark.parametrize(
    "check",
    [
        estimator_checks.check_estimator_cloneable,
        estimator_checks.check_estimator_repr,
        estimator_checks.check_no_attributes_set_in_init,
        estimator_checks.check_get_params_invariance,
        estimator_checks.check_set_params,
        estimator_checks.check_parameters_default_constructible,
        estimator_checks.check_do_not_raise_errors_in_init_or_set_params,
        estimator_checks.check_mixin_order,
        estimator_checks.check_valid_tag_types,
        estimator_checks.check_estimators_unfitted,
    ],
)
def test_classifier_passes_sklearn_api_checks(check):
    # scikit-learn's data checks feed numeric arrays; these API checks apply to text models.
    check("SentimentClassifier", SentimentClassifier())


def test_train_falls_back_to_the_lexicon_below_min_labeled(train_table):
    texts = [row.text for row in train_table]
    ratings = [5.0 if row.label == "positive" else 1.0 for row in train_table]
    model = train_sentiment_model(texts, ratings, min_labeled=200)
    assert isinstance(model, LexiconSentiment)
    assert list(model.classes_) == ["negative", "neutral", "positive"]


def test_train_uses_only_rated_texts_and_trains_the_classifier(train_table):
    texts = [row.text for row in train_table] + ["sin nota", "tampoco"]
    stars = {"positive": 5, "neutral": 3, "negative": 1}
    ratings = [stars[row.label] for row in train_table] + [None, math.nan]
    model = train_sentiment_model(texts, ratings, min_labeled=len(train_table))
    assert isinstance(model, SentimentClassifier)
    assert model.n_train_ == len(train_table)
    custom = train_sentiment_model(
        texts, ratings, min_labeled=10, classifier=SentimentClassifier(C=0.5)
    )
    assert isinstance(custom, SentimentClassifier)
    assert custom.C == 0.5


def test_train_falls_back_when_only_one_label_is_rated():
    model = train_sentiment_model(["a", "b", "c"], [5, 5, 4], min_labeled=1)
    assert isinstance(model, LexiconSentiment)


def test_evaluation_dict_shape_and_majority_baseline():
    texts = ["Buenazo", "Riquísimo", "Delicioso", "Pésimo", "Normal"]
    labels = ["positive", "positive", "negative", "negative", "neutral"]
    evaluation = evaluate_sentiment(LexiconSentiment(), texts, labels)
    assert isinstance(evaluation, SentimentEvaluation)
    as_dict = evaluation.to_dict()
    assert list(as_dict) == ["n", "accuracy", "macro_f1", "majority_accuracy", "per_class"]
    assert as_dict["n"] == 5
    assert as_dict["accuracy"] == pytest.approx(4 / 5)  # "Delicioso" is not negative
    assert as_dict["majority_accuracy"] == pytest.approx(2 / 5)
    assert set(as_dict["per_class"]) == {"negative", "neutral", "positive"}
    negative = as_dict["per_class"]["negative"]
    assert negative == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "support": 2}
    assert as_dict["macro_f1"] == pytest.approx((2 / 3 + 1.0 + 0.8) / 3)
    assert json.loads(json.dumps(as_dict)) == as_dict


def test_evaluation_rejects_mismatched_inputs():
    with pytest.raises(InputError, match="as many labels as texts"):
        evaluate_sentiment(LexiconSentiment(), ["rico"], [])
    with pytest.raises(InputError, match="as many labels as texts"):
        evaluate_sentiment(LexiconSentiment(), [], [])


def test_save_load_round_trip(tmp_path, trained, train_table):
    texts = [row.text for row in train_table]
    evaluation = evaluate_sentiment(trained, texts, [row.label for row in train_table])
    directory = save_sentiment_model(trained, tmp_path / "sentiment", metrics=evaluation)
    loaded = load_sentiment_model(directory)
    assert isinstance(loaded, SentimentClassifier)
    assert np.allclose(loaded.predict_proba(texts), trained.predict_proba(texts))
    metadata = read_model_metadata(directory)
    assert {"version", "trained_at", "n_train", "classes", "metrics"} <= set(metadata)
    assert metadata["n_train"] == len(texts)
    assert metadata["classes"] == ["negative", "neutral", "positive"]
    assert metadata["metrics"] == evaluation.to_dict()
    assert metadata["trained_at"] == trained.trained_at_.isoformat()


def test_save_refuses_an_unfitted_model_and_load_reports_bad_files(tmp_path):
    with pytest.raises(ModelNotFittedError):
        save_sentiment_model(SentimentClassifier(), tmp_path / "x")
    with pytest.raises(SourceError, match="metadata"):
        load_sentiment_model(tmp_path / "missing")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "metadata.json").write_text("{}", encoding="utf-8")
    (tmp_path / "bad" / "model.pkl").write_bytes(b"not a pickle")
    with pytest.raises(SourceError, match="cannot load"):
        load_sentiment_model(tmp_path / "bad")


def test_analyze_feedback_with_the_lexicon_matches_the_json_contract():
    result = analyze_feedback("Rico pero caro 😡")
    assert isinstance(result, FeedbackSentiment)
    assert result.lang == "es"
    as_dict = result.to_dict()
    assert list(as_dict) == ["label", "score", "aspects"]
    assert as_dict["label"] == "negative"
    assert -1.0 <= as_dict["score"] < 0
    assert as_dict["aspects"] == [
        {"aspect": "food", "label": "positive", "evidence": "Rico"},
        {"aspect": "price", "label": "negative", "evidence": "pero caro 😡"},
    ]


def test_analyze_feedback_with_the_classifier_scores_from_probabilities(trained):
    text = "Todo delicioso y el mozo muy amable"
    result = analyze_feedback(text, model=trained)
    probabilities = dict(zip(trained.classes_, trained.predict_proba([text])[0], strict=True))
    assert result.label == "positive"
    assert result.score == pytest.approx(probabilities["positive"] - probabilities["negative"])
    assert {(a.aspect, a.label) for a in result.aspects} == {
        ("food", "positive"),
        ("service", "positive"),
    }


def test_analyze_feedback_language_and_empty_text(trained):
    assert analyze_feedback("The ceviche was great").lang == "en"
    assert analyze_feedback("The ceviche was great", lang="es").lang == "es"
    empty = analyze_feedback("   ", model=trained)
    assert (empty.label, empty.score, empty.aspects) == ("neutral", 0.0, ())
    with pytest.raises(InputError, match="lang must be"):
        analyze_feedback("rico", lang="pt")
    with pytest.raises(InputError, match="must be a str"):
        analyze_feedback(None)  # type: ignore[arg-type]


def test_analyze_feedback_batch_matches_single_calls(trained):
    texts = ["Buenazo", "Pésimo servicio", "Normal"]
    for model in (None, LexiconSentiment(), trained):
        batch = analyze_feedback_batch(texts, model=model)
        assert batch == [analyze_feedback(text, model=model) for text in texts]
