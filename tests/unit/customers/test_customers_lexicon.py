"""Lexicon files and the rule-based scorer (negation, contrast, intensity, emojis)."""

from __future__ import annotations

import hashlib
from importlib import resources

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils import estimator_checks

from pulso.customers.lexicon import (
    LexiconSentiment,
    label_for_score,
    load_lexicon,
    read_opener_expressions,
    read_table,
    resolve_language,
    score_text,
    squash_score,
)
from pulso.errors import InputError

LEXICONS = resources.files("pulso.customers") / "lexicons"
OPENER_SHA256 = "eaf80cdce5ca513e35b7f26fa3f0544040ad7b5266ad5a58279ceac433924ef5"


def label(text: str) -> str:
    return score_text(text).label


def test_opener_lexicon_ships_unchanged_with_its_licence_and_notice():
    data = (LEXICONS / "opener_es" / "expressions.csv").read_bytes()
    assert hashlib.sha256(data).hexdigest() == OPENER_SHA256
    licence = (LEXICONS / "opener_es" / "LICENSE.txt").read_text(encoding="utf-8")
    assert "Apache License, Version 2.0" in licence
    notice = (LEXICONS / "opener_es" / "README.md").read_text(encoding="utf-8")
    assert "34881c2b97fca6ce4c429f380d733916889959b4" in notice
    assert "Agerri" in notice


def test_load_lexicon_merges_opener_and_hand_written_terms():
    lexicon = load_lexicon()
    spanish = lexicon.opinions["es"]
    assert spanish.lookup("inmejorable") == 2.0  # OpeNER only
    assert spanish.lookup("buenazo") == 2.0  # hand-written
    assert spanish.lookup("regular") == -0.25  # hand-written overrides OpeNER's -1
    assert spanish.lookup("cerca") is None  # OpeNER hotel word, excluded
    assert lexicon.opinions["en"].lookup("delicious") == 2.0
    assert lexicon.contrast_markers["pero"] == "but"
    assert lexicon.contrast_markers["aunque"] == "although"
    assert {"no", "nunca", "ni", "tampoco", "sin", "nada", "jamas", "not", "never"} <= (
        lexicon.negators
    )


def test_term_lookup_finds_inflections_and_diminutives():
    spanish = load_lexicon().opinions["es"]
    assert spanish.lookup("ricas") == spanish.lookup("rico")
    assert spanish.lookup("baratito") == spanish.lookup("barato")
    assert spanish.lookup("calientita") is not None
    assert spanish.lookup("zzzz") is None


OPENER_SAMPLE = """\
"exp#pol";"ratio";"RelatFreq";"OverallFreq";"lemmas";"postags";"FreqWords"
"genial#strongpositive";"1";"3";"3";"genial";"N";"genial#3"
"hay#positive";"0";"17";"101";"hay";"N";"hay#101"
"cerca#positive";"0";"39";"74";"cerca";"N";"cerca#74"
"pequeño#negative";"0";"9";"30";"pequeño";"N";"pequeño#30"
"caro#negative";"0";"3";"5";"caro";"N";"caro#5"
"caro#positive";"0";"2";"5";"caro";"N";"caro#5"
"muy rico#strongpositive";"1";"2";"2";"muy rico";"N N";"muy#2 rico#2"
"24h#positive";"1";"2";"2";"24h";"N";"24h#2"
"""


def test_read_opener_expressions_applies_the_documented_filter():
    terms = read_opener_expressions(OPENER_SAMPLE, excluded={"cerca"})
    assert terms == {"genial": 2.0, "caro": -1.0}


def test_read_table_names_the_file_and_row_of_bad_lines():
    assert read_table(
        "# c\nterm\tweight\nrico\t1\n", file="x.tsv", columns=("term", "weight")
    ) == [{"term": "rico", "weight": "1"}]
    with pytest.raises(InputError, match=r"x\.tsv, row 1: header"):
        read_table("term,weight\n", file="x.tsv", columns=("term", "weight"))
    with pytest.raises(InputError, match=r"x\.tsv, row 3"):
        read_table("term\tweight\nrico\t1\nsolo\n", file="x.tsv", columns=("term", "weight"))


@pytest.mark.parametrize(
    "text",
    [
        "buenazo",
        "bravazo",
        "chévere",
        "paja el local",
        "riquísimo",
        "mostro",
        "de la pm",
        "bacán",
        "excelente",
        "delicious",
        "amazing",
    ],
)
def test_colloquial_and_english_praise_is_positive(text):
    assert label(text) == "positive"


@pytest.mark.parametrize(
    "text",
    [
        "qué roche",
        "una estafa",
        "asqueroso",
        "recontra caro",
        "pésimo",
        "el arroz frío",
        "muy salado",
        "el pollo crudo",
        "mucha demora",
        "bland",
        "rude",
        "overpriced",
    ],
)
def test_colloquial_and_english_complaints_are_negative(text):
    assert label(text) == "negative"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no estaba rico", "negative"),
        ("nada que reclamar", "positive"),
        ("no me arrepiento", "positive"),
        ("nunca más", "negative"),
        ("nunca más vuelvo", "negative"),
        ("not good", "negative"),
        ("the food wasn't good", "negative"),
        ("no está mal", "positive"),
        ("ni rico ni barato", "negative"),
        ("sin problemas", "positive"),
        ("poco amable", "negative"),
        ("no tengo ninguna queja", "positive"),
        ("sin duda lo mejor", "positive"),
    ],
)
def test_negation(text, expected):
    assert label(text) == expected


def test_contrast_the_clause_after_but_weighs_more():
    assert label("rico pero caro") == "negative"
    assert label("caro pero rico") == "positive"
    assert label("the food was good but expensive") == "negative"


def test_contrast_the_concession_weighs_less():
    assert label("rico aunque caro") == "positive"
    assert label("aunque caro, rico") == "positive"
    assert label("although pricey, delicious") == "positive"


def test_contrast_weights_are_parameters():
    even = score_text("rico pero caro", but_weight=1.0)
    assert even.score == pytest.approx(0.0)
    assert even.label == "neutral"


def test_intensifiers_and_diminishers_scale_the_next_term():
    plain = score_text("caro").score
    assert score_text("recontra caro").score < plain < score_text("un poco caro").score < 0
    assert score_text("bien rico").score > score_text("rico").score > 0


def test_bien_alone_is_praise():
    assert label("todo bien") == "positive"


def test_emojis_carry_polarity():
    assert label("😍👍😋") == "positive"
    assert label("😡👎🤮") == "negative"
    assert label("👍🏽") == "positive"  # skin tone ignored
    assert label("la comida 😐") == "neutral"


def test_elongated_words_score_like_the_plain_word():
    assert score_text("riquísimoooo").score == pytest.approx(score_text("riquísimo").score)
    assert score_text("buenaaazo").score == pytest.approx(score_text("buenazo").score)
    assert score_text("sooo goooood").label == "positive"


def test_cheap_typo_tolerance_for_long_words():
    assert score_text("exelente").score == pytest.approx(score_text("excelente").score)
    assert label("deliciozo") == "positive"
    assert label("estaba") == "neutral"  # short words are never guessed


def test_neutral_and_empty_feedback():
    assert label("La comida normal, ni fu ni fa") == "neutral"
    assert label("Fuimos el sábado con mi familia") == "neutral"
    reading = score_text("")
    assert (reading.score, reading.label, reading.clauses) == (0.0, "neutral", ())


def test_scores_stay_inside_minus_one_to_one():
    texts = ["😍" * 50, "😡" * 50, "buenazo " * 30, "pésimo " * 30]
    scores = [score_text(text).score for text in texts]
    assert all(-1.0 < score < 1.0 for score in scores)
    assert scores[0] > 0.99
    assert scores[1] < -0.99


def test_squash_and_label_thresholds():
    assert squash_score(0.0) == 0.0
    assert squash_score(2.0) == pytest.approx(2 / 8**0.5)
    assert label_for_score(0.2) == "neutral"
    assert label_for_score(0.21) == "positive"
    assert label_for_score(-0.21) == "negative"


def test_language_choice():
    assert score_text("The ceviche was great").lang == "en"
    assert score_text("great", lang="es").lang == "es"
    assert resolve_language("hola", "auto") == "es"
    with pytest.raises(InputError, match="lang must be"):
        resolve_language("hola", "fr")


TEXTS = ["Buenazo el ceviche", "Pésima atención", "Normal", "Rico pero caro"]


def test_lexicon_sentiment_predicts_labels_and_scores():
    model = LexiconSentiment().fit(TEXTS)
    assert list(model.predict(TEXTS)) == ["positive", "negative", "neutral", "negative"]
    scores = model.decision_function(TEXTS)
    assert scores.dtype == np.float64
    assert scores.shape == (4,)
    assert np.all((scores >= -1) & (scores <= 1))
    assert list(model.classes_) == ["negative", "neutral", "positive"]
    assert model.score(TEXTS, ["positive", "negative", "neutral", "positive"]) == 0.75


def test_lexicon_sentiment_follows_the_estimator_contract():
    model = LexiconSentiment(neutral_threshold=0.5)
    assert model.fit(TEXTS, ["positive"] * 4) is model
    assert clone(model).get_params() == model.get_params()
    assert not hasattr(clone(model), "classes_")
    # Nothing is learned, so an unfitted scorer works too.
    assert list(LexiconSentiment().predict(["buenazo"])) == ["positive"]
    with pytest.raises(InputError, match="4 texts but 1 labels"):
        model.fit(TEXTS, ["positive"])
    with pytest.raises(InputError, match="sequence of texts"):
        model.predict("buenazo")


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
    ],
)
def test_lexicon_sentiment_passes_sklearn_api_checks(check):
    # scikit-learn's data checks feed numeric arrays; these API checks apply to text models.
    check("LexiconSentiment", LexiconSentiment())
