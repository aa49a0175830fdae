"""Prices as Peruvian shop pages print them."""

from __future__ import annotations

import pytest

from pulso.ingest.connectors.price_text import parse_amount, parse_price_text


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("S/ 12.90", 12.90),
        ("S/12,90", 12.90),
        ("S/. 1,299.00", 1299.00),
        ("S/ 1.299,00", 1299.00),
        ("12.90", 12.90),
        ("12,9", 12.90),
        ("  S/  5  ", 5.0),
        ("Precio Oh! S/ 8.90", 8.90),
        ("Pack x 6 S/ 18.90", 18.90),
        ("2 x S/ 10.00", 10.00),
        ("9.90 soles", 9.90),
        ("PEN 15.50", 15.50),
        ("S/ 1,299", 1299.0),
    ],
)
def test_reads_prices_in_peruvian_formats(text, amount):
    parsed = parse_price_text(text)
    assert parsed is not None
    assert parsed.amount == pytest.approx(amount)
    assert parsed.is_range is False


@pytest.mark.parametrize(
    ("text", "low"),
    [
        ("S/ 9.90 - S/ 12.90", 9.90),
        ("S/ 12.90 – S/ 9.90", 9.90),
        ("de S/ 5.00 a S/ 8.50", 5.00),
        ("S/ 3,50 hasta S/ 4,20", 3.50),
    ],
)
def test_a_range_gives_its_lower_price_and_keeps_the_text(text, low):
    parsed = parse_price_text(text)
    assert parsed is not None
    assert parsed.amount == pytest.approx(low)
    assert parsed.is_range is True
    assert parsed.text == " ".join(text.split())


@pytest.mark.parametrize("text", [None, "", "Agotado", "Consultar precio", "S/ --"])
def test_text_without_an_amount_reads_nothing(text):
    assert parse_price_text(text) is None


def test_amount_tokens():
    assert parse_amount("1,299.00") == 1299.0
    assert parse_amount("12,90") == 12.9
    assert parse_amount("1.299") == 1299.0
    assert parse_amount("12.5") == 12.5
    assert parse_amount("abc") is None
