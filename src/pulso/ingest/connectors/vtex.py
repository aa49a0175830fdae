"""VTEX stores (Plaza Vea, Wong, Metro, Vivanda, Makro): the public catalog search API.

``GET {base}/api/catalog_system/pub/products/search`` takes ``ft`` (free text), ``fq`` filters
(``C:/1/2/`` for a category path, ``alternateIds_Ean:7750...`` for an EAN), ``sc`` (the sales
channel: Makro's is 9) and ``_from``/``_to`` (0-based, inclusive, at most 50 products a request,
``_from`` at most 2500). Paged replies come back as ``206 Partial Content`` with a
``resources: 0-49/1234`` header; ``200`` and ``206`` are both success. A full crawl walks the
category tree (``/api/catalog_system/pub/category/tree/N``) and searches each leaf, since no
single search can page past 2550 products.

Each SKU (``items[]``) of a product becomes a ``prices`` row:

* ``Price`` of the chosen seller is the offer; ``ListPrice`` or ``PriceWithoutDiscount`` is the
  regular price only when higher than ``Price`` (else ``Price`` is the regular price);
* ``IsAvailable`` gives ``in_stock``; ``AvailableQuantity`` gives ``stock_level``, except round
  caps such as 99999 or 10000 that stores answer for "plenty" (see :func:`is_stock_cap`);
* ``PromotionTeasers`` (and the older ``Teasers``) hold conditional prices: a teaser that needs
  a payment method (Oh!, a bank card) becomes the card price; a teaser with a minimum quantity
  (Bi-Precio, "2 x S/ 10") stays a promotion text, completed with its unit price when the name
  does not state one; every teaser name goes to ``promo_text`` for the promotion parser.

The seller is the default seller when it has stock, else the first seller with stock, else the
default seller (so a marketplace seller with stock is preferred to an empty default one).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator

from pulso.errors import SourceError
from pulso.ingest.connectors.harvest import (
    Harvest,
    HarvestBuilder,
    Period,
    text_or_none,
)
from pulso.ingest.connectors.http import CircuitOpenError, PoliteClient, RobotsDisallowedError
from pulso.ingest.connectors.price_text import parse_price_text

__all__ = [
    "VTEX_PRESETS",
    "VtexConfig",
    "VtexPreset",
    "crawl_vtex",
    "is_stock_cap",
    "map_vtex_product",
]

logger = logging.getLogger(__name__)

SEARCH_PATH = "/api/catalog_system/pub/products/search"
TREE_PATH = "/api/catalog_system/pub/category/tree/{depth}"
MAX_PAGE_SIZE = 50
MAX_FROM = 2500


@dataclass(frozen=True, slots=True)
class VtexPreset:
    """A known VTEX banner: its name, public site and sales channel."""

    retailer: str
    base_url: str
    sales_channel: int | None = None


VTEX_PRESETS: dict[str, VtexPreset] = {
    "plazavea": VtexPreset("Plaza Vea", "https://www.plazavea.com.pe"),
    "wong": VtexPreset("Wong", "https://www.wong.pe"),
    "metro": VtexPreset("Metro", "https://www.metro.pe"),
    "vivanda": VtexPreset("Vivanda", "https://www.vivanda.com.pe"),
    "makro": VtexPreset("Makro", "https://www.makro.plazavea.com.pe", sales_channel=9),
}


class VtexConfig(BaseModel):
    """A VTEX source (stored as the ``data_source.config`` JSON)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    retailer: str = Field(min_length=1, max_length=120)
    base_url: str
    sales_channel: int | None = Field(default=None, ge=1)
    query: str | None = None
    fq: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    eans: list[str] = Field(default_factory=list)
    full_crawl: bool = False
    tree_depth: int = Field(default=3, ge=1, le=5)
    page_size: int = Field(default=MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    max_from: int = Field(default=MAX_FROM, ge=0, le=MAX_FROM)
    period: Period = "day"
    card_names: dict[str, str] = Field(default_factory=dict)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"base_url must be an http(s) URL, got {value!r}")
        return value.rstrip("/")

    @field_validator("categories")
    @classmethod
    def _category_paths(cls, values: list[str]) -> list[str]:
        paths = [value.strip("/") for value in values]
        bad = [value for value in paths if not re.fullmatch(r"\d+(?:/\d+)*", value)]
        if bad:
            raise ValueError(f"categories are id paths such as 1/10/100, got {bad}")
        return paths

    @field_validator("eans")
    @classmethod
    def _ean_digits(cls, values: list[str]) -> list[str]:
        bad = [value for value in values if not re.fullmatch(r"\d{8,14}", value)]
        if bad:
            raise ValueError(f"EANs are 8 to 14 digits, got {bad}")
        return values

    @property
    def crawls_tree(self) -> bool:
        """A full crawl, asked for or implied by the absence of any query or filter."""
        return self.full_crawl or not (self.query or self.fq or self.categories or self.eans)


@dataclass(frozen=True, slots=True)
class _Search:
    label: str
    params: tuple[tuple[str, str], ...]


def is_stock_cap(quantity: int) -> bool:
    """True for the round numbers stores answer instead of a count: 999..., 1000, 10000..."""
    if quantity < 999:
        return False
    digits = str(quantity)
    return set(digits) == {"9"} or (digits[0] == "1" and set(digits[1:]) == {"0"})


def crawl_vtex(client: PoliteClient, config: VtexConfig, *, observed_at: datetime) -> Harvest:
    """Search the store as ``config`` says and return its SKUs as ``prices`` rows."""
    builder = HarvestBuilder()
    for search in _searches(client, config, builder):
        for products in _pages(client, config, search, builder):
            for product in products:
                _add_product(builder, product, config=config, observed_at=observed_at)
    logger.info(
        "vtex %s: %d rows, %d malformed, %d pages",
        config.base_url,
        len(builder.rows),
        len(builder.malformed),
        builder.pages,
    )
    return builder.build()


def _add_product(
    builder: HarvestBuilder, product: Any, *, config: VtexConfig, observed_at: datetime
) -> None:
    try:
        rows = map_vtex_product(
            product,
            retailer=config.retailer,
            observed_at=observed_at,
            card_names=config.card_names,
        )
    except ValueError as exc:
        builder.add_malformed(f"malformed VTEX product: {exc}", product)
        return
    for row in rows:
        builder.add_row(row)


def _searches(
    client: PoliteClient, config: VtexConfig, builder: HarvestBuilder
) -> Iterator[_Search]:
    common: list[tuple[str, str]] = [("fq", value) for value in config.fq]
    if config.sales_channel is not None:
        common.append(("sc", str(config.sales_channel)))
    if config.query:
        yield _Search(f"ft={config.query}", (("ft", config.query), *common))
    for path in config.categories:
        yield _Search(f"C:/{path}/", (("fq", f"C:/{path}/"), *common))
    for ean in config.eans:
        yield _Search(f"EAN {ean}", (("fq", f"alternateIds_Ean:{ean}"), *common))
    if config.fq and not (config.query or config.categories or config.eans):
        yield _Search("fq", tuple(common))
    if config.crawls_tree:
        for path in _leaf_categories(client, config, builder):
            yield _Search(f"C:/{path}/", (("fq", f"C:/{path}/"), *common))


def _leaf_categories(
    client: PoliteClient, config: VtexConfig, builder: HarvestBuilder
) -> list[str]:
    url = config.base_url + TREE_PATH.format(depth=config.tree_depth)
    page = _fetch(client, url, None, builder)
    if page is None:
        return []
    try:
        tree = json.loads(page)
    except json.JSONDecodeError as exc:
        builder.add_malformed(f"invalid JSON in the category tree: {exc}", page[:2000])
        return []
    if not isinstance(tree, list):
        builder.add_malformed("category tree is not a JSON array", page[:2000])
        return []
    leaves: list[str] = []
    _walk(tree, (), leaves)
    logger.info("vtex %s: %d leaf categories", config.base_url, len(leaves))
    return leaves


def _walk(nodes: list[Any], prefix: tuple[str, ...], leaves: list[str]) -> None:
    for node in nodes:
        if not isinstance(node, dict) or node.get("id") is None:
            continue
        path = (*prefix, str(node["id"]))
        children = node.get("children")
        if isinstance(children, list) and children:
            _walk(children, path, leaves)
        else:
            leaves.append("/".join(path))


def _fetch(
    client: PoliteClient,
    url: str,
    params: tuple[tuple[str, str], ...] | None,
    builder: HarvestBuilder,
) -> str | None:
    try:
        page = client.get(url, params=params)
    except (CircuitOpenError, RobotsDisallowedError):
        raise
    except SourceError as exc:
        builder.page_failed(exc, url=str(httpx.URL(url).copy_merge_params(params or ())))
        return None
    builder.page_fetched(from_cache=page.from_cache)
    return page.text


def _pages(
    client: PoliteClient, config: VtexConfig, search: _Search, builder: HarvestBuilder
) -> Iterator[list[Any]]:
    url = config.base_url + SEARCH_PATH
    start = 0
    while start <= config.max_from:
        end = start + config.page_size - 1
        params = (*search.params, ("_from", str(start)), ("_to", str(end)))
        text = _fetch(client, url, params, builder)
        if text is None:
            return
        products = _products(text, search=search, start=start, builder=builder)
        if products is None:
            return
        yield products
        if len(products) < config.page_size:
            return
        start += config.page_size
    builder.note(
        f"search {search.label} stopped at _from={config.max_from}: VTEX pages no further; "
        "split it into categories (full crawl) to see every product"
    )


def _products(
    text: str, *, search: _Search, start: int, builder: HarvestBuilder
) -> list[Any] | None:
    try:
        products = json.loads(text)
    except json.JSONDecodeError as exc:
        builder.add_malformed(
            f"invalid JSON in search {search.label} from {start}: {exc.msg} at line {exc.lineno}",
            text,
        )
        return None
    if not isinstance(products, list):
        builder.add_malformed(f"search {search.label} from {start} is not a JSON array", text)
        return None
    return products


# --- mapping ------------------------------------------------------------------------------


def map_vtex_product(
    product: Any,
    *,
    retailer: str,
    observed_at: datetime,
    card_names: Mapping[str, str] | None = None,
) -> list[dict[str, str | None]]:
    """The ``prices`` rows of one product of a search reply (one per SKU).

    Raises ``ValueError`` naming the problem when the product cannot be laid out as rows.
    """
    if not isinstance(product, dict):
        raise ValueError(f"expected a JSON object, got {type(product).__name__}")
    items = product.get("items")
    if not isinstance(items, list) or not items:
        raise ValueError(f"product {product.get('productId')!r} has no items (SKUs)")
    common = {
        "retailer": retailer,
        "observed_at": observed_at.isoformat(),
        "brand": text_or_none(product.get("brand")),
        "category": _category_path(product.get("categories")),
        "url": text_or_none(product.get("link")),
    }
    return [_item_row(item, product, common, card_names or {}) for item in items]


def _item_row(
    item: Any,
    product: dict[str, Any],
    common: dict[str, str | None],
    card_names: Mapping[str, str],
) -> dict[str, str | None]:
    if not isinstance(item, dict) or not text_or_none(item.get("itemId")):
        raise ValueError(f"product {product.get('productId')!r} has an item without itemId")
    row = dict(common)
    row["external_id"] = text_or_none(item.get("itemId"))
    row["name"] = text_or_none(item.get("nameComplete")) or text_or_none(
        product.get("productName")
    )
    row["ean"] = text_or_none(item.get("ean"))
    offer = _offer(item.get("sellers"))
    row.update(_prices(offer, card_names))
    return row


def _offer(sellers: Any) -> dict[str, Any]:
    offers: list[tuple[bool, dict[str, Any]]] = [
        (bool(seller.get("sellerDefault")), seller["commertialOffer"])
        for seller in (sellers if isinstance(sellers, list) else [])
        if isinstance(seller, dict) and isinstance(seller.get("commertialOffer"), dict)
    ]
    if not offers:
        return {}
    in_stock = [(default, offer) for default, offer in offers if _available(offer)]
    for candidates in (
        [o for d, o in in_stock if d],
        [o for _, o in in_stock],
        [o for d, o in offers if d],
    ):
        if candidates:
            return candidates[0]
    return offers[0][1]


def _available(offer: Mapping[str, Any]) -> bool:
    flag = offer.get("IsAvailable")
    if isinstance(flag, bool):
        return flag
    quantity = offer.get("AvailableQuantity")
    return isinstance(quantity, int | float) and quantity > 0


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _prices(offer: Mapping[str, Any], card_names: Mapping[str, str]) -> dict[str, str | None]:
    price = _number(offer.get("Price"))
    higher = [
        amount
        for amount in (_number(offer.get("ListPrice")), _number(offer.get("PriceWithoutDiscount")))
        if amount is not None and price is not None and amount > price
    ]
    regular = max(higher) if higher else price
    row: dict[str, str | None] = {
        "regular_price": text_or_none(regular if regular is not None else offer.get("Price")),
        "offer_price": text_or_none(price) if higher else None,
        "in_stock": text_or_none(_available(offer)) if offer else None,
        "stock_level": _stock_level(offer.get("AvailableQuantity")),
    }
    row.update(_teasers(offer, price=price, card_names=card_names))
    return row


def _stock_level(quantity: Any) -> str | None:
    if isinstance(quantity, bool) or not isinstance(quantity, int | float):
        return text_or_none(quantity)
    return None if is_stock_cap(int(quantity)) else text_or_none(quantity)


_CARD_WORDS = (
    (re.compile(r"\boh!?(?=\W|$)", re.IGNORECASE), "Oh!"),
    (re.compile(r"\bcmr\b", re.IGNORECASE), "CMR"),
    (re.compile(r"\bcencosud\b", re.IGNORECASE), "Cencosud"),
    (re.compile(r"\bbonus\b", re.IGNORECASE), "Bonus"),
    (re.compile(r"\binterbank\b", re.IGNORECASE), "Interbank"),
    (re.compile(r"\b(?:bbva|bcp|scotiabank|visa|mastercard)\b", re.IGNORECASE), "Banco"),
    (re.compile(r"\btarjeta\b", re.IGNORECASE), "Tarjeta"),
)


def _field(record: Mapping[str, Any], name: str) -> Any:
    """A teaser field under its plain name or the C# backing-field name of ``Teasers``."""
    return record.get(name, record.get(f"<{name}>k__BackingField"))


def _parameters(block: Any) -> dict[str, str]:
    if not isinstance(block, Mapping):
        return {}
    found: dict[str, str] = {}
    for parameter in _field(block, "Parameters") or []:
        if isinstance(parameter, Mapping) and _field(parameter, "Name"):
            found[str(_field(parameter, "Name"))] = str(_field(parameter, "Value") or "")
    return found


def _effect_price(price: float | None, effects: Mapping[str, str]) -> float | None:
    def amount(name: str) -> float | None:
        try:
            return float(effects[name].replace(",", "."))
        except (KeyError, ValueError):
            return None

    if price is None:
        return None
    if (percent := amount("PercentualDiscount")) is not None:
        return round(price * (1 - percent / 100), 2)
    for name in ("NominalDiscount", "PromotionalPriceTableItemsDiscount"):
        if (discount := amount(name)) is not None:
            return round(price - discount, 2)
    return amount("MaximumUnitPriceDiscount")


def _teasers(
    offer: Mapping[str, Any], *, price: float | None, card_names: Mapping[str, str]
) -> dict[str, str | None]:
    teasers = offer.get("PromotionTeasers") or offer.get("Teasers") or []
    texts: list[str] = []
    card: tuple[float, str] | None = None
    for teaser in teasers if isinstance(teasers, list) else []:
        if not isinstance(teaser, Mapping):
            continue
        name = text_or_none(_field(teaser, "Name")) or ""
        conditions = _field(teaser, "Conditions") or {}
        payment = _parameters(conditions).get("PaymentMethodId")
        unit = _effect_price(price, _parameters(_field(teaser, "Effects")))
        stated = parse_price_text(name) if "s/" in name.casefold() else None
        card_name = _card_name(name, payment, card_names)
        minimum = _field(conditions, "MinimumQuantity") if isinstance(conditions, Mapping) else 0
        if card_name is not None:
            value = unit if unit is not None else (stated.amount if stated else None)
            if value is not None and (card is None or value < card[0]):
                card = (value, card_name)
        elif isinstance(minimum, int) and minimum > 1 and unit is not None and stated is None:
            name = f"{name}: {minimum} x S/ {unit * minimum:.2f}".lstrip(": ")
        if name:
            texts.append(name)
    return {
        "card_price": text_or_none(card[0]) if card else None,
        "card_name": card[1] if card else None,
        "promo_text": "; ".join(dict.fromkeys(texts)) or None,
    }


def _card_name(name: str, payment: str | None, card_names: Mapping[str, str]) -> str | None:
    if payment:
        for method in payment.split(","):
            if method.strip() in card_names:
                return card_names[method.strip()]
    for pattern, label in _CARD_WORDS:
        if pattern.search(name):
            return label
    return "Tarjeta" if payment else None


def _category_path(categories: Any) -> str | None:
    if not isinstance(categories, list):
        return None
    paths = [str(path).strip("/") for path in categories if isinstance(path, str) and path]
    if not paths:
        return None
    return " > ".join(max(paths, key=lambda path: path.count("/")).split("/"))
