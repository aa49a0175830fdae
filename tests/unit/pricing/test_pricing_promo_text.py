"""Tests for pulso.pricing.promo_text: one row per supported phrasing, plus robustness."""

from __future__ import annotations

import dataclasses
import json
import math
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulso.errors import InputError
from pulso.pricing.promo_text import (
    PromoParse,
    PromoType,
    normalize_promo_text,
    parse_promo,
    parse_promos,
)

REF = date(2026, 3, 10)

PERCENT = PromoType.PERCENT_OFF
AMOUNT = PromoType.AMOUNT_OFF
MULTI = PromoType.MULTIBUY
NTH = PromoType.NTH_UNIT_DISCOUNT
CARD = PromoType.CARD_PRICE
BUNDLE = PromoType.BUNDLE
UNKNOWN = PromoType.UNKNOWN

# text, regular price, type, effective discount, min units
PHRASINGS = [
    # multibuy: 1 - pay / take
    ("2x1", None, MULTI, 0.5, 2),
    ("2 x 1", None, MULTI, 0.5, 2),
    ("3x2", None, MULTI, 0.3333, 3),
    ("3 X 2", None, MULTI, 0.3333, 3),
    ("4x3", None, MULTI, 0.25, 4),
    ("3 por 2", None, MULTI, 0.3333, 3),
    ("Promo 2x1 en gaseosas", None, MULTI, 0.5, 2),
    ("lleva 3 paga 2", None, MULTI, 0.3333, 3),
    ("LLEVA 3, PAGA 2", None, MULTI, 0.3333, 3),
    ("lleva 3 y paga solo 2", None, MULTI, 0.3333, 3),
    ("llévate 2 y paga 1", None, MULTI, 0.5, 2),
    ("Llevate 2 y paga 1", None, MULTI, 0.5, 2),
    ("compra 2 y llévate 3", None, MULTI, 0.3333, 3),
    ("Compra 2   y   LLÉVATE 3", None, MULTI, 0.3333, 3),
    # percent off: P
    ("25% dscto.", None, PERCENT, 0.25, 1),
    ("25 % DSCTO", None, PERCENT, 0.25, 1),
    ("25% dcto.", None, PERCENT, 0.25, 1),
    ("25% de descuento", None, PERCENT, 0.25, 1),
    ("25% desc.", None, PERCENT, 0.25, 1),
    ("Dscto. 25%", None, PERCENT, 0.25, 1),
    ("-30%", None, PERCENT, 0.30, 1),
    ("- 30 %", None, PERCENT, 0.30, 1),
    ("ahorra 20%", None, PERCENT, 0.20, 1),
    ("AHORRA 20 %", None, PERCENT, 0.20, 1),
    ("12,5% dscto", None, PERCENT, 0.125, 1),
    ("20% off", None, PERCENT, 0.20, 1),
    ("A mitad de precio", None, PERCENT, 0.5, 1),
    ("25% dscto llevando 2 unidades", None, PERCENT, 0.25, 2),
    # amount off: A / R
    ("S/ 2 de descuento", 10.0, AMOUNT, 0.2, 1),
    ("S/2 de dscto.", 10.0, AMOUNT, 0.2, 1),
    ("s/. 2,00 de dcto", 10.0, AMOUNT, 0.2, 1),
    ("2 soles de descuento", 10.0, AMOUNT, 0.2, 1),
    ("ahorra S/ 2", 10.0, AMOUNT, 0.2, 1),
    ("Dscto. S/ 2", 10.0, AMOUNT, 0.2, 1),
    ("-S/ 2", 10.0, AMOUNT, 0.2, 1),
    ("S/ 2 de descuento", None, AMOUNT, None, 1),
    # amount off from two stated prices: 1 - after / before
    ("antes S/ 12.90 ahora S/ 9.90", None, AMOUNT, 0.2326, 1),
    ("Antes S/12,90 - Ahora S/9,90", None, AMOUNT, 0.2326, 1),
    ("de S/ 12.90 a S/ 9.90", None, AMOUNT, 0.2326, 1),
    ("S/ 9.90 (antes S/ 12.90)", None, AMOUNT, 0.2326, 1),
    ("antes S/ 12.90 ahora S/ 9.90", 20.0, AMOUNT, 0.2326, 1),
    # amount off from an offer price: 1 - p / R
    ("Oferta S/ 8", 10.0, AMOUNT, 0.2, 1),
    ("ahora a solo 8 soles", 10.0, AMOUNT, 0.2, 1),
    ("Precio con dscto. S/ 8.00", 10.0, AMOUNT, 0.2, 1),
    ("Llévalo a S/ 8", 10.0, AMOUNT, 0.2, 1),
    ("Precio especial S/ 8", 10.0, AMOUNT, 0.2, 1),
    # n-th unit: P / n
    ("2da unidad al 50%", None, NTH, 0.25, 2),
    ("2DA UNIDAD AL 50 %", None, NTH, 0.25, 2),
    ("2do al 50%", None, NTH, 0.25, 2),
    ("2° unidad -50%", None, NTH, 0.25, 2),
    ("segunda unidad al 50%", None, NTH, 0.25, 2),
    ("50% dscto. en la 2da unidad", None, NTH, 0.25, 2),
    ("50% de descuento en la segunda unidad", None, NTH, 0.25, 2),
    ("-50% en la 2da", None, NTH, 0.25, 2),
    ("3ra unidad gratis", None, NTH, 0.3333, 3),
    ("lleva 3 y la tercera es gratis", None, NTH, 0.3333, 3),
    ("la 2da a mitad de precio", None, NTH, 0.25, 2),
    ("2da unidad a S/ 1", 5.0, NTH, 0.4, 2),
    ("2da unidad a S/ 1", None, NTH, None, 2),
    # bundle: 1 - B / (N R)
    ("pack x 3 a S/ 10", 4.50, BUNDLE, 0.2593, 3),
    ("Pack de 3 por S/10", 4.50, BUNDLE, 0.2593, 3),
    ("3 x S/ 10", 4.50, BUNDLE, 0.2593, 3),
    ("lleva 3 por S/ 10.00", 4.50, BUNDLE, 0.2593, 3),
    ("2 x S/ 9.90", 5.99, BUNDLE, round(1 - 9.90 / 11.98, 4), 2),
    ("2 x 9.90 soles", 5.99, BUNDLE, round(1 - 9.90 / 11.98, 4), 2),
    ("2 x S/ 4.95 c/u", 5.99, BUNDLE, round(1 - 9.90 / 11.98, 4), 2),
    ("Combo x 3 a S/ 10", 4.50, BUNDLE, 0.2593, 3),
    ("x3 S/ 10", 4.50, BUNDLE, 0.2593, 3),
    ("S/ 10 x 3 unidades", 4.50, BUNDLE, 0.2593, 3),
    ("pack x 3 a S/ 10", None, BUNDLE, None, 3),
    ("2 x S/ 15", 5.0, BUNDLE, 0.0, 2),  # dearer than two units: no saving, not negative
    # card price: 1 - p / R
    ("Precio Oh! S/ 8.90", 10.0, CARD, 0.11, 1),
    ("PRECIO OH! S/8,90", 10.0, CARD, 0.11, 1),
    ("S/ 8.90 con tarjeta Oh!", 10.0, CARD, 0.11, 1),
    ("CMR S/ 8.90", 10.0, CARD, 0.11, 1),
    ("Precio regular S/ 10.00 Precio Oh! S/ 8.90", None, CARD, 0.11, 1),
    ("Precio Oh! S/ 8.90", None, CARD, None, 1),
    ("Precio exclusivo CMR", 10.0, CARD, None, 1),
    ("con Cencosud", None, CARD, None, 1),
    ("Exclusivo con tarjeta Bonus", None, CARD, None, 1),
    # combinations: the mechanism gives the type, the rest are modifiers
    ("2x1 con tarjeta Oh! hasta agotar stock", None, MULTI, 0.5, 2),
    ("25% dscto. con CMR", None, PERCENT, 0.25, 1),
    ("25% dscto. del 1 al 15 de julio", None, PERCENT, 0.25, 1),
    ("10% dscto. por compras mayores a S/ 100 con tarjeta Oh!", 5.0, PERCENT, 0.10, 1),
    # not a promotion mechanism
    ("hasta agotar stock", None, UNKNOWN, None, 1),
    ("del 1 al 15 de julio", None, UNKNOWN, None, 1),
    ("Producto nuevo", None, UNKNOWN, None, 1),
    ("", None, UNKNOWN, None, 1),
    ("50% más contenido", None, UNKNOWN, None, 1),
    ("0% interés en 6 cuotas", None, UNKNOWN, None, 1),
    ("Leche evaporada 3% grasa", None, UNKNOWN, None, 1),
    ("Envío gratis por compras desde S/ 99", 5.0, UNKNOWN, None, 1),
    ("Pack 6 x 355 ml", None, UNKNOWN, None, 1),
    ("Gaseosa 2x1.5L", None, UNKNOWN, None, 1),
    ("150% dscto", None, UNKNOWN, None, 1),
]


@pytest.mark.parametrize(
    ("text", "regular", "expected_type", "expected_discount", "expected_min_units"),
    PHRASINGS,
    ids=[f"{row[0]!r}@{row[1]}" for row in PHRASINGS],
)
def test_phrasing_gives_type_and_effective_discount(
    text, regular, expected_type, expected_discount, expected_min_units
):
    parsed = parse_promo(text, regular_price_pen=regular, reference_date=REF)

    assert parsed.promo_type is expected_type
    assert parsed.min_units == expected_min_units
    if expected_discount is None:
        assert parsed.effective_discount is None
    else:
        assert parsed.effective_discount == pytest.approx(expected_discount, abs=1e-4)


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("3x2", {"pay_units": 2, "min_units": 3}),
        ("compra 2 y llévate 3", {"pay_units": 2, "min_units": 3}),
        ("50% dscto. en la 2da unidad", {"nth_unit": 2, "percent": 50.0}),
        ("3ra unidad gratis", {"nth_unit": 3, "percent": 100.0}),
        ("2da unidad a S/ 1", {"nth_unit": 2, "promo_price_pen": 1.0}),
        ("25% dscto.", {"percent": 25.0, "up_to": False}),
        ("Hasta 50% dscto", {"percent": 50.0, "up_to": True}),
        ("ahorra hasta S/ 5", {"amount_pen": 5.0, "up_to": True}),
        ("S/ 2 de descuento", {"amount_pen": 2.0}),
        ("pack x 3 a S/ 10", {"bundle_price_pen": 10.0}),
        ("2 x S/ 4.95 c/u", {"bundle_price_pen": 9.9}),
        (
            "antes S/ 12.90 ahora S/ 9.90",
            {"amount_pen": 3.0, "promo_price_pen": 9.9, "reference_price_pen": 12.9},
        ),
        ("Precio Oh! S/ 8.90", {"promo_price_pen": 8.9, "card_name": "Oh!"}),
    ],
)
def test_parameters_are_reported(text, fields):
    parsed = parse_promo(text, reference_date=REF)

    assert {name: getattr(parsed, name) for name in fields} == fields


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("S/ 9.90 oferta", 9.9),
        ("S/9,90 oferta", 9.9),
        ("S/. 9.90 oferta", 9.9),
        ("S/.9,90 oferta", 9.9),
        ("9.90 soles oferta", 9.9),
        ("9,90 soles oferta", 9.9),
        ("S/ 1,299.00 oferta", 1299.0),
        ("S/ 1.299,00 oferta", 1299.0),
        ("S/ 1.299 oferta", 1299.0),
    ],
)
def test_price_spellings_are_read(text, price):
    assert parse_promo(text).promo_price_pen == price


@pytest.mark.parametrize(
    ("text", "regular", "needs"),
    [
        ("S/ 2 de descuento", None, True),
        ("S/ 2 de descuento", 10.0, False),
        ("pack x 3 a S/ 10", None, True),
        ("Precio Oh! S/ 8.90", None, True),
        ("antes S/ 12.90 ahora S/ 9.90", None, False),
        ("Precio exclusivo CMR", None, False),  # no price stated: a regular price would not help
        ("2x1", None, False),
        ("25% dscto.", None, False),
        ("S/ 2 de descuento", math.nan, True),  # NaN from a DataFrame means "unknown"
        ("S/ 2 de descuento", -3.0, True),
    ],
)
def test_needs_regular_price_only_when_an_amount_cannot_be_turned_into_a_ratio(
    text, regular, needs
):
    parsed = parse_promo(text, regular_price_pen=regular)

    assert parsed.needs_regular_price is needs
    assert (parsed.effective_discount is None) or not parsed.needs_regular_price


def test_amount_larger_than_regular_price_gives_no_discount():
    parsed = parse_promo("S/ 20 de descuento", regular_price_pen=10.0)

    assert parsed.promo_type is AMOUNT
    assert parsed.effective_discount is None


@pytest.mark.parametrize(
    ("text", "card_name"),
    [
        ("Precio Oh! S/ 8.90", "Oh!"),
        ("S/ 8.90 con tarjeta Oh!", "Oh!"),
        ("S/ 8.90 con tarjeta OH !", "Oh!"),
        ("Precio exclusivo CMR", "CMR"),
        ("con Cencosud", "Cencosud"),
        ("Acumula con Bonus", "Bonus"),
        ("30% dscto con tarjeta Ripley", "Ripley"),
        ("precio tarjeta S/ 8.90", None),
        ("Exclusivo con tarjeta", None),
    ],
)
def test_card_is_recognised(text, card_name):
    parsed = parse_promo(text)

    assert parsed.card_name == card_name
    assert parsed.card_required is True


@pytest.mark.parametrize("text", ["2x1", "25% dscto.", "precio tarjetero"])
def test_no_card_when_none_is_named(text):
    parsed = parse_promo(text)

    assert parsed.card_name is None
    assert parsed.card_required is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hasta agotar stock", True),
        ("HASTA AGOTAR STOCK", True),
        ("Válido hasta agotar existencias", True),
        ("mientras duren las existencias", True),
        ("Stock limitado", True),
        ("2x1 con tarjeta Oh! hasta agotar stock", True),
        ("2x1", False),
        ("hasta el 31 de diciembre", False),
    ],
)
def test_until_stock_lasts_flag(text, expected):
    assert parse_promo(text, reference_date=REF).until_stock_lasts is expected


def test_until_stock_lasts_alone_is_unknown_with_flag():
    parsed = parse_promo("Hasta agotar stock", reference_date=REF)

    assert parsed.promo_type is UNKNOWN
    assert parsed.effective_discount is None
    assert parsed.until_stock_lasts is True


@pytest.mark.parametrize(
    ("text", "valid_from", "valid_to"),
    [
        ("del 1 al 15 de julio", date(2026, 7, 1), date(2026, 7, 15)),
        ("Del 1 al 15 de Julio", date(2026, 7, 1), date(2026, 7, 15)),
        ("del 1ro al 15 de julio", date(2026, 7, 1), date(2026, 7, 15)),
        ("del 1 de julio al 15 de agosto", date(2026, 7, 1), date(2026, 8, 15)),
        ("del 1 al 15 de julio de 2025", date(2025, 7, 1), date(2025, 7, 15)),
        ("del lunes 6 al domingo 12 de julio", date(2026, 7, 6), date(2026, 7, 12)),
        ("del 1 al 15 de set.", date(2026, 9, 1), date(2026, 9, 15)),
        ("válido del 01/07 al 15/07", date(2026, 7, 1), date(2026, 7, 15)),
        ("vigencia 01/07/26 - 15/07/26", date(2026, 7, 1), date(2026, 7, 15)),
        ("hasta el 31 de diciembre", None, date(2026, 12, 31)),
        ("válido hasta el 31/12/2027", None, date(2027, 12, 31)),
        ("desde el 1 de julio", date(2026, 7, 1), None),
        ("a partir del 01/07", date(2026, 7, 1), None),
        ("25% dscto. del 1 al 15 de julio", date(2026, 7, 1), date(2026, 7, 15)),
        ("del 31 de febrero al 3 de marzo", None, date(2026, 3, 3)),  # impossible date
        ("2x1", None, None),
    ],
)
def test_validity_dates(text, valid_from, valid_to):
    parsed = parse_promo(text, reference_date=REF)

    assert (parsed.valid_from, parsed.valid_to) == (valid_from, valid_to)


@pytest.mark.parametrize(
    ("reference", "valid_from", "valid_to"),
    [
        (date(2026, 12, 20), date(2026, 12, 28), date(2027, 1, 3)),
        (date(2027, 1, 2), date(2026, 12, 28), date(2027, 1, 3)),
    ],
)
def test_range_across_new_year_is_placed_around_the_reference_date(
    reference, valid_from, valid_to
):
    parsed = parse_promo("del 28 de diciembre al 3 de enero", reference_date=reference)

    assert (parsed.valid_from, parsed.valid_to) == (valid_from, valid_to)


def test_dates_without_reference_take_the_current_year_in_lima():
    this_year = datetime.now(ZoneInfo("America/Lima")).year

    parsed = parse_promo("del 1 al 15 de julio")

    assert (parsed.valid_from, parsed.valid_to) == (date(this_year, 7, 1), date(this_year, 7, 15))


def test_combination_keeps_every_part():
    parsed = parse_promo(
        "2x1 con tarjeta Oh! del 1 al 15 de julio hasta agotar stock", reference_date=REF
    )

    assert parsed.promo_type is MULTI
    assert parsed.effective_discount == 0.5
    assert parsed.card_name == "Oh!"
    assert parsed.until_stock_lasts is True
    assert (parsed.valid_from, parsed.valid_to) == (date(2026, 7, 1), date(2026, 7, 15))


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("  LLÉVATE   2 y  PAGA 1 ", "llevate 2 y paga 1"),
        ("50% Dcto. en la 2da unidad", "50% dscto en la #2 unidad"),
        ("Segunda unidad", "#2 unidad"),
        ("tercera", "#3"),
        ("3ra", "#3"),
        ("S/.9,90", "s/ 9.9"),
        ("9.90 soles", "s/ 9.9"),
        ("#hashtag 2x1", "hashtag 2x1"),
    ],
)
def test_normalize_promo_text(text, normalised):
    assert normalize_promo_text(text) == normalised


def test_to_dict_is_the_json_contract():
    parsed = parse_promo("25% dscto. con tarjeta Oh! del 1 al 15 de julio", reference_date=REF)

    document = json.loads(json.dumps(parsed.to_dict()))

    assert document["type"] == "percent_off"
    assert document["effective_discount"] == 0.25
    assert document["min_units"] == 1
    assert document["percent"] == 25.0
    assert document["card_name"] == "Oh!"
    assert document["valid_from"] == "2026-07-01"
    assert document["valid_to"] == "2026-07-15"
    assert document["raw_text"] == "25% dscto. con tarjeta Oh! del 1 al 15 de julio"
    assert document["needs_regular_price"] is False


def test_promo_type_values_are_the_contract_strings():
    assert {member.value for member in PromoType} == {
        "percent_off",
        "amount_off",
        "multibuy",
        "nth_unit_discount",
        "card_price",
        "bundle",
        "unknown",
    }
    assert str(PromoType.MULTIBUY) == "multibuy"
    assert json.dumps(PromoType.MULTIBUY) == '"multibuy"'


def test_promo_parse_is_frozen():
    parsed = parse_promo("2x1")

    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.min_units = 3  # type: ignore[misc]


def test_raw_text_is_kept_verbatim():
    assert parse_promo("  2X1 ¡Solo HOY!  ").raw_text == "  2X1 ¡Solo HOY!  "


def test_parse_promos_matches_parse_promo_row_by_row():
    texts = ["2x1", None, "pack x 3 a S/ 10", "S/ 2 de descuento", "pack x 3 a S/ 10"]
    prices = [None, 5.0, 4.5, math.nan, None]

    parsed = parse_promos(texts, regular_prices_pen=prices, reference_date=REF)

    assert [p.effective_discount for p in parsed] == [0.5, None, 0.2593, None, None]
    assert parsed[1].promo_type is UNKNOWN
    assert parsed[1].raw_text == ""
    assert parsed[3].needs_regular_price is True
    for text, price, result in zip(texts, prices, parsed, strict=True):
        if text is not None:
            assert result == parse_promo(text, regular_price_pen=price, reference_date=REF)


def test_parse_promos_without_prices():
    parsed = parse_promos(["3x2", "25% dscto."])

    assert [p.effective_discount for p in parsed] == [0.3333, 0.25]


def test_parse_promos_rejects_prices_of_another_length():
    with pytest.raises(InputError, match="2 values for 3 texts"):
        parse_promos(["2x1", "3x2", "4x3"], regular_prices_pen=[1.0, 2.0])


def test_repeated_texts_are_served_from_the_cache():
    texts = [f"{n}x{n - 1} hasta agotar stock del 1 al 15 de julio" for n in range(2, 22)]
    repeated = texts * 5_000  # 100k rows, 20 distinct texts
    parse_promos(texts, reference_date=REF)  # warm the cache

    started = time.perf_counter()
    parsed = parse_promos(repeated, reference_date=REF)
    elapsed = time.perf_counter() - started

    assert len(parsed) == 100_000
    assert parsed[0] is parsed[20]  # the same cached record, not a re-parse
    assert elapsed < 1.0  # about 0.05 s here; a re-parse of every row takes seconds


def test_long_text_is_parsed():
    text = "x" * 5_000 + " 2x1 " + "y" * 5_000

    parsed = parse_promo(text)

    assert parsed.promo_type is MULTI
    assert parsed.effective_discount == 0.5


def test_long_promo_like_text_is_parsed_quickly():
    text = "2 x s/ de del 1 al % dscto #2 - " * 400  # 12k characters of near-matches

    started = time.perf_counter()
    parse_promo(text)

    assert time.perf_counter() - started < 2.0


FRAGMENTS = [
    "2x1", "3 x 2", "x", "s/", "s/.", " 9,90", "9.90", " soles", "%", "50", "-", "dscto.",
    "2da", "3ra", "segunda", "unidad", "gratis", "mitad", "lleva", "paga", "compra", "llévate",
    "pack", "c/u", "antes", "ahora", "de", "del", "al", "a", "hasta", "agotar stock",
    "julio", "31/02", "29/02/27", "99/99", "1", "15", "oh!", "cmr", "tarjeta", " ", ",", "0",
    "000", "1e309", "compras mayores a", "mitad de precio", "9" * 40, "ñ", "😀", "\u0301",
    "\x00",
]  # fmt: skip


def _assert_well_formed(parsed: PromoParse) -> None:
    assert isinstance(parsed.promo_type, PromoType)
    discount = parsed.effective_discount
    assert discount is None or (0.0 <= discount <= 1.0 and math.isfinite(discount))
    assert parsed.min_units >= 1
    json.dumps(parsed.to_dict())


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=200),
    regular=st.none() | st.floats(allow_nan=True, allow_infinity=True),
)
def test_any_string_parses_without_raising(text, regular):
    _assert_well_formed(parse_promo(text, regular_price_pen=regular))


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(st.sampled_from([*FRAGMENTS, " ", " ", " "]), max_size=16).map("".join),
    regular=st.none() | st.floats(min_value=0.01, max_value=1_000),
    reference=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
)
def test_promo_like_strings_parse_without_raising(text, regular, reference):
    _assert_well_formed(parse_promo(text, regular_price_pen=regular, reference_date=reference))


def test_emoji_and_control_characters():
    _assert_well_formed(parse_promo("🔥🔥 2x1 🔥🔥\x00\u200b"))
    assert parse_promo("🔥🔥 2x1 🔥🔥").promo_type is MULTI
