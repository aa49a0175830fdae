"""Aspect-based sentiment, clause by clause."""

from __future__ import annotations

import pytest

from pulso.customers.aspects import (
    ASPECTS,
    AspectSentiment,
    extract_aspects,
    find_aspect_mentions,
    load_aspect_index,
)
from pulso.customers.lexicon import score_text
from pulso.customers.text import tokenize


def aspects_of(text: str) -> list[tuple[str, str, str]]:
    return [(a.aspect, a.label, a.evidence) for a in extract_aspects(score_text(text))]


def test_aspect_index_covers_the_five_aspects_in_both_languages():
    index = load_aspect_index()
    assert set(index.entries.values()) == set(ASPECTS)
    for word, aspect in [
        ("mozo", "service"),
        ("waiter", "service"),
        ("sazón", "food"),
        ("ceviche", "food"),
        ("precio", "price"),
        ("expensive", "price"),
        ("s/", "price"),
        ("música", "ambience"),
        ("atmosphere", "ambience"),
        ("demora", "wait"),
        ("slow", "wait"),
    ]:
        assert index.lookup(tokenize(word)[0]) == aspect, word


def test_find_aspect_mentions_prefers_the_longest_phrase():
    tokens = tuple(tokenize("el servicio higiénico y el servicio al toque"))
    assert find_aspect_mentions(tokens) == [(1, "ambience"), (5, "service"), (6, "wait")]


def test_contrast_gives_each_clause_its_own_aspect_label():
    assert aspects_of("Rico pero caro") == [
        ("food", "positive", "Rico"),
        ("price", "negative", "pero caro"),
    ]


def test_evidence_keeps_accents_and_case():
    assert aspects_of("La atención PÉSIMA") == [("service", "negative", "La atención PÉSIMA")]
    assert aspects_of("Riquísimo el ají de gallina") == [
        ("food", "positive", "Riquísimo el ají de gallina")
    ]


def test_an_aspect_named_before_a_comma_takes_the_next_opinion():
    assert aspects_of("La atención, PÉSIMA.") == [("service", "negative", "La atención, PÉSIMA")]
    assert aspects_of("El local, pero carísimo") == [("price", "negative", "pero carísimo")]


def test_coordinated_clauses_are_split():
    assert aspects_of("La comida rica y el servicio lento") == [
        ("food", "positive", "La comida rica"),
        ("service", "negative", "el servicio lento"),
        ("wait", "negative", "el servicio lento"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("comida rica servicio pésimo", {("food", "positive"), ("service", "negative")}),
        ("buena comida mala atención", {("food", "positive"), ("service", "negative")}),
        (
            "Great food slow service",
            {("food", "positive"), ("wait", "negative"), ("service", "negative")},
        ),
    ],
)
def test_mixed_clause_sends_each_opinion_to_the_nearest_aspect(text, expected):
    assert {(aspect, label) for aspect, label, _ in aspects_of(text)} == expected


def test_a_clause_without_opinion_yields_no_aspect():
    assert aspects_of("Esperamos 40 minutos por el ceviche") == []
    assert aspects_of("La comida normal") == [("food", "neutral", "La comida normal")]


def test_an_aspect_is_listed_once_per_clause():
    assert aspects_of("la atención del mozo muy amable") == [
        ("service", "positive", "la atención del mozo muy amable")
    ]
    assert aspects_of("El mozo amable, el mozo atento") == [
        ("service", "positive", "El mozo amable"),
        ("service", "positive", "el mozo atento"),
    ]


def test_aspect_sentiment_to_dict():
    aspect = AspectSentiment("price", "negative", "pero carísimo")
    assert aspect.to_dict() == {
        "aspect": "price",
        "label": "negative",
        "evidence": "pero carísimo",
    }
