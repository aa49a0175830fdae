"""Versioned model folders, labelled feedback files, cross-validation and agreement measures."""

from __future__ import annotations

import pandas as pd
import pytest

from pulso.customers.evaluation import class_agreement, evaluate_aspects, segment_agreement
from pulso.customers.labelled_feedback import cross_validate_sentiment, read_labelled_feedback
from pulso.customers.model_store import ModelStore
from pulso.errors import InputError, SourceError


def test_versions_are_kept_and_one_is_active(tmp_path):
    store = ModelStore(tmp_path / "models" / "sentiment")
    assert store.versions() == []
    assert store.active_version() is None
    assert store.next_version() == 1
    for version in (1, 2):
        store.path(version).mkdir(parents=True)
        store.activate(version)
    assert store.versions() == [1, 2]
    assert store.active_version() == 2
    store.activate(1)  # roll back
    assert store.active_version() == 1
    assert store.next_version() == 3
    with pytest.raises(InputError, match="version 9 does not exist"):
        store.activate(9)
    (store.root / "ACTIVE").write_text("7\n", encoding="utf-8")
    with pytest.raises(SourceError, match="names version '7'"):
        store.active_version()


def test_labelled_csv_with_aliases_and_semicolons(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text(
        "Texto;TEXT;Label\nx;Muy rico;Positivo\ny;Caro;NEGATIVE\n;;\nz;Normal;neutro\n",
        encoding="utf-8",
    )
    data = read_labelled_feedback(path)
    assert data.texts == ("Muy rico", "Caro", "Normal")
    assert data.labels == ("positive", "negative", "neutral")
    assert data.counts() == {"negative": 1, "neutral": 1, "positive": 1}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("text\nhola\n", "missing column"),
        ("text,label\n,positive\n", "row 2"),
        ("text,label\nhola,great\n", "label 'great'"),
        ("text,label\n", "no labelled rows"),
    ],
)
def test_labelled_csv_errors_name_the_row(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_labelled_feedback(path)


def test_missing_file_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="cannot read"):
        read_labelled_feedback(tmp_path / "nope.csv")


def test_cross_validation_scores_every_text_once(train_table):
    texts = [row.text for row in train_table]
    labels = [row.label for row in train_table]
    evaluation = cross_validate_sentiment(texts, labels, folds=3, seed=1)
    assert evaluation is not None
    assert evaluation.n == len(texts)
    assert evaluation.accuracy > evaluation.majority_accuracy
    assert cross_validate_sentiment(texts[:4], labels[:4], folds=5) is None


def test_aspect_evaluation_counts_found_and_right():
    truth = pd.DataFrame(
        {
            "item": ["a", "a", "b", "c"],
            "aspect": ["food", "price", "food", "wait"],
            "label": ["positive", "negative", "negative", "negative"],
        }
    )
    predicted = pd.DataFrame(
        {
            "item": ["a", "b", "b", "z"],
            "aspect": ["food", "food", "service", "food"],
            "label": ["positive", "positive", "neutral", "positive"],
        }
    )
    found = {row.aspect: row for row in evaluate_aspects(predicted, truth)}
    food = found["food"]
    assert (food.support, food.found, food.matched) == (2, 2, 2)
    assert food.polarity_accuracy == 0.5
    assert found["price"].recall == 0.0
    assert found["service"].precision == 0.0
    assert found["wait"].polarity_accuracy is None
    with pytest.raises(InputError, match="lacks columns"):
        evaluate_aspects(predicted.drop(columns="label"), truth)


def test_partition_and_class_agreement():
    assert segment_agreement(["x", "x", "y", "y"], [1, 1, 0, 0]) == 1.0
    assert segment_agreement(["x", "y", "x", "y"], [1, 1, 0, 0]) < 0.1
    agreement = class_agreement(["star", "dog", "dog"], ["star", "dog", "puzzle"])
    assert agreement.agreement == pytest.approx(2 / 3)
    assert agreement.confusion["dog"] == {"dog": 1, "puzzle": 1, "star": 0}
    with pytest.raises(InputError):
        class_agreement([], [])
