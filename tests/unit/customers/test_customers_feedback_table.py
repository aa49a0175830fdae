"""The hand-written feedback tables: labels, aspects, languages, and the baselines.

``data/customers_feedback_dev.tsv`` (54 sentences) is the table the lexicon rules were tuned
on, so every row must pass. ``data/customers_feedback_holdout.tsv`` (40 sentences) was written
before tuning and is never tuned on: it carries the honest "real wording" figures, and the
tests only hold them above floors and above the majority-class baseline.
"""

from __future__ import annotations

import pytest
from tests.unit.customers.customers_tables import LabelledFeedback, read_feedback_table

from pulso.customers.lexicon import LexiconSentiment
from pulso.customers.sentiment import SentimentClassifier, analyze_feedback, evaluate_sentiment
from pulso.customers.text import detect_language

DEV = read_feedback_table("customers_feedback_dev.tsv")


def contradictions(row: LabelledFeedback, found: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Found aspects whose label the person did not give that aspect."""
    expected: dict[str, set[str]] = {}
    for aspect, label in row.aspects:
        expected.setdefault(aspect, set()).add(label)
    return {(a, label) for a, label in found if a in expected and label not in expected[a]}


def test_tables_are_large_and_varied(dev_table, holdout_table):
    for table in (dev_table, holdout_table):
        assert len(table) >= 40
        assert {row.label for row in table} == {"positive", "neutral", "negative"}
        assert {row.lang for row in table} == {"es", "en"}
    assert not {row.text for row in dev_table} & {row.text for row in holdout_table}


@pytest.mark.parametrize("row", DEV, ids=[row.text[:40] for row in DEV])
def test_dev_row_overall_label_and_aspects(row):
    result = analyze_feedback(row.text)
    assert result.label == row.label
    found = {(a.aspect, a.label) for a in result.aspects}
    assert row.aspects <= found
    # One known miss: a delay in "los platos" also counts against the food.
    allowed = {("food", "negative")} if row.text.startswith("Demoraron full") else set()
    assert contradictions(row, found) <= allowed


def test_language_detection_on_the_tables(dev_table, holdout_table):
    rows = dev_table + holdout_table
    correct = sum(detect_language(row.text) == row.lang for row in rows)
    assert correct / len(rows) >= 0.97


def test_lexicon_beats_the_majority_baseline_on_held_out_wording(holdout_table):
    texts = [row.text for row in holdout_table]
    evaluation = evaluate_sentiment(
        LexiconSentiment(), texts, [row.label for row in holdout_table]
    )
    assert evaluation.accuracy >= 0.7
    assert evaluation.macro_f1 >= 0.55
    assert evaluation.accuracy > evaluation.majority_accuracy + 0.2


def test_lexicon_aspects_on_held_out_wording(holdout_table):
    expected = found_expected = contradicted = 0
    for row in holdout_table:
        found = {(a.aspect, a.label) for a in analyze_feedback(row.text).aspects}
        expected += len(row.aspects)
        found_expected += len(row.aspects & found)
        contradicted += len(contradictions(row, found))
    assert found_expected / expected >= 0.75
    assert contradicted <= 2


def test_classifier_on_the_small_training_set_beats_the_baseline(train_table, holdout_table):
    model = SentimentClassifier().fit(
        [row.text for row in train_table], [row.label for row in train_table]
    )
    texts = [row.text for row in holdout_table]
    evaluation = evaluate_sentiment(model, texts, [row.label for row in holdout_table])
    assert evaluation.accuracy > evaluation.majority_accuracy + 0.15
