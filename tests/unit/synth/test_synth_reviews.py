"""The review text writer: rich, compositional, agreeing Spanish with planted polarity."""

from __future__ import annotations

import itertools
import re
import unicodedata

import numpy as np
import pytest

from pulso.synth._reviews import (
    ASPECTS,
    POLARITIES,
    DishRef,
    Mention,
    ReviewRequest,
    ReviewWriter,
    inflect,
    templates_for,
)

CELLS = list(itertools.product(ASPECTS, POLARITIES))
CAUSA = DishRef("causa", "f", False, 24.0)
ANTICUCHOS = DishRef("anticuchos", "m", True, 24.9)


def _request(*mentions: tuple[str, str], lang="es", dish=CAUSA, channel="salón", overall=None):
    items = tuple(Mention(a, p) for a, p in mentions)
    total = sum({"positive": 1, "negative": -1, "neutral": 0}[m.polarity] for m in items)
    label = overall or ("positive" if total > 0 else "negative" if total < 0 else "neutral")
    return ReviewRequest(lang=lang, mentions=items, overall=label, dish=dish, channel=channel)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


@pytest.mark.parametrize(("aspect", "polarity"), CELLS)
def test_every_cell_has_many_distinct_templates(aspect, polarity):
    assert len(set(templates_for("es", aspect, polarity))) >= 25
    assert len(set(templates_for("en", aspect, polarity))) >= 10


@pytest.mark.parametrize(("aspect", "polarity"), CELLS)
def test_clauses_are_compositional(aspect, polarity):
    writer = ReviewWriter(np.random.default_rng(5))
    clauses = set()
    for dish in (CAUSA, ANTICUCHOS, None):
        request = _request((aspect, polarity), dish=dish)
        clauses |= {writer.clause(request, request.mentions[0])[0] for _ in range(200)}
    assert len(clauses) >= 60


@pytest.mark.parametrize(
    ("word", "gender", "plural", "expected"),
    [
        ("rico", "f", False, "rica"),
        ("rico", "m", True, "ricos"),
        ("bien servido", "f", True, "bien servidas"),
        ("acogedor", "f", False, "acogedora"),
        ("descortés", "m", True, "descorteses"),
        ("común", "m", True, "comunes"),
        ("excelente", "f", True, "excelentes"),
        ("=de la pm", "f", True, "de la pm"),
    ],
)
def test_adjectives_agree_with_their_noun(word, gender, plural, expected):
    assert inflect(word, gender, plural) == expected


def test_same_seed_writes_the_same_reviews():
    requests = [_request(("food", "positive"), ("price", "negative"))] * 30
    first_writer = ReviewWriter(np.random.default_rng(9))
    second_writer = ReviewWriter(np.random.default_rng(9))
    first = [first_writer.write(r).text for r in requests]
    second = [second_writer.write(r).text for r in requests]
    assert first == second
    assert len(set(first)) > 20  # one request, many different texts


def test_contrast_connects_mixed_polarities():
    writer = ReviewWriter(np.random.default_rng(1))
    mixed = [
        _plain(writer.write(_request(("food", "positive"), ("price", "negative"))).text)
        for _ in range(300)
    ]
    contrast = re.compile(r"\b(pero|aunque|sin embargo|eso si|en cambio|lo malo)\b")
    assert np.mean([bool(contrast.search(t)) for t in mixed]) > 0.6
    same = [
        _plain(writer.write(_request(("food", "positive"), ("price", "positive"))).text)
        for _ in range(300)
    ]
    assert np.mean([bool(contrast.search(t)) for t in same]) < 0.15


def test_corpus_uses_peruvian_spanish_negation_and_noise():
    writer = ReviewWriter(np.random.default_rng(2))
    texts = [
        writer.write(_request((a, p), (b, q))).text
        for (a, p), (b, q) in itertools.product(CELLS, repeat=2)
        if a != b
        for _ in range(4)
    ]
    corpus = _plain(" ".join(texts))
    for expression in ("buenaz", "de la pm", "al toque", "roche", "recontra", "nada que reclamar",
                       "nunca mas", "no me arrepiento", "la sazon", "mozo", "estafa"):  # fmt: skip
        assert expression in corpus, expression
    assert re.search(r"([aeiou])\1{2,}", corpus)  # elongations such as "ricooo"
    missing_accents = re.compile(r"\b(atencion|sazon|tambien|rapido|riquisimo|pesimo|estandar)\b")
    assert any(missing_accents.search(t.lower()) for t in texts)
    assert any(t == t.lower() and t[0].isalpha() for t in texts)


def test_channel_specific_phrases_stay_in_their_channel():
    writer = ReviewWriter(np.random.default_rng(3))
    cells = [("wait", "positive"), ("wait", "negative"), ("service", "positive")]
    delivery = " ".join(
        writer.write(_request(cell, channel="delivery")).text for cell in cells for _ in range(150)
    )
    dine_in = " ".join(
        writer.write(_request(cell, channel="salón")).text for cell in cells for _ in range(150)
    )
    assert "nos sentaron" not in _plain(delivery)
    assert "repartidor" not in _plain(dine_in)
    assert "la app" not in _plain(dine_in)


def test_dish_flag_matches_the_text():
    writer = ReviewWriter(np.random.default_rng(4))
    named, found = 0, 0
    for _ in range(400):
        written = writer.write(_request(("food", "positive"), dish=ANTICUCHOS))
        if written.mentions_dish:
            named += 1
            found += "anticuchos" in _plain(written.text)
        else:
            assert "anticuchos" not in _plain(written.text)
    assert named > 100
    assert found >= 0.95 * named


def test_reviews_without_mentions_are_short_generic_ones():
    writer = ReviewWriter(np.random.default_rng(6))
    for polarity in POLARITIES:
        written = writer.write(_request(overall=polarity))
        assert not written.mentions_dish
        assert len(written.text.split()) <= 5
