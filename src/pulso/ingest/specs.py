"""What each import kind expects: columns, value types, limits and the row key.

The specs are data; :mod:`pulso.ingest.validation` turns them into parsers and a pandera
schema, and :mod:`pulso.ingest.loaders` writes the valid rows. The tables in
``docs/data-formats.md`` describe the same specs for users.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["SPECS", "ComparisonRule", "FieldSpec", "ImportSpec", "ValueKind", "get_spec"]

from pulso.errors import InputError

MAX_PRICE_PEN = 100_000.0
#: Longest text in a unique key: PostgreSQL's B-tree entries hold at most 2704 bytes.
MAX_KEYED_TEXT_LENGTH = 600


class ValueKind(StrEnum):
    """How a raw cell is parsed."""

    TEXT = "text"
    PRICE = "price"
    NUMBER = "number"
    INT = "int"
    BOOL = "bool"
    DATETIME = "datetime"
    DATE = "date"
    MONTH = "month"
    EAN = "ean"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One column: its parser, whether it is required, and its allowed range or values."""

    name: str
    kind: ValueKind = ValueKind.TEXT
    required: bool = False
    min_value: float | None = None
    max_value: float | None = None
    exclusive_min: bool = False
    choices: dict[str, str] | None = None
    max_length: int = 2_000


@dataclass(frozen=True, slots=True)
class ComparisonRule:
    """A rule between two columns of a row, checked when both are present: ``left <= right``."""

    left: str
    right: str
    reason: str


@dataclass(frozen=True, slots=True)
class ImportSpec:
    """An import kind: its fields, cross-field rules and the columns that identify a row."""

    kind: str
    fields: tuple[FieldSpec, ...]
    key: tuple[str, ...]
    rules: tuple[ComparisonRule, ...] = field(default=())

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required columns."""
        return tuple(spec.name for spec in self.fields if spec.required)

    @property
    def names(self) -> tuple[str, ...]:
        """Names of every known column."""
        return tuple(spec.name for spec in self.fields)


def _price(name: str, *, required: bool = False) -> FieldSpec:
    return FieldSpec(
        name, ValueKind.PRICE, required, min_value=0.0, max_value=MAX_PRICE_PEN, exclusive_min=True
    )


def _text(name: str, *, required: bool = False, max_length: int = 2_000) -> FieldSpec:
    return FieldSpec(name, ValueKind.TEXT, required, max_length=max_length)


_CHANNELS = {
    "salon": "salon",
    "salón": "salon",
    "mesa": "salon",
    "dine in": "salon",
    "dine-in": "salon",
    "delivery": "delivery",
    "reparto": "delivery",
    "para llevar": "para_llevar",
    "para_llevar": "para_llevar",
    "llevar": "para_llevar",
    "takeaway": "para_llevar",
    "take away": "para_llevar",
}

PRICES = ImportSpec(
    kind="prices",
    fields=(
        _text("retailer", required=True, max_length=120),
        _text("external_id", required=True, max_length=120),
        _text("name", required=True),
        FieldSpec("observed_at", ValueKind.DATETIME, required=True),
        _price("regular_price", required=True),
        _price("offer_price"),
        _price("card_price"),
        _text("card_name", max_length=40),
        FieldSpec("in_stock", ValueKind.BOOL),
        FieldSpec("stock_level", ValueKind.INT, min_value=0, max_value=10_000_000),
        _text("promo_text"),
        _text("brand", max_length=120),
        FieldSpec("ean", ValueKind.EAN),
        _text("category", max_length=200),
        _text("size", max_length=60),
        _text("url"),
    ),
    key=("retailer", "external_id", "observed_at"),
    rules=(
        ComparisonRule("offer_price", "regular_price", "offer_price above regular_price"),
        ComparisonRule("card_price", "regular_price", "card_price above regular_price"),
    ),
)

CATALOG = ImportSpec(
    kind="catalog",
    fields=(
        _text("sku", required=True, max_length=64),
        _text("name", required=True),
        _text("category", required=True, max_length=120),
        _text("brand", max_length=120),
        FieldSpec("ean", ValueKind.EAN),
        _text("size", max_length=60),
        _price("unit_cost"),
    ),
    key=("sku",),
)

SALES = ImportSpec(
    kind="sales",
    fields=(
        _text("sku", required=True, max_length=64),
        FieldSpec("date", ValueKind.DATE, required=True),
        _price("price", required=True),
        FieldSpec("units", ValueKind.INT, required=True, min_value=0, max_value=10_000_000),
        # own_price.revenue_pen is NUMERIC(12, 2): below 10**10.
        FieldSpec("revenue", ValueKind.PRICE, min_value=0, max_value=1e9),
    ),
    key=("sku", "date"),
)

PROMOTIONS = ImportSpec(
    kind="promotions",
    fields=(
        _text("retailer", required=True, max_length=120),
        _text("external_id", required=True, max_length=120),
        # Part of a unique key: PostgreSQL indexes entries up to 2704 bytes (4 per character).
        _text("text", required=True, max_length=MAX_KEYED_TEXT_LENGTH),
        FieldSpec("starts_on", ValueKind.DATE, required=True),
        FieldSpec("ends_on", ValueKind.DATE),
        _text("name"),
    ),
    key=("retailer", "external_id", "text", "starts_on"),
    rules=(ComparisonRule("starts_on", "ends_on", "ends_on before starts_on"),),
)

ORDERS = ImportSpec(
    kind="orders",
    fields=(
        _text("restaurant", required=True, max_length=120),
        _text("order_id", required=True, max_length=120),
        FieldSpec("ordered_at", ValueKind.DATETIME, required=True),
        _text("dish", required=True, max_length=160),
        FieldSpec("quantity", ValueKind.INT, required=True, min_value=1, max_value=1_000),
        _price("unit_price", required=True),
        _text("diner_id", max_length=200),
        FieldSpec("party_size", ValueKind.INT, min_value=1, max_value=50),
        FieldSpec("channel", choices=_CHANNELS),
    ),
    key=("restaurant", "order_id", "dish"),
)

MENU = ImportSpec(
    kind="menu",
    fields=(
        _text("restaurant", required=True, max_length=120),
        _text("dish", required=True, max_length=160),
        _text("category", required=True, max_length=80),
        _price("price", required=True),
        _price("cost"),
        _text("ingredients"),
        _text("tags"),
        _text("description"),
        _text("restaurant_kind", max_length=40),
        _text("district", max_length=80),
    ),
    key=("restaurant", "dish"),
)

FEEDBACK = ImportSpec(
    kind="feedback",
    fields=(
        _text("restaurant", required=True, max_length=120),
        FieldSpec("created_at", ValueKind.DATETIME, required=True),
        _text("text", required=True, max_length=20_000),
        FieldSpec("rating", ValueKind.INT, min_value=1, max_value=5),
        _text("diner_id", max_length=200),
        _text("dish", max_length=160),
        _text("source", max_length=40),
        _text("feedback_id", max_length=120),
    ),
    key=("restaurant", "dedup_key"),
)

SURVEYS = ImportSpec(
    kind="surveys",
    fields=(
        _text("survey", required=True, max_length=160),
        _text("respondent_id", required=True, max_length=200),
        FieldSpec("submitted_at", ValueKind.DATETIME, required=True),
        _text("question", required=True, max_length=MAX_KEYED_TEXT_LENGTH - 120),
        _text("answer", required=True, max_length=20_000),
        FieldSpec("score", ValueKind.NUMBER, min_value=-1e6, max_value=1e6),
        _text("restaurant", max_length=120),
        _text("retailer", max_length=120),
    ),
    key=("survey", "respondent_id", "question"),
)

DINERS = ImportSpec(
    kind="diners",
    fields=(
        _text("diner_id", required=True, max_length=200),
        _text("age_band", max_length=20),
        _text("gender", max_length=20),
        _text("district", max_length=80),
        _text("diet"),
    ),
    key=("diner_id",),
)

SHOPPERS = ImportSpec(
    kind="shoppers",
    fields=(
        _text("shopper_id", required=True, max_length=200),
        _text("retailer", required=True, max_length=120),
        FieldSpec("month", ValueKind.MONTH, required=True),
        FieldSpec("purchases", ValueKind.INT, required=True, min_value=0, max_value=100_000),
        FieldSpec("spend", ValueKind.PRICE, min_value=0, max_value=1e9),
        FieldSpec("social_engagements", ValueKind.INT, min_value=0, max_value=10_000_000),
        FieldSpec("survey_score", ValueKind.NUMBER, min_value=1, max_value=5),
    ),
    key=("shopper_id", "retailer", "month"),
)

SPECS: dict[str, ImportSpec] = {
    spec.kind: spec
    for spec in (
        PRICES,
        CATALOG,
        SALES,
        PROMOTIONS,
        ORDERS,
        MENU,
        FEEDBACK,
        SURVEYS,
        DINERS,
        SHOPPERS,
    )
}


def get_spec(kind: str) -> ImportSpec:
    """The spec for ``kind``; an :class:`InputError` lists the known kinds otherwise."""
    try:
        return SPECS[kind]
    except KeyError:
        known = ", ".join(sorted(SPECS))
        raise InputError(f"unknown import kind {kind!r}; known kinds: {known}") from None
