"""Any shop's HTML listing pages, described by CSS selectors in a YAML file.

.. code-block:: yaml

    retailer: Mass
    start_urls:
      - https://www.example.pe/ofertas
    selectors:
      tile: div.product-card          # one element per product (required)
      name: h3.product-name           # text of the first match (required)
      price: span.price-now           # the price a shopper pays (required)
      regular_price: span.price-before
      card_price: span.price-card
      promo: .badge                   # every match, joined with "; "
      link: a.product-link@href       # "@attr" reads an attribute instead of the text
      external_id: "@data-sku"        # "@attr" alone reads it from the tile
      brand: .brand
      next_page: a.next@href          # followed until it repeats or max_pages
    card_name: Oh!
    max_pages: 20

Prices are read with :func:`~pulso.ingest.connectors.price_text.parse_price_text` (``S/ 12.90``,
``S/12,90``, ``S/. 1,299.00``); a range takes its lower price and its text goes to
``promo_text``. Without ``external_id`` the product link (or, failing that, the name) is the id.
A visited set stops next-page loops.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urldefrag, urljoin, urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from selectolax.parser import HTMLParser, Node

from pulso.errors import InputError, SourceError
from pulso.ingest.connectors.harvest import Harvest, HarvestBuilder, Period
from pulso.ingest.connectors.http import (
    CircuitOpenError,
    FetchedPage,
    PoliteClient,
    RobotsDisallowedError,
)
from pulso.ingest.connectors.price_text import parse_price_text

__all__ = ["HtmlConfig", "HtmlSelectors", "crawl_html", "load_html_config", "parse_listing_page"]

logger = logging.getLogger(__name__)


class HtmlSelectors(BaseModel):
    """CSS selectors; ``css@attr`` reads an attribute, ``@attr`` reads it from the tile."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tile: str = Field(min_length=1)
    name: str = Field(min_length=1)
    price: str = Field(min_length=1)
    regular_price: str | None = None
    card_price: str | None = None
    promo: str | None = None
    link: str | None = None
    external_id: str | None = None
    brand: str | None = None
    next_page: str | None = None


class HtmlConfig(BaseModel):
    """An HTML source (the YAML file's content, stored as the ``data_source.config`` JSON)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    retailer: str = Field(min_length=1, max_length=120)
    start_urls: list[str] = Field(min_length=1)
    selectors: HtmlSelectors
    card_name: str | None = None
    category: str | None = None
    max_pages: int = Field(default=50, ge=1, le=1_000)
    period: Period = "day"

    @field_validator("start_urls")
    @classmethod
    def _http_urls(cls, values: list[str]) -> list[str]:
        bad = [value for value in values if urlsplit(value).scheme not in ("http", "https")]
        if bad:
            raise ValueError(f"start_urls must be http(s) URLs, got {bad}")
        return values


def load_html_config(text: str, *, file: str | None = None) -> HtmlConfig:
    """Parse and check a YAML source config; :class:`InputError` names what is wrong."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=file) from exc
    try:
        return HtmlConfig.model_validate(document)
    except ValidationError as exc:
        raise InputError(f"invalid HTML source config: {_errors(exc)}", file=file) from exc


def _errors(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'config'}: {error['msg']}"
        for error in exc.errors()
    )


def crawl_html(client: PoliteClient, config: HtmlConfig, *, observed_at: datetime) -> Harvest:
    """Fetch each start URL and its next pages; return the tiles as ``prices`` rows."""
    builder = HarvestBuilder()
    visited: set[str] = set()
    for start in config.start_urls:
        url: str | None = urldefrag(start).url
        fetched = 0
        while url is not None and fetched < config.max_pages:
            if url in visited:
                builder.note(f"page {url} already visited: stopping there (page loop)")
                break
            visited.add(url)
            page = _fetch(client, url, builder)
            if page is None:
                break
            fetched += 1
            rows, url = parse_listing_page(page.text, config=config, page_url=page.url)
            if not rows:
                builder.note(f"{page.url}: no tile matched {config.selectors.tile!r}")
            for row in rows:
                builder.add_row(row | {"observed_at": observed_at.isoformat()})
        if url is not None and fetched >= config.max_pages:
            builder.note(f"stopped after max_pages={config.max_pages} pages from {start}")
    return builder.build()


def _fetch(client: PoliteClient, url: str, builder: HarvestBuilder) -> FetchedPage | None:
    try:
        page = client.get(url)
    except (CircuitOpenError, RobotsDisallowedError):
        raise
    except SourceError as exc:
        builder.page_failed(exc, url=url)
        return None
    builder.page_fetched(from_cache=page.from_cache)
    return page


def _next_url(tree: HTMLParser, config: HtmlConfig, page_url: str) -> str | None:
    if not config.selectors.next_page:
        return None
    target = _select(tree.root, config.selectors.next_page, default_attribute="href")
    return urldefrag(urljoin(page_url, target)).url if target else None


def parse_listing_page(
    html: str, *, config: HtmlConfig, page_url: str
) -> tuple[list[dict[str, str | None]], str | None]:
    """The rows (without ``observed_at``) of one listing page and its next page's URL."""
    tree = HTMLParser(html)
    selectors = config.selectors
    rows = [_tile_row(tile, config=config, page_url=page_url) for tile in tree.css(selectors.tile)]
    return rows, _next_url(tree, config, page_url)


def _tile_row(tile: Node, *, config: HtmlConfig, page_url: str) -> dict[str, str | None]:
    selectors = config.selectors
    name = _select(tile, selectors.name)
    link = _select(tile, selectors.link, default_attribute="href") if selectors.link else None
    url = urljoin(page_url, link) if link else None
    price = _price(_select(tile, selectors.price))
    regular = _price(_select(tile, selectors.regular_price))
    card = _price(_select(tile, selectors.card_price))
    promos = _select_all(tile, selectors.promo) if selectors.promo else []
    promos += [
        f"precio en rango: {p.text}"
        for p in (price, regular, card)
        if isinstance(p, _Price) and p.is_range
    ]
    offer_text, regular_text = _price_text(price), _price_text(regular)
    higher = (
        isinstance(regular, _Price) and isinstance(price, _Price) and regular.amount > price.amount
    )
    external_id = _select(tile, selectors.external_id) if selectors.external_id else None
    return {
        "retailer": config.retailer,
        "external_id": external_id or _id_from(url, name),
        "name": name,
        "regular_price": regular_text if higher else offer_text,
        "offer_price": offer_text if higher else None,
        "card_price": _price_text(card),
        "card_name": config.card_name if card else None,
        "promo_text": "; ".join(dict.fromkeys(promos)) or None,
        "brand": _select(tile, selectors.brand),
        "category": config.category,
        "url": url,
    }


@dataclass(frozen=True, slots=True)
class _Price:
    amount: float
    text: str
    is_range: bool


def _price(text: str | None) -> _Price | str | None:
    """The parsed price, None when the selector found nothing, or the raw text if unreadable."""
    if text is None:
        return None
    parsed = parse_price_text(text)
    if parsed is None:
        return text
    return _Price(parsed.amount, parsed.text, parsed.is_range)


def _price_text(price: _Price | str | None) -> str | None:
    if price is None or isinstance(price, str):
        return price
    return f"{price.amount:.2f}"


def _id_from(url: str | None, name: str | None) -> str | None:
    if url:
        parts = urlsplit(url)
        path = parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")
        return path[-120:] or None
    return name[:120] if name else None


def _split(selector: str) -> tuple[str, str | None]:
    css, _, attribute = selector.partition("@")
    return css.strip(), attribute.strip() or None


def _select(
    node: Node | None, selector: str | None, *, default_attribute: str | None = None
) -> str | None:
    if node is None or not selector:
        return None
    css, attribute = _split(selector)
    target = node.css_first(css) if css else node
    if target is None:
        return None
    attribute = attribute or (default_attribute if target.tag == "a" and css else None)
    value = target.attributes.get(attribute) if attribute else target.text(deep=True)
    text = " ".join(value.split()) if value else ""
    return text or None


def _select_all(node: Node, selector: str) -> list[str]:
    css, attribute = _split(selector)
    values = [
        (match.attributes.get(attribute) if attribute else match.text(deep=True)) or ""
        for match in (node.css(css) if css else [node])
    ]
    return [" ".join(value.split()) for value in values if value.strip()]
