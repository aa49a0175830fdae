"""Falabella (Tottus) listing pages: __NEXT_DATA__ and its price types."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from pulso.ingest.connectors.falabella import map_falabella_result, read_next_data

AT = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)


def result(*prices: tuple[str, str], **extra: object) -> dict[str, Any]:
    return {
        "productId": "42",
        "skuId": "4200",
        "displayName": "Arroz Extra Costeño 5kg",
        "brand": "COSTEÑO",
        "url": "/tottus-pe/product/4200/arroz",
        "prices": [
            {"type": kind, "price": [price], "crossed": kind == "normalPrice", "symbol": "S/ "}
            for kind, price in prices
        ],
    } | extra


def mapped(item: object) -> dict[str, str | None]:
    return map_falabella_result(
        item,
        retailer="Tottus",
        observed_at=AT,
        category="Despensa",
        base_url="https://tottus.falabella.com.pe",
    )


def test_next_data_is_read_from_the_page():
    document = {"props": {"pageProps": {"results": [result(("internetPrice", "24.90"))]}}}
    html = (
        '<html><body><div id="__next"></div><script id="__NEXT_DATA__" '
        f'type="application/json">{json.dumps(document)}</script></body></html>'
    )
    assert read_next_data(html) == document


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ("<html><body>Sin datos</body></html>", "no __NEXT_DATA__"),
        ('<script id="__NEXT_DATA__">{"props": [</script>', "not valid JSON"),
        ('<script id="__NEXT_DATA__">[1, 2]</script>', "not a JSON object"),
    ],
)
def test_pages_without_usable_next_data_say_why(html, problem):
    with pytest.raises(ValueError, match=problem):
        read_next_data(html)


def test_normal_internet_and_cmr_prices():
    row = mapped(
        result(("normalPrice", "27.90"), ("internetPrice", "24.90"), ("cmrPrice", "21.90"))
    )
    assert (row["regular_price"], row["offer_price"]) == ("27.9", "24.9")
    assert (row["card_price"], row["card_name"]) == ("21.9", "CMR")
    assert row["external_id"] == "4200"
    assert row["name"] == "Arroz Extra Costeño 5kg"
    assert row["brand"] == "COSTEÑO"
    assert row["category"] == "Despensa"
    assert row["url"] == "https://tottus.falabella.com.pe/tottus-pe/product/4200/arroz"
    assert "ean" not in row or row["ean"] is None


def test_an_internet_price_alone_is_the_regular_price():
    row = mapped(result(("internetPrice", "1,299.00")))
    assert (row["regular_price"], row["offer_price"], row["card_price"]) == ("1299", None, None)


def test_badges_go_to_promo_text_and_stock_flags_are_read():
    row = mapped(
        result(
            ("internetPrice", "9.90"),
            discountBadge={"label": "-20%"},
            multipurposeBadges=[{"label": "2x S/ 18"}],
            isOutOfStock=True,
        )
    )
    assert row["promo_text"] == "-20%; 2x S/ 18"
    assert row["in_stock"] == "false"


def test_unreadable_prices_are_left_for_validation():
    row = mapped(result(("internetPrice", "consultar")))
    assert row["regular_price"] == "consultar"
    with pytest.raises(ValueError, match="expected a JSON object"):
        mapped("not a product")
