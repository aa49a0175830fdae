"""HTML listing pages read with the CSS selectors of a YAML config."""

from __future__ import annotations

import pytest

from pulso.errors import InputError
from pulso.ingest.connectors.html import load_html_config, parse_listing_page

CONFIG = """
retailer: Bodega Central
start_urls: [https://shop.pe/ofertas]
selectors:
  tile: li.product
  name: .name
  price: .now
  regular_price: .before
  card_price: .card
  promo: .badge
  link: a.go
  external_id: "@data-sku"
  brand: .brand
  next_page: a[rel=next]
card_name: Oh!
category: Abarrotes
"""

PAGE = """
<ul>
 <li class="product" data-sku="A1"><a class="go" href="/p/arroz-5kg">
   <span class="brand">Costeño</span><span class="name"> Arroz  Extra 5kg </span></a>
   <span class="now">S/ 21.90</span><span class="before">S/. 24,90</span>
   <span class="card">S/19.90</span><span class="badge">-12%</span><span class="badge">Nuevo</span></li>
 <li class="product" data-sku="A2"><span class="name">Aceite Primor 1L</span>
   <span class="now">S/ 9.90 - S/ 12.90</span></li>
 <li class="product"><a class="go" href="https://shop.pe/p/azucar?id=9"><span class="name">Azúcar Rubia 1kg</span></a>
   <span class="now">S/ 1,299.00</span><span class="before">S/ 4.50</span></li>
 <li class="product" data-sku="A4"><span class="name">Fideos</span><span class="now">Agotado</span></li>
</ul>
<a rel="next" href="?page=2#top">Siguiente</a>
"""


def test_tiles_become_rows_with_the_configured_fields():
    config = load_html_config(CONFIG)
    rows, next_url = parse_listing_page(PAGE, config=config, page_url="https://shop.pe/ofertas")
    assert next_url == "https://shop.pe/ofertas?page=2"
    first, ranged, thousands, unreadable = rows
    assert first == {
        "retailer": "Bodega Central",
        "external_id": "A1",
        "name": "Arroz Extra 5kg",
        "regular_price": "24.90",
        "offer_price": "21.90",
        "card_price": "19.90",
        "card_name": "Oh!",
        "promo_text": "-12%; Nuevo",
        "brand": "Costeño",
        "category": "Abarrotes",
        "url": "https://shop.pe/p/arroz-5kg",
    }
    assert (ranged["regular_price"], ranged["offer_price"]) == ("9.90", None)
    assert ranged["promo_text"] == "precio en rango: S/ 9.90 - S/ 12.90"
    assert thousands["external_id"] == "/p/azucar?id=9"  # no data-sku: the link is the id
    assert (thousands["regular_price"], thousands["offer_price"]) == ("1299.00", None)
    assert unreadable["regular_price"] == "Agotado"  # quarantined later, with the text


def test_a_page_without_next_link_ends_the_crawl():
    config = load_html_config(CONFIG)
    rows, next_url = parse_listing_page(
        "<p>vacío</p>", config=config, page_url="https://shop.pe/x"
    )
    assert (rows, next_url) == ([], None)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("retailer: [unclosed", "not valid YAML"),
        ("retailer: X\nstart_urls: [https://a.pe]\n", "selectors: Field required"),
        (
            "retailer: X\nstart_urls: [ftp://a.pe]\nselectors: {tile: a, name: b, price: c}\n",
            "start_urls must be http",
        ),
        (
            "retailer: X\nstart_urls: [https://a.pe]\nselectors: {tile: a, name: b, price: c, colour: d}\n",
            "selectors.colour: Extra inputs",
        ),
    ],
)
def test_config_errors_name_the_field(text, problem):
    with pytest.raises(InputError, match=problem):
        load_html_config(text, file="shop.yaml")
