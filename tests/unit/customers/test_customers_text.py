"""Folding, tokens, clauses and language detection."""

from __future__ import annotations

import unicodedata

import pytest

from pulso.customers.text import (
    check_texts,
    detect_language,
    elongation_variants,
    fold_text,
    split_clauses,
    tokenize,
)
from pulso.errors import InputError

MARKERS = {
    "pero": "but",
    "pero si": "but",
    "aunque": "although",
    "sin embargo": "but",
    "but": "but",
}


def test_fold_text_removes_accents_and_case_but_keeps_offsets():
    text = "Riquísimo CEVICHE, ñam, Ají’s"
    folded = fold_text(text)
    assert folded == "riquisimo ceviche, nam, aji's"
    assert len(folded) == len(unicodedata.normalize("NFC", text))


def test_fold_text_handles_decomposed_accents():
    decomposed = unicodedata.normalize("NFD", "rápido")
    assert fold_text(decomposed) == "rapido"
    assert tokenize(decomposed) == ["rapido"]


def test_tokenize_keeps_emojis_emoticons_currency_and_contractions():
    assert tokenize("¡Buenazo!! 👍🏽👍 S/ 45,50 :) wasn't") == [
        "buenazo",
        "👍",
        "👍",
        "s/",
        "45,50",
        ":)",
        "wasn't",
    ]


@pytest.mark.parametrize(
    ("token", "expected"),
    [("riquisimoooo", "riquisimo"), ("buenaaazo", "buenazo"), ("goooood", "good")],
)
def test_elongation_variants_include_the_intended_spelling(token, expected):
    variants = elongation_variants(token)
    assert variants[0] == token
    assert expected in variants


def test_split_clauses_cuts_at_punctuation_and_keeps_the_text_as_written():
    clauses = split_clauses("¡Riquísimo! La atención, rápida.", contrast_markers=MARKERS)
    assert [clause.text for clause in clauses] == ["Riquísimo", "La atención", "rápida"]
    assert all(clause.marker is None for clause in clauses)


def test_split_clauses_opens_a_clause_at_contrast_markers():
    clauses = split_clauses("Rico pero sí caro, aunque bonito", contrast_markers=MARKERS)
    assert [(c.text, c.marker) for c in clauses] == [
        ("Rico", None),
        ("pero sí caro", "but"),
        ("aunque bonito", "although"),
    ]


def test_split_clauses_marker_after_comma_and_at_start():
    clauses = split_clauses("Aunque caro, rico, pero lento", contrast_markers=MARKERS)
    assert [(c.text, c.marker) for c in clauses] == [
        ("Aunque caro", "although"),
        ("rico", None),
        ("pero lento", "but"),
    ]


def test_split_clauses_offsets_point_into_the_text():
    text = "La comida rica y el servicio lento"
    clauses = split_clauses(text)
    assert [c.text for c in clauses] == ["La comida rica", "el servicio lento"]
    assert all(text[c.start : c.end] == c.text for c in clauses)


def test_split_clauses_keeps_decimal_commas_and_emoticons():
    clauses = split_clauses("S/ 45,50 el plato :) muy bien")
    assert [c.text for c in clauses] == ["S/ 45,50 el plato :) muy bien"]


def test_split_clauses_of_blank_text_is_empty():
    assert split_clauses("  ...  ") == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("El ceviche estaba buenazo y la atención rápida", "es"),
        ("The food was great and the waiter very friendly", "en"),
        ("¿Rico? Sí, riquísimo", "es"),
        ("The lomo saltado was buenazo but too salty", "en"),
        ("El staff muy friendly y la comida top", "es"),
        ("Todo nice, la comida de la pm", "es"),
        ("We loved the ceviche, definitely coming back", "en"),
        ("", "es"),
        ("😍😍", "es"),
    ],
)
def test_detect_language_on_plain_and_mixed_feedback(text, lang):
    assert detect_language(text) == lang


def test_check_texts_rejects_a_bare_string_and_non_strings():
    assert check_texts(("a", "b")) == ["a", "b"]
    with pytest.raises(InputError, match="sequence of texts"):
        check_texts("just one text")
    with pytest.raises(InputError, match="text 1 is a int"):
        check_texts(["ok", 3])
