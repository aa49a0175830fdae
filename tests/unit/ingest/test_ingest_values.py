"""Parsing the values Peruvian exports contain."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pulso.ingest.values import (
    fold_text,
    parse_bool,
    parse_datetime,
    parse_int,
    parse_price,
    pseudonymise,
    slugify,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.90", 12.9),
        ("12,90", 12.9),
        ("S/ 12.90", 12.9),
        ("S/12,90", 12.9),
        ("S/. 1,299.00", 1299.0),
        ("1.299,00", 1299.0),
        ("  7 ", 7.0),
        ("PEN 3.5", 3.5),
        ("9.90 soles", 9.9),
    ],
)
def test_prices_in_every_peruvian_style(raw, expected):
    parsed = parse_price(pd.Series([raw]))
    assert parsed.values.iloc[0] == pytest.approx(expected)
    assert not parsed.invalid.iloc[0]


@pytest.mark.parametrize("raw", ["abc", "--", "S/ abc", "nan", "inf", "1,2,3"])
def test_unreadable_prices_are_flagged_not_guessed(raw):
    parsed = parse_price(pd.Series([raw]))
    assert math.isnan(parsed.values.iloc[0])
    assert parsed.invalid.iloc[0]


def test_missing_cells_are_missing_not_invalid():
    parsed = parse_price(pd.Series([None, ""], dtype="string"))
    assert parsed.values.isna().all()
    assert not parsed.invalid.any()


def test_datetimes_are_lima_time_converted_to_utc():
    raw = pd.Series(
        ["2026-07-28", "28/07/2026 13:05", "2026-07-28T13:05:00-05:00", "2026-02-31", "ayer"]
    )
    parsed = parse_datetime(raw)
    assert [v.isoformat() if not pd.isna(v) else None for v in parsed.values] == [
        "2026-07-28T05:00:00+00:00",
        "2026-07-28T18:05:00+00:00",
        "2026-07-28T18:05:00+00:00",
        None,
        None,
    ]
    assert parsed.invalid.tolist() == [False, False, False, True, True]


def test_integers_reject_fractions_and_words():
    parsed = parse_int(pd.Series(["3", "3.0", "3.5", "dos"]))
    assert parsed.values.iloc[0] == 3
    assert parsed.values.iloc[1] == 3
    assert parsed.invalid.tolist() == [False, False, True, True]


def test_booleans_in_spanish_and_english():
    parsed = parse_bool(pd.Series(["sí", "No", "1", "x", "yes", "quizás"]))
    assert parsed.values.tolist()[:5] == [True, False, True, True, True]
    assert parsed.invalid.tolist() == [False, False, False, False, False, True]


def test_names_fold_and_slug():
    assert fold_text("  Cevichería  ÑAHUI ") == "cevicheria nahui"
    assert slugify("Plaza Vea") == slugify("PLAZA  VEA") == "plaza-vea"


def test_pseudonyms_are_keyed_stable_and_not_the_input():
    first = pseudonymise("Maria@Example.com ", key=b"k1")
    assert first == pseudonymise("maria@example.com", key=b"k1")
    assert first != pseudonymise("maria@example.com", key=b"k2")
    assert "maria" not in first
    assert len(first) == 64
