"""Falabella group sites (Tottus runs on ``tottus.falabella.com.pe``): listing pages.

A category page is a Next.js page: its ``<script id="__NEXT_DATA__">`` holds the listing as
JSON under ``props.pageProps``: ``results`` (the products) and ``pagination`` (``count``,
``perPage``, ``currentPage``); later pages are ``?page=2``, ``?page=3``... Each result carries
``prices``, a list of ``{"type", "price": ["12.90"], "crossed"}`` where ``type`` is
``normalPrice`` (the regular price, shown crossed out when there is an offer),
``internetPrice`` or ``eventPrice`` (the price anyone pays online) and ``cmrPrice`` (the price
with the CMR card, stored as the card price with ``card_name`` "CMR").

Listings carry no EAN: matching falls back to name, brand and size. Badges (``discountBadge``,
``badges``, ``multipurposeBadges``) go to ``promo_text``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator
from selectolax.parser import HTMLParser

from pulso.errors import SourceError
from pulso.ingest.connectors.harvest import Harvest, HarvestBuilder, Period, text_or_none
from pulso.ingest.connectors.http import CircuitOpenError, PoliteClient, RobotsDisallowedError
from pulso.ingest.connectors.price_text import parse_amount

__all__ = ["FalabellaConfig", "crawl_falabella", "map_falabella_result", "read_next_data"]

logger = logging.getLogger(__name__)

_REGULAR_TYPES = ("normalPrice",)
_PUBLIC_TYPES = ("internetPrice", "eventPrice", "offerPrice")
_CARD_TYPES = ("cmrPrice",)


class FalabellaConfig(BaseModel):
    """A Falabella-platform source (stored as the ``data_source.config`` JSON)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    retailer: str = Field(default="Tottus", min_length=1, max_length=120)
    base_url: str = "https://tottus.falabella.com.pe"
    category_urls: list[str] = Field(min_length=1)
    max_pages: int = Field(default=100, ge=1, le=1_000)
    period: Period = "day"

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"base_url must be an http(s) URL, got {value!r}")
        return value.rstrip("/")

    def absolute(self, url: str) -> str:
        return urljoin(self.base_url + "/", url)


def read_next_data(html: str) -> dict[str, Any]:
    """The ``__NEXT_DATA__`` JSON of a page; ``ValueError`` when missing or not valid JSON."""
    node = HTMLParser(html).css_first("script#__NEXT_DATA__")
    if node is None:
        raise ValueError("the page has no __NEXT_DATA__ script")
    try:
        document = json.loads(node.text(deep=True))
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"__NEXT_DATA__ is not valid JSON: {exc.msg} at line {exc.lineno}"
        ) from exc
    if not isinstance(document, dict):
        raise ValueError("__NEXT_DATA__ is not a JSON object")
    return document


def crawl_falabella(
    client: PoliteClient, config: FalabellaConfig, *, observed_at: datetime
) -> Harvest:
    """Walk every category's pages and return their products as ``prices`` rows."""
    builder = HarvestBuilder()
    for category_url in config.category_urls:
        start = config.absolute(category_url)
        category = _category_name(start)
        for results in _pages(client, config, start, builder):
            for result in results:
                try:
                    row = map_falabella_result(
                        result,
                        retailer=config.retailer,
                        observed_at=observed_at,
                        category=category,
                        base_url=config.base_url,
                    )
                except ValueError as exc:
                    builder.add_malformed(f"malformed Falabella product: {exc}", result)
                    continue
                builder.add_row(row)
    return builder.build()


def _pages(
    client: PoliteClient, config: FalabellaConfig, start: str, builder: HarvestBuilder
) -> Iterator[list[Any]]:
    visited: set[str] = set()
    page_number = 1
    url = start
    while page_number <= config.max_pages and url not in visited:
        visited.add(url)
        try:
            page = client.get(url)
        except (CircuitOpenError, RobotsDisallowedError):
            raise
        except SourceError as exc:
            builder.page_failed(exc, url=url)
            return
        builder.page_fetched(from_cache=page.from_cache)
        try:
            props = _page_props(read_next_data(page.text))
        except ValueError as exc:
            builder.add_malformed(f"{url}: {exc}", page.text)
            return
        results = props.get("results")
        if not isinstance(results, list) or not results:
            return
        yield results
        if _last_page(props.get("pagination"), page_number):
            return
        page_number += 1
        url = str(httpx.URL(start).copy_merge_params({"page": str(page_number)}))


def _page_props(document: Mapping[str, Any]) -> dict[str, Any]:
    props = document.get("props")
    page_props = props.get("pageProps") if isinstance(props, Mapping) else None
    if not isinstance(page_props, dict):
        raise ValueError("__NEXT_DATA__ has no props.pageProps")
    return page_props


def _last_page(pagination: Any, page_number: int) -> bool:
    if not isinstance(pagination, Mapping):
        return False
    count, per_page = pagination.get("count"), pagination.get("perPage")
    if isinstance(count, int) and isinstance(per_page, int) and per_page > 0:
        return page_number * per_page >= count
    return False


def _category_name(url: str) -> str | None:
    segments = [segment for segment in urlsplit(url).path.split("/") if segment]
    if not segments:
        return None
    return unquote(segments[-1]).replace("-", " ").strip() or None


def map_falabella_result(
    result: Any,
    *,
    retailer: str,
    observed_at: datetime,
    category: str | None = None,
    base_url: str = "",
) -> dict[str, str | None]:
    """The ``prices`` row of one listing result; ``ValueError`` when it is not an object."""
    if not isinstance(result, Mapping):
        raise ValueError(f"expected a JSON object, got {type(result).__name__}")
    external_id = text_or_none(result.get("skuId")) or text_or_none(result.get("productId"))
    url = text_or_none(result.get("url"))
    row: dict[str, str | None] = {
        "retailer": retailer,
        "external_id": external_id,
        "name": text_or_none(result.get("displayName")),
        "observed_at": observed_at.isoformat(),
        "brand": text_or_none(result.get("brand")),
        "category": category,
        "url": urljoin(base_url + "/", url) if url and base_url else url,
        "in_stock": _in_stock(result),
        "promo_text": "; ".join(dict.fromkeys(_badges(result))) or None,
    }
    row.update(_prices(result.get("prices")))
    return row


def _price_values(prices: Any) -> dict[str, tuple[float | None, str]]:
    found: dict[str, tuple[float | None, str]] = {}
    for entry in prices if isinstance(prices, list) else []:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("type"), str):
            continue
        amounts = entry.get("price")
        raw = amounts[0] if isinstance(amounts, list) and amounts else amounts
        text = text_or_none(raw) or ""
        found.setdefault(entry["type"], (parse_amount(text), text))
    return found


def _prices(prices: Any) -> dict[str, str | None]:
    values = _price_values(prices)

    def first(types: tuple[str, ...]) -> tuple[float | None, str] | None:
        candidates = [values[kind] for kind in types if kind in values]
        readable = [c for c in candidates if c[0] is not None]
        return min(readable, key=lambda c: c[0] or 0) if readable else next(iter(candidates), None)

    regular, public, card = first(_REGULAR_TYPES), first(_PUBLIC_TYPES), first(_CARD_TYPES)
    if regular is None or (
        public is not None and public[0] is not None and (regular[0] or 0) < public[0]
    ):
        regular, public = public, None
    offer = public if public and regular and public[0] != regular[0] else None
    return {
        "regular_price": _as_text(regular),
        "offer_price": _as_text(offer),
        "card_price": _as_text(card),
        "card_name": "CMR" if card else None,
    }


def _as_text(value: tuple[float | None, str] | None) -> str | None:
    if value is None:
        return None
    amount, text = value
    return text_or_none(amount) if amount is not None else text or None


def _in_stock(result: Mapping[str, Any]) -> str | None:
    for key in ("isOutOfStock", "outOfStock"):
        if isinstance(result.get(key), bool):
            return text_or_none(not result[key])
    if isinstance(result.get("available"), bool):
        return text_or_none(result["available"])
    return None


def _badges(result: Mapping[str, Any]) -> Iterator[str]:
    for key in ("discountBadge", "badges", "multipurposeBadges", "meatStickers"):
        value = result.get(key)
        for badge in value if isinstance(value, list) else [value]:
            label = badge.get("label") if isinstance(badge, Mapping) else None
            if isinstance(label, str) and label.strip():
                yield label.strip()
