"""VTEX products and SKUs as ``prices`` rows (the mapping alone; crawling is integration)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from pulso.ingest.connectors.vtex import VTEX_PRESETS, VtexConfig, is_stock_cap, map_vtex_product

AT = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)


def offer(price: object, **extra: object) -> dict[str, Any]:
    base = {
        "Price": price,
        "ListPrice": price,
        "PriceWithoutDiscount": price,
        "AvailableQuantity": 99999,
        "IsAvailable": True,
        "PromotionTeasers": [],
    }
    return base | extra


def product(*sellers: dict[str, Any], **extra: object) -> dict[str, Any]:
    return {
        "productId": "123",
        "productName": "Leche Evaporada Gloria Azul 400g",
        "brand": "Gloria",
        "link": "https://www.plazavea.com.pe/leche-gloria/p",
        "categories": ["/Lácteos/", "/Lácteos/Leches/Leche Evaporada/"],
        "items": [
            {
                "itemId": "20189",
                "nameComplete": "Leche Evaporada Gloria Azul Lata 400g",
                "ean": "7751271010012",
                "sellers": list(sellers),
            }
        ],
    } | extra


def seller(
    commertial_offer: dict[str, Any], *, default: bool = True, seller_id: str = "1"
) -> dict[str, Any]:
    return {"sellerId": seller_id, "sellerDefault": default, "commertialOffer": commertial_offer}


def row_of(*sellers: dict[str, Any], **kwargs: Any) -> dict[str, str | None]:
    rows = map_vtex_product(product(*sellers), retailer="Plaza Vea", observed_at=AT, **kwargs)
    assert len(rows) == 1
    return rows[0]


def test_listing_fields():
    row = row_of(seller(offer(4.2)))
    assert row["retailer"] == "Plaza Vea"
    assert row["external_id"] == "20189"
    assert row["name"] == "Leche Evaporada Gloria Azul Lata 400g"
    assert row["brand"] == "Gloria"
    assert row["ean"] == "7751271010012"
    assert row["category"] == "Lácteos > Leches > Leche Evaporada"
    assert row["url"] == "https://www.plazavea.com.pe/leche-gloria/p"
    assert row["observed_at"] == AT.isoformat()


def test_list_price_is_regular_only_when_higher_than_price():
    discounted = row_of(seller(offer(3.9, ListPrice=4.5)))
    assert (discounted["regular_price"], discounted["offer_price"]) == ("4.5", "3.9")
    plain = row_of(seller(offer(4.2, ListPrice=4.2)))
    assert (plain["regular_price"], plain["offer_price"]) == ("4.2", None)
    lower = row_of(seller(offer(4.2, ListPrice=3.0, PriceWithoutDiscount=3.0)))
    assert (lower["regular_price"], lower["offer_price"]) == ("4.2", None)


def test_price_without_discount_stands_in_for_a_missing_list_price():
    without = offer(3.6, PriceWithoutDiscount=4.8)
    del without["ListPrice"]
    row = row_of(seller(without))
    assert (row["regular_price"], row["offer_price"]) == ("4.8", "3.6")
    bare = {"Price": 5, "IsAvailable": True, "AvailableQuantity": 3}
    assert row_of(seller(bare))["regular_price"] == "5"


def test_stock_caps_mean_in_stock_not_a_count():
    assert is_stock_cap(99999)
    assert is_stock_cap(10000)
    assert is_stock_cap(9999)
    assert not is_stock_cap(12)
    assert not is_stock_cap(1500)
    assert not is_stock_cap(0)
    capped = row_of(seller(offer(4.2, AvailableQuantity=99999)))
    assert (capped["in_stock"], capped["stock_level"]) == ("true", None)
    counted = row_of(seller(offer(4.2, AvailableQuantity=7)))
    assert (counted["in_stock"], counted["stock_level"]) == ("true", "7")
    empty = row_of(seller(offer(0, AvailableQuantity=0, IsAvailable=False)))
    assert (empty["in_stock"], empty["stock_level"], empty["regular_price"]) == ("false", "0", "0")


def test_a_seller_with_stock_is_preferred_to_an_empty_default_seller():
    empty_default = seller(offer(4.0, AvailableQuantity=0, IsAvailable=False), default=True)
    marketplace = seller(offer(4.6, AvailableQuantity=12), default=False, seller_id="m1")
    row = row_of(empty_default, marketplace)
    assert (row["regular_price"], row["in_stock"], row["stock_level"]) == ("4.6", "true", "12")
    stocked_default = seller(offer(4.1), default=True)
    assert row_of(marketplace, stocked_default)["regular_price"] == "4.1"
    nobody = row_of(
        empty_default, seller(offer(5.0, IsAvailable=False, AvailableQuantity=0), default=False)
    )
    assert (nobody["regular_price"], nobody["in_stock"]) == ("4", "false")


def test_card_teaser_with_a_payment_method_becomes_the_card_price():
    teaser = {
        "Name": "Precio exclusivo Tarjeta Oh!",
        "Conditions": {
            "MinimumQuantity": 0,
            "Parameters": [{"Name": "PaymentMethodId", "Value": "205"}],
        },
        "Effects": {"Parameters": [{"Name": "PercentualDiscount", "Value": "20"}]},
    }
    row = row_of(seller(offer(10.0, ListPrice=12.0, PromotionTeasers=[teaser])))
    assert (row["card_price"], row["card_name"]) == ("8", "Oh!")
    assert row["promo_text"] == "Precio exclusivo Tarjeta Oh!"
    named = row_of(
        seller(offer(10.0, PromotionTeasers=[teaser | {"Name": "Precio especial"}])),
        card_names={"205": "Oh!"},
    )
    assert named["card_name"] == "Oh!"


def test_card_price_stated_in_the_teaser_name_of_old_style_teasers():
    teaser = {
        "<Name>k__BackingField": "Precio Oh! S/ 8.90",
        "<Conditions>k__BackingField": {"<Parameters>k__BackingField": []},
        "<Effects>k__BackingField": {"<Parameters>k__BackingField": []},
    }
    commertial = offer(9.9) | {"PromotionTeasers": [], "Teasers": [teaser]}
    row = row_of(seller(commertial))
    assert (row["card_price"], row["card_name"], row["promo_text"]) == (
        "8.9",
        "Oh!",
        "Precio Oh! S/ 8.90",
    )


def test_quantity_teaser_stays_a_promotion_text_with_its_unit_price():
    bi_precio = {
        "Name": "Bi-Precio",
        "Conditions": {"MinimumQuantity": 2, "Parameters": []},
        "Effects": {"Parameters": [{"Name": "PercentualDiscount", "Value": "25"}]},
    }
    stated = {"Name": "Lleva 3 por S/ 10", "Conditions": {"MinimumQuantity": 3}}
    row = row_of(seller(offer(4.0, PromotionTeasers=[bi_precio, stated])))
    assert row["card_price"] is None
    assert row["promo_text"] == "Bi-Precio: 2 x S/ 6.00; Lleva 3 por S/ 10"


def test_malformed_products_raise_value_error_naming_the_problem():
    with pytest.raises(ValueError, match="has no items"):
        map_vtex_product({"productId": "9", "items": []}, retailer="Wong", observed_at=AT)
    with pytest.raises(ValueError, match="expected a JSON object"):
        map_vtex_product(["not", "a", "product"], retailer="Wong", observed_at=AT)
    with pytest.raises(ValueError, match="item without itemId"):
        map_vtex_product(
            {"productId": "9", "items": [{"name": "x"}]}, retailer="Wong", observed_at=AT
        )


def test_unreadable_price_is_passed_on_for_validation_to_quarantine():
    row = row_of(seller(offer("doce soles")))
    assert row["regular_price"] == "doce soles"


def test_presets_and_config_checks():
    assert VTEX_PRESETS["makro"].sales_channel == 9
    assert {p.retailer for p in VTEX_PRESETS.values()} == {
        "Plaza Vea",
        "Wong",
        "Metro",
        "Vivanda",
        "Makro",
    }
    config = VtexConfig(retailer="Wong", base_url="https://www.wong.pe/", categories=["/1/10/"])
    assert config.base_url == "https://www.wong.pe"
    assert config.categories == ["1/10"]
    assert not config.crawls_tree
    assert VtexConfig(retailer="Wong", base_url="https://www.wong.pe").crawls_tree
    with pytest.raises(ValidationError, match="page_size"):
        VtexConfig(retailer="Wong", base_url="https://www.wong.pe", page_size=100)
    with pytest.raises(ValidationError, match="max_from"):
        VtexConfig(retailer="Wong", base_url="https://www.wong.pe", max_from=3000)
    with pytest.raises(ValidationError, match="EANs are 8 to 14 digits"):
        VtexConfig(retailer="Wong", base_url="https://www.wong.pe", eans=["77-51"])
    with pytest.raises(ValidationError, match="http"):
        VtexConfig(retailer="Wong", base_url="wong.pe")
