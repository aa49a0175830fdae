"""Retail demo data: our catalog, six retailers' daily shelf prices, our sales and promotions.

Plaza Vea is our banner. Each competitor writes product names its own way, carries part of our
assortment plus listings we do not sell (other sizes and flavours, private labels, bulk packs)
and prices with a planted strategy: everyday-low-price, high-low, premium or discounter. Files
follow ``docs/data-formats.md`` and carry dirt at known rates (malformed rows, exact duplicates,
price typos); ``ground_truth/`` records everything that was planted.

Everything is drawn from ``numpy.random.default_rng`` streams derived from the seed and the name
of the part being drawn, so a retailer's data does not depend on the other retailers.
"""

from __future__ import annotations

import csv
import itertools
import json
import logging
import math
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from pulso.errors import ConfigError, InputError
from pulso.synth._retail_products import (
    CATEGORY_PROFILES,
    FLAVOUR_PRICE_FACTORS,
    PACK_COUNTS,
    PACK_TOTAL_CAPS,
    PRODUCT_LINES,
    VARIANT_PRICE_FACTORS,
    ProductLine,
)
from pulso.synth.manifest import ManifestEntry
from pulso.synth.scales import Scale, get_scale

__all__ = [
    "OUR_RETAILER",
    "RETAILERS",
    "Retailer",
    "Strategy",
    "generate_retail",
]

logger = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

BAD_ROW_RATIO = 0.003
DUPLICATE_RATIO = 0.002
OUTLIER_RATIO = 0.0001
OPTIONAL_BLANK_RATIO = 0.01
LISTING_WITHOUT_EAN_RATIO = 0.05
SHRINKFLATION_RATIO = 0.005
PERMANENT_CHANGE_RATIO = 0.1
PRIVATE_LABEL_SHARE = 0.3
SEASON_PROMO_BOOST = 3.0

REQUIRED_PRICE_COLUMNS = ("retailer", "external_id", "name", "observed_at", "regular_price")
CAMPAIGNS = {
    "escolar": "Campaña Escolar",
    "madre": "Día de la Madre",
    "fiestas_patrias": "Fiestas Patrias",
    "navidad": "Navidad",
}
SEASON_DEMAND = {"escolar": 1.25, "madre": 1.3, "fiestas_patrias": 1.5, "navidad": 1.6}
WEEKDAY_DEMAND = (0.9, 0.85, 0.95, 0.95, 1.1, 1.3, 1.2)
MONTHS_ES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
IMPOSSIBLE_DAYS = ((2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31))
ABBREVIATIONS = {
    "Detergente": "Det.",
    "Evaporada": "Evap.",
    "Mineral": "Min.",
    "Vegetal": "Veg.",
    "Instantáneo": "Inst.",
    "Achocolatada": "Achoc.",
    "Higiénico": "Hig.",
    "Rehidratante": "Rehidrat.",
    "Energizante": "Energ.",
    "Mantequilla": "Mantequ.",
    "Suavizante": "Suaviz.",
    "Lavavajilla": "Lavavaj.",
    "Bebible": "Beb.",
    "Botella": "Bot.",
    "Galletas": "Gall.",
    "Chocolate": "Choc.",
    "Multiusos": "Multiuso",
}


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Size:
    """A pack of ``pack`` units of ``amount`` grams, millilitres or units (``unit``)."""

    pack: int
    amount: float
    unit: str

    @property
    def total(self) -> float:
        return self.pack * self.amount


@dataclass(frozen=True, slots=True)
class Product:
    """One sellable product: a line's variant, flavour and size, with its list price."""

    line: ProductLine
    variant: str
    flavour: str
    size: Size
    brand: str
    price_pen: float
    code: int
    ean: str


@dataclass(frozen=True, slots=True)
class Strategy:
    """A planted pricing strategy.

    ``price_level`` is the regular price relative to the market, ``price_spread`` the
    log-normal spread of a listing around it and ``reprice_days`` the mean days between
    regular-price updates (cost drift reaches the shelf then). Promotions start at
    ``promo_rate`` per listing and day (tripled in the seasons of the category), last
    ``promo_days`` and cut ``promo_depth``; ``promo_mix`` weighs their mechanics.
    """

    name: str
    price_level: float
    price_spread: float
    reprice_days: float
    promo_rate: float
    promo_days: tuple[int, int]
    promo_depth: tuple[float, float]
    promo_mix: tuple[tuple[str, float], ...]
    stockout_rate: float


@dataclass(frozen=True, slots=True)
class NameStyle:
    """How a retailer writes listing names; tuples hold alternatives picked per listing.

    ``orders`` lists part names (kind brand line variant flavour container size) separated by
    spaces; parts left out are not written. ``desc_case`` (keep, lower, upper, title) applies
    to the descriptive words and ``brand_case`` (keep, upper) to the brand. The size is written
    with one of ``decimal``, ``gap`` (between number and unit) and the unit spellings (``"ml"``
    as the litre spelling writes 1.5 L as 1500 ml, ``"g"`` as the kilo spelling writes grams);
    ``packs`` are templates with ``{n}`` and ``{size}``. ``abbreviate`` is the share of names
    whose descriptive words are shortened (Detergente -> Det.), ``plain_brand`` drops
    punctuation from brands (COCA COLA, KELLOGGS) and ``glue_brand`` is the share of names
    that write the brand without spaces (INCAKOLA).
    """

    orders: tuple[str, ...]
    desc_case: str
    brand_case: str
    strip_accents: bool
    decimal: tuple[str, ...]
    gap: tuple[str, ...]
    litre: tuple[str, ...]
    millilitre: str
    gram: tuple[str, ...]
    kilo: tuple[str, ...]
    units: tuple[str, ...]
    packs: tuple[str, ...]
    abbreviate: float = 0.0
    plain_brand: bool = False
    glue_brand: float = 0.0


@dataclass(frozen=True, slots=True)
class FileStyle:
    """How a retailer's price export looks.

    ``header`` is the header case (lower, upper, title), ``price`` the price style (plain
    ``12.90``, comma ``12,90``, soles ``S/ 12.90``, soles_nospace ``S/12.90``), ``date`` a
    strftime pattern where ``%H:%M`` is the scrape time, ``booleans`` the in-stock words and
    ``ending`` how shelf prices end (tenth: S/ 3.50; ninety: S/ 12.90 from S/ 5 up).
    """

    columns: str
    header: str
    sep: str
    encoding: str
    price: str
    date: str
    booleans: tuple[str, str]
    id_prefix: str
    id_digits: int
    ending: str

    @property
    def column_names(self) -> tuple[str, ...]:
        """The file's columns (``columns`` is a space-separated list)."""
        return tuple(self.columns.split())


@dataclass(frozen=True, slots=True)
class Retailer:
    """A supermarket banner with its strategy, assortment, naming and export styles."""

    name: str
    slug: str
    strategy: Strategy
    card_name: str | None
    carry_ratio: float
    extra_ratio: float
    private_label: str | None
    campaign: str
    names: NameStyle
    file: FileStyle
    category_names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Shrink:
    """A pack that shrinks on ``day`` (same line, less content, higher price)."""

    day: int
    size: Size
    price_factor: float


@dataclass(frozen=True, slots=True)
class Market:
    """What every retailer shares: dates, products, our catalog, cost drift, shrinkflation."""

    dates: tuple[date, ...]
    products: tuple[Product, ...]
    catalog: IntArray
    skus: tuple[str, ...]
    drift: FloatArray
    shrinks: dict[int, Shrink]
    seasons: dict[str, BoolArray]


@dataclass(frozen=True, slots=True)
class Listings:
    """One retailer's listings (rows of every per-listing array)."""

    external_ids: ObjArray
    products: list[Product]
    sku_pos: IntArray
    shrink_day: IntArray
    shrink_factor: FloatArray
    sizes_after: list[Size]


@dataclass(frozen=True, slots=True)
class PromoEvents:
    """Planted promotion events of one retailer (``end`` is inclusive, maybe past the data)."""

    listing: IntArray
    start: IntArray
    end: IntArray
    texts: list[str]
    promo_types: list[str]
    min_units: list[int]
    discount: FloatArray
    shopper_discount: FloatArray
    offer: IntArray
    card: IntArray
    campaigns: list[str]


@dataclass(frozen=True, slots=True)
class Panel:
    """Daily state of every listing: prices in cents (-1 = none), promotions, stock."""

    regular: IntArray
    offer: IntArray
    card: IntArray
    event: IntArray
    events: PromoEvents
    out_of_stock: BoolArray
    stock_level: IntArray


# --------------------------------------------------------------------------- retailers

MARKET = Strategy(
    name="market",
    price_level=1.0,
    price_spread=0.03,
    reprice_days=60,
    promo_rate=1 / 30,
    promo_days=(4, 10),
    promo_depth=(0.1, 0.3),
    promo_mix=(
        ("percent", 0.3),
        ("amount", 0.2),
        ("multibuy", 0.1),
        ("nth", 0.1),
        ("bundle", 0.05),
        ("card", 0.25),
    ),
    stockout_rate=1 / 250,
)
HIGH_LOW = Strategy(
    name="high_low",
    price_level=1.06,
    price_spread=0.035,
    reprice_days=45,
    promo_rate=1 / 10,
    promo_days=(5, 12),
    promo_depth=(0.2, 0.5),
    promo_mix=(
        ("percent", 0.3),
        ("multibuy", 0.2),
        ("nth", 0.15),
        ("amount", 0.1),
        ("bundle", 0.05),
        ("card", 0.2),
    ),
    stockout_rate=1 / 200,
)
EVERYDAY_LOW_PRICE = Strategy(
    name="everyday_low_price",
    price_level=0.935,
    price_spread=0.02,
    reprice_days=90,
    promo_rate=1 / 150,
    promo_days=(3, 7),
    promo_depth=(0.05, 0.12),
    promo_mix=(("percent", 0.6), ("amount", 0.2), ("card", 0.2)),
    stockout_rate=1 / 250,
)
PREMIUM = Strategy(
    name="premium",
    price_level=1.12,
    price_spread=0.035,
    reprice_days=75,
    promo_rate=1 / 80,
    promo_days=(5, 10),
    promo_depth=(0.1, 0.2),
    promo_mix=(("percent", 0.5), ("nth", 0.2), ("card", 0.3)),
    stockout_rate=1 / 300,
)
DISCOUNTER = Strategy(
    name="discounter",
    price_level=0.88,
    price_spread=0.025,
    reprice_days=60,
    promo_rate=1 / 120,
    promo_days=(5, 14),
    promo_depth=(0.05, 0.15),
    promo_mix=(("bundle", 0.5), ("multibuy", 0.2), ("percent", 0.3)),
    stockout_rate=1 / 120,
)

OUR_RETAILER = "plaza-vea"
EXCEL_RETAILER = "makro"
_KIND_FIRST = "kind brand line variant flavour container size"
_PRICE_COLUMNS = "observed_at regular_price offer_price card_price card_name in_stock"

RETAILERS: tuple[Retailer, ...] = (
    Retailer(
        name="Plaza Vea",
        slug="plaza-vea",
        strategy=MARKET,
        card_name="Oh!",
        carry_ratio=1.0,
        extra_ratio=0.0,
        private_label=None,
        campaign="Precios de Locura",
        names=NameStyle(
            orders=(_KIND_FIRST,),
            desc_case="keep",
            brand_case="upper",
            strip_accents=False,
            decimal=(".",),
            gap=("",),
            litre=("L",),
            millilitre="ml",
            gram=("g",),
            kilo=("kg",),
            units=("un",),
            packs=("{size} Paquete {n}un",),
        ),
        file=FileStyle(
            columns=f"retailer external_id name brand category size ean {_PRICE_COLUMNS} "
            "stock_level promo_text",
            header="lower",
            sep=",",
            encoding="utf-8",
            price="plain",
            date="%Y-%m-%d",
            booleans=("true", "false"),
            id_prefix="",
            id_digits=8,
            ending="tenth",
        ),
    ),
    Retailer(
        name="Tottus",
        slug="tottus",
        strategy=HIGH_LOW,
        card_name="CMR",
        carry_ratio=0.9,
        extra_ratio=0.12,
        private_label="Tottus",
        campaign="Precios Bajos Tottus",
        names=NameStyle(
            orders=(
                "brand kind line variant flavour size",
                "kind brand line variant flavour size",
            ),
            desc_case="lower",
            brand_case="keep",
            strip_accents=False,
            decimal=(",", "."),
            gap=(" ",),
            litre=("lt", "L", "litros"),
            millilitre="ml",
            gram=("gr", "g"),
            kilo=("kg",),
            units=("un", "unid"),
            packs=("{size} pack x{n}", "paquete {n} un {size}"),
            abbreviate=0.15,
        ),
        file=FileStyle(
            columns=f"retailer external_id name brand {_PRICE_COLUMNS} promo_text",
            header="upper",
            sep=";",
            encoding="utf-8",
            price="comma",
            date="%d/%m/%Y",
            booleans=("sí", "no"),
            id_prefix="4",
            id_digits=7,
            ending="ninety",
        ),
    ),
    Retailer(
        name="Metro",
        slug="metro",
        strategy=EVERYDAY_LOW_PRICE,
        card_name="Cencosud",
        carry_ratio=0.85,
        extra_ratio=0.1,
        private_label="Metro",
        campaign="Precios Bajos Siempre",
        names=NameStyle(
            orders=(_KIND_FIRST,),
            desc_case="upper",
            brand_case="upper",
            strip_accents=True,
            decimal=(".",),
            gap=(" ",),
            litre=("L", "LT"),
            millilitre="ML",
            gram=("G", "GR"),
            kilo=("KG",),
            units=("UN", "UND"),
            packs=("SIX PACK {size}", "PACK X {n} {size}"),
            abbreviate=0.3,
            plain_brand=True,
        ),
        file=FileStyle(
            columns=f"retailer external_id name ean {_PRICE_COLUMNS} stock_level promo_text",
            header="lower",
            sep=",",
            encoding="utf-8",
            price="soles",
            date="%Y-%m-%dT%H:%M:00-05:00",
            booleans=("1", "0"),
            id_prefix="",
            id_digits=6,
            ending="tenth",
        ),
    ),
    Retailer(
        name="Wong",
        slug="wong",
        strategy=PREMIUM,
        card_name="Cencosud",
        carry_ratio=0.8,
        extra_ratio=0.15,
        private_label="Cuisine & Co",
        campaign="Ofertas Wong",
        names=NameStyle(
            orders=(_KIND_FIRST,),
            desc_case="title",
            brand_case="keep",
            strip_accents=False,
            decimal=(".",),
            gap=(" ",),
            litre=("ml",),
            millilitre="ml",
            gram=("g",),
            kilo=("g", "kg"),
            units=("Unid.",),
            packs=("Pack {n} Unid. {size}",),
        ),
        file=FileStyle(
            columns=f"retailer external_id name brand category ean url {_PRICE_COLUMNS} "
            "stock_level promo_text",
            header="lower",
            sep=",",
            encoding="utf-8",
            price="plain",
            date="%Y-%m-%d %H:%M",
            booleans=("true", "false"),
            id_prefix="",
            id_digits=6,
            ending="ninety",
        ),
        category_names={
            "Abarrotes": "Despensa",
            "Lácteos": "Lácteos y Huevos",
            "Carnes y aves": "Carnes, Aves y Pescados",
            "Galletas": "Galletas y Golosinas",
            "Limpieza": "Limpieza del Hogar",
        },
    ),
    Retailer(
        name="Vivanda",
        slug="vivanda",
        strategy=PREMIUM,
        card_name="Oh!",
        carry_ratio=0.7,
        extra_ratio=0.1,
        private_label="Vivanda",
        campaign="Selección Vivanda",
        names=NameStyle(
            orders=("brand line kind variant flavour size",),
            desc_case="title",
            brand_case="keep",
            strip_accents=True,
            decimal=(".",),
            gap=(" ",),
            litre=("Litros", "L"),
            millilitre="ml",
            gram=("g", "gr"),
            kilo=("Kg",),
            units=("un",),
            packs=("{n} x {size}", "Pack x {n} {size}"),
        ),
        file=FileStyle(
            columns=f"retailer external_id name brand ean size {_PRICE_COLUMNS} "
            "stock_level promo_text",
            header="lower",
            sep=",",
            encoding="utf-8-sig",
            price="soles_nospace",
            date="%Y-%m-%d",
            booleans=("si", "no"),
            id_prefix="",
            id_digits=5,
            ending="ninety",
        ),
    ),
    Retailer(
        name="Makro",
        slug="makro",
        strategy=DISCOUNTER,
        card_name=None,
        carry_ratio=0.6,
        extra_ratio=0.3,
        private_label="Aro",
        campaign="Ofertas Makro",
        names=NameStyle(
            orders=(
                "kind brand line variant flavour size",
                "brand line kind variant flavour size",
            ),
            desc_case="upper",
            brand_case="upper",
            strip_accents=True,
            decimal=(".", ","),
            gap=("",),
            litre=("LT", "L"),
            millilitre="ML",
            gram=("GR", "G"),
            kilo=("KG",),
            units=("UN",),
            packs=("{n}X{size}", "{size} X {n}UN"),
            abbreviate=0.6,
            plain_brand=True,
            glue_brand=0.3,
        ),
        file=FileStyle(
            columns="retailer external_id name category observed_at regular_price offer_price "
            "in_stock stock_level promo_text",
            header="title",
            sep=",",
            encoding="utf-8",
            price="plain",
            date="%d/%m/%Y",
            booleans=("1", "0"),
            id_prefix="MK",
            id_digits=6,
            ending="tenth",
        ),
    ),
)
CARD_TEXTS = {
    "Oh!": "Precio Oh!",
    "CMR": "Precio exclusivo CMR",
    "Cencosud": "Precio exclusivo Tarjeta Cencosud",
}


# --------------------------------------------------------------------------- randomness


def _rng(seed: int, *parts: str) -> np.random.Generator:
    """A generator for one named part of the data set (stable when other parts change)."""
    return np.random.default_rng([seed, *(zlib.crc32(part.encode()) for part in parts)])


# --------------------------------------------------------------------------- products

_SIZE_RE = re.compile(r"(?:(\d+) x )?(\d+(?:\.\d+)?) (g|kg|ml|L|un)")
_UNIT_BASE = {"g": ("g", 1.0), "kg": ("g", 1000.0), "ml": ("ml", 1.0), "L": ("ml", 1000.0)}


def parse_size(text: str) -> Size:
    """Parse a catalogue size such as ``"6 x 355 ml"`` or ``"1.5 L"``."""
    match = _SIZE_RE.fullmatch(text)
    if match is None:
        raise InputError(f"cannot parse size {text!r}", column="size")
    pack, value, unit = match.groups()
    base, factor = _UNIT_BASE.get(unit, ("un", 1.0))
    return Size(int(pack or 1), float(value) * factor, base)


def _number(value: float, decimal: str = ".") -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", decimal)


def canonical_size(size: Size) -> str:
    """Write a size the way our catalog does: ``1.5 L``, ``400 g``, ``6 x 355 ml``."""
    if size.unit == "un":
        single = f"{_number(size.amount)} un"
    elif size.amount >= 1000:
        single = f"{_number(size.amount / 1000)} {'kg' if size.unit == 'g' else 'L'}"
    else:
        single = f"{_number(size.amount)} {size.unit}"
    return single if size.pack == 1 else f"{size.pack} x {single}"


def _line_sizes(line: ProductLine) -> list[Size]:
    listed = [parse_size(text) for text in line.sizes]
    sizes = list(listed)
    for size in listed:
        if size.pack != 1:
            continue
        for count in PACK_COUNTS:
            pack = Size(count, size.amount, size.unit)
            if pack.total <= PACK_TOTAL_CAPS[size.unit] and pack not in sizes:
                sizes.append(pack)
    return sizes


def _list_price(line: ProductLine, variant: str, flavour: str, size: Size) -> float:
    ref = parse_size(line.sizes[0])
    single = line.price_pen * float((size.amount / ref.amount) ** 0.85)
    pack_discount = 1.0 - 0.025 * math.log2(size.pack)
    factor = VARIANT_PRICE_FACTORS.get(variant, 1.0) * FLAVOUR_PRICE_FACTORS.get(flavour, 1.0)
    return max(0.5, single * size.pack * pack_discount * factor)


def gs1_check_digit(digits: str) -> str:
    """The GS1 (EAN/DUN) check digit of ``digits``."""
    total = sum(int(d) * (3 if k % 2 == 0 else 1) for k, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def _ean13(first12: str) -> str:
    return first12 + gs1_check_digit(first12)


def enumerate_products() -> list[Product]:
    """Every product of the catalogue data, in a fixed order (``code`` is the position)."""
    brands = sorted({line.brand for line in PRODUCT_LINES})
    brand_codes = {brand: 1000 + 7 * k for k, brand in enumerate(brands)}
    products: list[Product] = []
    for line in PRODUCT_LINES:
        combos = itertools.product(line.variants, line.flavours, _line_sizes(line))
        for variant, flavour, size in combos:
            code = len(products)
            ean = _ean13(f"775{brand_codes[line.brand]:04d}{code:05d}")
            price = _list_price(line, variant, flavour, size)
            products.append(Product(line, variant, flavour, size, line.brand, price, code, ean))
    return products


def _select_catalog(products: Sequence[Product], n: int, rng: np.random.Generator) -> IntArray:
    """Pick ``n`` products, a few per line, so the catalog holds near-twins of each line."""
    lines = list(dict.fromkeys(p.line for p in products))
    order = rng.permutation(len(lines))
    rank_in_category: dict[str, int] = {}
    ranks = []
    for k in order:
        category = lines[k].category
        rank_in_category[category] = rank_in_category.get(category, 0) + 1
        ranks.append(rank_in_category[category])
    chosen_lines = [lines[k] for k in order[np.argsort(ranks, kind="stable")]]
    chosen_lines = chosen_lines[: min(len(lines), math.ceil(n / 3))]
    by_line: dict[int, list[int]] = {id(line): [] for line in chosen_lines}
    keys = rng.random(len(products)) + 0.6 * np.array([p.size.pack > 1 for p in products])
    for index in np.argsort(keys, kind="stable"):
        bucket = by_line.get(id(products[index].line))
        if bucket is not None:
            bucket.append(int(index))
    picked: list[int] = []
    for round_items in itertools.zip_longest(*by_line.values()):
        picked.extend(item for item in round_items if item is not None)
    if len(picked) < n:
        raise InputError(f"the catalogue data holds {len(picked)} products, fewer than {n}")
    return np.array(picked[:n], dtype=np.int64)


def _shrink_events(
    products: Sequence[Product], catalog: IntArray, n_days: int, rng: np.random.Generator
) -> dict[int, Shrink]:
    """Plant a few shrinkflation cases: same line, 400 g -> 380 g at a higher price."""
    line_sizes: dict[int, set[Size]] = {}
    for product in products:
        line_sizes.setdefault(id(product.line), set()).add(product.size)
    eligible = [
        pos
        for pos, index in enumerate(catalog)
        if products[index].size.pack == 1
        and products[index].size.unit in ("g", "ml")
        and 100 <= products[index].size.amount <= 1000
    ]
    count = min(len(eligible), max(2, round(len(catalog) * SHRINKFLATION_RATIO)))
    shrinks: dict[int, Shrink] = {}
    for pos in rng.choice(np.array(eligible), size=count, replace=False):
        size = products[catalog[pos]].size
        step = max(5.0, 5 * round(size.amount * rng.uniform(0.02, 0.08) / 5))
        new_size = Size(1, size.amount - step, size.unit)
        if new_size in line_sizes[id(products[catalog[pos]].line)]:
            continue
        day = int(rng.integers(n_days // 4, 3 * n_days // 4))
        shrinks[int(pos)] = Shrink(day, new_size, float(rng.uniform(1.03, 1.08)))
    return shrinks


def _season_windows(dates: Sequence[date]) -> dict[str, BoolArray]:
    """Days of the campaña escolar, Día de la Madre, Fiestas Patrias and Navidad."""
    windows = {name: np.zeros(len(dates), dtype=bool) for name in CAMPAIGNS}
    for k, day in enumerate(dates):
        first_may = date(day.year, 5, 1)
        mothers_day = first_may + timedelta(days=(6 - first_may.weekday()) % 7 + 7)
        windows["escolar"][k] = day.month in (2, 3)
        windows["madre"][k] = 0 <= (mothers_day - day).days <= 10
        windows["fiestas_patrias"][k] = day.month == 7 and 15 <= day.day <= 29
        windows["navidad"][k] = day.month == 12 and day.day <= 24
    return windows


def build_market(preset: Scale, *, seed: int, end_date: date) -> Market:
    """Draw what every retailer shares: our catalog, cost drift and shrinkflation."""
    rng = _rng(seed, "market")
    products = enumerate_products()
    catalog = _select_catalog(products, preset.retail_products, rng)
    sku_numbers = np.sort(rng.choice(900_000, size=catalog.size, replace=False) + 100_000)
    skus = tuple(f"20{number}" for number in sku_numbers)
    category_rate = np.array(
        [CATEGORY_PROFILES[p.line.category].inflation_ratio for p in products]
    )
    drift = category_rate + rng.normal(0.0, 0.015, len(products))
    dates = tuple(end_date - timedelta(days=k) for k in range(preset.retail_days - 1, -1, -1))
    shrinks = _shrink_events(products, catalog, preset.retail_days, rng)
    return Market(dates, tuple(products), catalog, skus, drift, shrinks, _season_windows(dates))


# --------------------------------------------------------------------------- listings


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _cased(text: str, case: str) -> str:
    if case == "upper":
        return text.upper()
    if case == "lower":
        return text.lower()
    if case == "title":
        small = {"de", "del", "en", "con", "y", "al", "la", "a"}
        return " ".join(w if w in small else w[:1].upper() + w[1:] for w in text.split())
    return text


def _pick(options: Sequence[str], u: float) -> str:
    return options[min(len(options) - 1, int(u * len(options)))]


def _size_text(size: Size, style: NameStyle, u: FloatArray) -> str:
    decimal, gap = _pick(style.decimal, u[0]), _pick(style.gap, u[1])
    if size.unit == "un":
        single = f"{_number(size.amount)}{gap}{_pick(style.units, u[2])}"
    elif size.unit == "ml":
        litre = _pick(style.litre, u[2])
        if size.amount >= 1000 and litre != "ml":
            value = size.amount / 1000
            word = "Litro" if litre == "Litros" and value == 1 else litre
            single = f"{_number(value, decimal)}{gap}{word}"
        else:
            single = f"{_number(size.amount, decimal)}{gap}{style.millilitre}"
    else:
        kilo = _pick(style.kilo, u[2])
        if size.amount >= 1000 and kilo != "g":
            single = f"{_number(size.amount / 1000, decimal)}{gap}{kilo}"
        else:
            single = f"{_number(size.amount, decimal)}{gap}{_pick(style.gram, u[3])}"
    if size.pack == 1:
        return single
    template = _pick(style.packs, u[4])
    if "SIX PACK" in template and size.pack != 6:
        template = style.packs[-1]
    return template.format(n=size.pack, size=single)


def _abbreviated(text: str) -> str:
    return " ".join(ABBREVIATIONS.get(word, word) for word in text.split())


def _brand_text(brand: str, style: NameStyle, u: FloatArray) -> str:
    if style.plain_brand:
        brand = re.sub(r"[!'.]", "", brand).replace("-", " ")
    brand = _cased(brand, style.brand_case)
    return brand.replace(" ", "") if u[5] < style.glue_brand else brand


def listing_name(product: Product, size: Size, style: NameStyle, u: FloatArray) -> str:
    """Write ``product`` (in ``size``) the way a retailer with ``style`` names it.

    ``u`` holds 8 uniform numbers that pick this listing's alternatives of the style.
    """
    line = product.line
    short = _abbreviated if u[7] < style.abbreviate else str
    words = {
        "kind": line.kind,
        "line": line.line,
        "variant": product.variant,
        "flavour": product.flavour,
        "container": line.container,
    }
    parts = {key: _cased(short(text), style.desc_case) for key, text in words.items()}
    parts["brand"] = _brand_text(product.brand, style, u)
    parts["size"] = _size_text(size, style, u)
    order = _pick(style.orders, u[6]).split()
    name = " ".join(parts[key] for key in order if parts[key])
    name = name[:1].upper() + name[1:]
    return _strip_accents(name) if style.strip_accents else name


def _private_labels(
    market: Market, retailer: Retailer, count: int, rng: np.random.Generator
) -> list[Product]:
    """The retailer's own-brand copies of generic lines (no counterpart in our catalog)."""
    label = retailer.private_label
    if label is None or count == 0:
        return []
    generic = ("Abarrotes", "Limpieza", "Lácteos", "Galletas", "Bebidas", "Desayuno")
    candidates = [p for p in market.products if p.line.line == "" and p.line.category in generic]
    seen: set[tuple[str, str, str, str, Size]] = set()
    labelled: list[Product] = []
    prefix = f"7759{zlib.crc32(retailer.slug.encode()) % 1000:03d}"
    for index in rng.permutation(len(candidates)):
        product = candidates[index]
        key = (
            product.line.kind,
            product.line.container,
            product.variant,
            product.flavour,
            product.size,
        )
        if key in seen:
            continue
        seen.add(key)
        ean = _ean13(f"{prefix}{product.code:05d}")
        labelled.append(replace(product, brand=label, price_pen=product.price_pen * 0.82, ean=ean))
        if len(labelled) == count:
            break
    return labelled


def _other_products(
    market: Market, retailer: Retailer, count: int, rng: np.random.Generator
) -> list[Product]:
    """Products we do not sell, mostly other sizes and flavours of lines we do sell."""
    in_catalog = np.zeros(len(market.products), dtype=bool)
    in_catalog[market.catalog] = True
    our_lines = {id(market.products[i].line) for i in market.catalog}
    candidates = np.flatnonzero(~in_catalog)
    packs = retailer.strategy.name == "discounter"
    weights = np.array(
        [
            1.0
            + 4.0 * (id(market.products[i].line) in our_lines)
            + 4.0 * (packs and market.products[i].size.pack > 1)
            for i in candidates
        ]
    )
    count = min(count, candidates.size)
    picked = rng.choice(candidates, size=count, replace=False, p=weights / weights.sum())
    return [market.products[i] for i in picked]


def build_listings(market: Market, retailer: Retailer, seed: int) -> Listings:
    """Choose what ``retailer`` sells, in its file order, with ids and shrinkflation dates."""
    rng = _rng(seed, retailer.slug, "listings")
    n_catalog = market.catalog.size
    carried = np.flatnonzero(rng.random(n_catalog) < retailer.carry_ratio)
    n_extra = round(retailer.extra_ratio * carried.size)
    n_private = round(n_extra * PRIVATE_LABEL_SHARE) if retailer.private_label else 0
    extras = _private_labels(market, retailer, n_private, rng)
    extras += _other_products(market, retailer, n_extra - len(extras), rng)
    products = [market.products[market.catalog[pos]] for pos in carried] + extras
    sku_pos = np.concatenate([carried, np.full(len(extras), -1)]).astype(np.int64)
    order = rng.permutation(len(products))
    products = [products[k] for k in order]
    sku_pos = sku_pos[order]
    if retailer.slug == OUR_RETAILER:
        external_ids = np.array([market.skus[pos] for pos in sku_pos], dtype=object)
    else:
        span = 9 * 10 ** (retailer.file.id_digits - 1)
        numbers = rng.choice(span, size=len(products), replace=False) + span // 9
        external_ids = np.array([f"{retailer.file.id_prefix}{n}" for n in numbers], dtype=object)
    return _with_shrinks(market, retailer, external_ids, products, sku_pos, rng)


def _with_shrinks(
    market: Market,
    retailer: Retailer,
    external_ids: ObjArray,
    products: list[Product],
    sku_pos: IntArray,
    rng: np.random.Generator,
) -> Listings:
    n_days = len(market.dates)
    shrink_day = np.full(len(products), n_days, dtype=np.int64)
    shrink_factor = np.ones(len(products))
    sizes_after = [p.size for p in products]
    lags = rng.integers(0, 11, size=len(products))
    for k, pos in enumerate(sku_pos):
        shrink = market.shrinks.get(int(pos))
        if shrink is None:
            continue
        lag = 0 if retailer.slug == OUR_RETAILER else int(lags[k])
        shrink_day[k] = min(n_days, shrink.day + lag)
        shrink_factor[k] = shrink.price_factor
        sizes_after[k] = shrink.size
    return Listings(external_ids, products, sku_pos, shrink_day, shrink_factor, sizes_after)


# --------------------------------------------------------------------------- prices


def _shelf_cents(price_pen: FloatArray, ending: str) -> IntArray:
    """Round prices to shelf endings: S/ 3.50, S/ 12.90."""
    cents = np.rint(price_pen * 10.0) * 10.0
    if ending == "ninety":
        ninety = (np.rint(price_pen - 0.9) + 0.9) * 100.0
        cents = np.where(price_pen >= 5.0, ninety, cents)
    return np.maximum(np.rint(cents), 10).astype(np.int64)


def _nice_cents(cents: float) -> int:
    """A promotional price at or below ``cents``: S/ 9.90, S/ 4.50."""
    if cents >= 500:
        return int(math.floor((cents - 90) / 100) * 100 + 90)
    return int(math.floor(cents / 10) * 10)


def _regular_cents(
    market: Market, listings: Listings, strategy: Strategy, ending: str, rng: np.random.Generator
) -> IntArray:
    """Daily regular prices: strategy level, cost drift applied at repricing dates, steps."""
    n, n_days = len(listings.products), len(market.dates)
    days = np.arange(n_days)
    base = np.array([p.price_pen for p in listings.products])
    drift = market.drift[[p.code for p in listings.products]]
    idio = np.exp(rng.normal(0.0, strategy.price_spread, n))
    reprice = rng.random((n, n_days)) < 1.0 / strategy.reprice_days
    reprice[:, 0] = True
    epoch = np.maximum.accumulate(np.where(reprice, days, 0), axis=1)
    price = (base * strategy.price_level * idio)[:, None] * np.exp(drift[:, None] * epoch / 365)
    has_step = rng.random(n) < PERMANENT_CHANGE_RATIO
    step_day = rng.integers(0, n_days, n)
    rise = rng.random(n) < 0.75
    step = np.where(rise, rng.uniform(0.04, 0.12, n), -rng.uniform(0.04, 0.1, n))
    stepped = has_step[:, None] & (days >= step_day[:, None])
    price *= np.where(stepped, 1.0 + step[:, None], 1.0)
    shrunk = days >= listings.shrink_day[:, None]
    price *= np.where(shrunk, listings.shrink_factor[:, None], 1.0)
    return _shelf_cents(price, ending)


def _promo_rates(market: Market, listings: Listings, strategy: Strategy) -> FloatArray:
    categories = sorted(CATEGORY_PROFILES)
    boost = np.ones((len(categories), len(market.dates)))
    for k, category in enumerate(categories):
        for season in CATEGORY_PROFILES[category].events:
            boost[k, market.seasons[season]] = SEASON_PROMO_BOOST
    category_index = [categories.index(p.line.category) for p in listings.products]
    return strategy.promo_rate * boost[category_index]


def _draw_events(
    rates: FloatArray, strategy: Strategy, rng: np.random.Generator
) -> tuple[IntArray, IntArray, IntArray]:
    """Non-overlapping promotion events per listing, started at ``rates`` per day."""
    n, n_days = rates.shape
    starts = rng.random((n, n_days)) < rates
    low, high = strategy.promo_days
    durations = rng.integers(low, high + 1, size=(n, n_days))
    free_from = np.zeros(n, dtype=np.int64)
    found: list[tuple[IntArray, IntArray, IntArray]] = []
    for day in range(n_days):
        index = np.flatnonzero(starts[:, day] & (free_from <= day))
        if index.size:
            ends = day + durations[index, day] - 1
            free_from[index] = ends + 4
            found.append((index, np.full(index.size, day), ends))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    listing, start, end = (
        np.concatenate(parts).astype(np.int64) for parts in zip(*found, strict=True)
    )
    order = np.lexsort((listing, start))
    return listing[order], start[order], end[order]


def _soles(cents: int) -> str:
    return f"S/ {cents // 100}.{cents % 100:02d}"


def _date_span(start: date, end: date) -> str:
    if start.month == end.month:
        return f"Del {start.day} al {end.day} de {MONTHS_ES[start.month - 1]}"
    return (
        f"Del {start.day} de {MONTHS_ES[start.month - 1]} "
        f"al {end.day} de {MONTHS_ES[end.month - 1]}"
    )


@dataclass(frozen=True, slots=True)
class _Terms:
    text: str
    promo_type: str
    min_units: int
    discount: float
    offer: int = -1
    card: int = -1


def _percent_terms(regular: int, depth: float, u: float) -> _Terms:
    percent = min((5, 10, 15, 20, 25, 30, 35, 40, 50), key=lambda p: abs(p - 100 * depth))
    text = _pick(("{p}% dscto.", "-{p}%", "Ahorra {p}%", "{p}% de descuento"), u)
    offer = max(1, min(regular - 1, round(regular * (100 - percent) / 100)))
    return _Terms(text.format(p=percent), "percent_off", 1, percent / 100, offer=offer)


def _amount_terms(regular: int, depth: float, u: float) -> _Terms:
    if u < 0.5:
        amount = int(max(1, min(max(50, round(regular * depth / 50) * 50), regular - 10)))
        text = f"{_soles(amount)} de descuento"
        return _Terms(text, "amount_off", 1, amount / regular, offer=regular - amount)
    now = max(1, min(_nice_cents(regular * (1 - depth)), regular - 10))
    text = f"Antes {_soles(regular)} ahora {_soles(now)}"
    return _Terms(text, "amount_off", 1, 1 - now / regular, offer=now)


def _multibuy_terms(regular: int, depth: float, u: float) -> _Terms:
    del regular
    options = (("2x1", 2, 0.5), ("3x2", 3, 1 / 3), ("Lleva 3 paga 2", 3, 1 / 3), ("4x3", 4, 0.25))
    text, units, discount = options[int(u * 4) if depth >= 0.3 else 2 + int(u * 2)]
    return _Terms(text, "multibuy", units, discount)


def _nth_unit_terms(regular: int, depth: float, u: float) -> _Terms:
    del regular
    options = (
        ("50% dscto. en la 2da unidad", 0.25),
        ("2da unidad al 50%", 0.25),
        ("2da unidad a mitad de precio", 0.25),
        ("70% dscto. en la 2da unidad", 0.35),
    )
    text, discount = options[int(u * 3) if depth < 0.3 else int(u * 4)]
    return _Terms(text, "nth_unit_discount", 2, discount)


def _bundle_terms(regular: int, depth: float, u: float) -> _Terms:
    units = 2 if u < 0.5 else 3
    total = _nice_cents(units * regular * (1 - depth))
    money = _soles(total).removesuffix(".00")
    text = f"{units} x {money}" if u < 0.5 else f"Pack x {units} a {money}"
    return _Terms(text, "bundle", units, 1 - total / (units * regular))


_TERMS = {
    "percent": _percent_terms,
    "amount": _amount_terms,
    "multibuy": _multibuy_terms,
    "nth": _nth_unit_terms,
    "bundle": _bundle_terms,
}


def _promo_terms(kind: str, regular: int, depth: float, card_text: str, u: float) -> _Terms:
    """Text, parsed type, minimum units and effective discount of one promotion."""
    if kind == "card":
        card = max(1, min(_nice_cents(regular * (1 - depth)), regular - 10))
        return _Terms(card_text, "card_price", 1, 1 - card / regular, card=card)
    return _TERMS[kind](regular, depth, u)


def _describe_events(
    market: Market,
    listings: Listings,
    retailer: Retailer,
    window: tuple[IntArray, IntArray, IntArray],
    regular: IntArray,
    rng: np.random.Generator,
) -> PromoEvents:
    """Draw each event's mechanics and write its Peruvian promo text."""
    listing, start, end = window
    kinds_all = [kind for kind, _ in retailer.strategy.promo_mix]
    weights = np.array([w for _, w in retailer.strategy.promo_mix])
    if retailer.card_name is None and "card" in kinds_all:
        weights[kinds_all.index("card")] = 0.0
    kinds = rng.choice(len(kinds_all), size=listing.size, p=weights / weights.sum())
    depth = rng.uniform(*retailer.strategy.promo_depth, size=listing.size)
    u = rng.random((listing.size, 3))
    card_text = CARD_TEXTS.get(retailer.card_name or "", "")
    terms = [
        _promo_terms(kinds_all[k], int(regular[i, s]), float(d), card_text, float(v))
        for k, i, s, d, v in zip(kinds, listing, start, depth, u[:, 0], strict=True)
    ]
    texts = [
        _qualified(t.text, market.dates[s], market.dates[0] + timedelta(days=int(e)), q1, q2)
        for t, s, e, q1, q2 in zip(terms, start, end, u[:, 1], u[:, 2], strict=True)
    ]
    shopper = {"percent_off": 1.0, "amount_off": 1.0, "card_price": 0.5}
    return PromoEvents(
        listing=listing,
        start=start,
        end=end,
        texts=texts,
        promo_types=[t.promo_type for t in terms],
        min_units=[t.min_units for t in terms],
        discount=np.array([t.discount for t in terms]),
        shopper_discount=np.array([t.discount * shopper.get(t.promo_type, 0.6) for t in terms]),
        offer=np.array([t.offer for t in terms], dtype=np.int64),
        card=np.array([t.card for t in terms], dtype=np.int64),
        campaigns=_campaigns(market, listings, retailer, listing, start),
    )


def _qualified(text: str, start: date, end: date, u1: float, u2: float) -> str:
    if u1 < 0.12:
        text = f"{text} - Hasta agotar stock"
    if u2 < 0.12:
        text = f"{text.removesuffix('.')}. {_date_span(start, end)}"
    return text


def _campaigns(
    market: Market, listings: Listings, retailer: Retailer, listing: IntArray, start: IntArray
) -> list[str]:
    names = []
    for i, s in zip(listing, start, strict=True):
        events = CATEGORY_PROFILES[listings.products[i].line.category].events
        active = [CAMPAIGNS[e] for e in events if market.seasons[e][s]]
        names.append(active[0] if active else retailer.campaign)
    return names


def _event_matrix(events: PromoEvents, shape: tuple[int, int]) -> IntArray:
    matrix = np.full(shape, -1, dtype=np.int64)
    ends = np.minimum(events.end, shape[1] - 1)
    for offset in range(int((ends - events.start).max(initial=-1)) + 1):
        live = events.start + offset <= ends
        matrix[events.listing[live], events.start[live] + offset] = np.flatnonzero(live)
    return matrix


def _stock(
    n: int, n_days: int, strategy: Strategy, rng: np.random.Generator
) -> tuple[BoolArray, IntArray]:
    """Separate short stock-out runs (1 to 6 days) and a daily stock level."""
    drawn = rng.random((n, n_days)) < strategy.stockout_rate
    lengths = rng.integers(1, 7, size=(n, n_days))
    counts = np.pad(np.cumsum(drawn, axis=1), ((0, 0), (7, 0)))
    recent: IntArray = counts[:, 6:-1] - counts[:, :-7]
    starts = drawn & (recent == 0)
    out = np.zeros((n, n_days), dtype=bool)
    for k in range(6):
        out[:, k:] |= (starts & (lengths > k))[:, : n_days - k]
    mean_level = np.exp(rng.normal(np.log(40.0), 0.6, n))
    level = rng.poisson(mean_level[:, None], size=(n, n_days)).astype(np.int64) + 1
    level[out] = 0
    return out, level


def simulate_panel(market: Market, listings: Listings, retailer: Retailer, seed: int) -> Panel:
    """Simulate ``retailer``'s daily prices, promotions and stock for its listings."""
    rng = _rng(seed, retailer.slug, "prices")
    strategy = retailer.strategy
    regular = _regular_cents(market, listings, strategy, retailer.file.ending, rng)
    window = _draw_events(_promo_rates(market, listings, strategy), strategy, rng)
    events = _describe_events(market, listings, retailer, window, regular, rng)
    event = _event_matrix(events, regular.shape)
    active = event >= 0
    regular[active] = regular[events.listing, events.start][event[active]]
    offer = np.where(active, events.offer[event], -1)
    card = np.where(active, events.card[event], -1)
    out_of_stock, stock_level = _stock(len(listings.products), len(market.dates), strategy, rng)
    return Panel(regular, offer, card, event, events, out_of_stock, stock_level)


# --------------------------------------------------------------------------- files


def _format_price(cents: int, style: str) -> str:
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    if style == "comma":
        return f"{sign}{whole},{frac:02d}"
    if style == "soles":
        return f"S/ {sign}{whole}.{frac:02d}"
    if style == "soles_nospace":
        return f"S/{sign}{whole}.{frac:02d}"
    return f"{sign}{whole}.{frac:02d}"


def _price_values(cents: IntArray, style: str, excel: bool) -> ObjArray:
    """Written prices (``None``/``""`` where cents is -1), formatted once per distinct value."""
    values, inverse = np.unique(cents, return_inverse=True)
    blank: object = None if excel else ""
    lookup = np.array(
        [blank if v < 0 else (v / 100 if excel else _format_price(int(v), style)) for v in values],
        dtype=object,
    )
    return np.asarray(lookup[inverse.ravel()], dtype=object)


def _int_values(numbers: IntArray, excel: bool) -> ObjArray:
    values, inverse = np.unique(numbers, return_inverse=True)
    lookup = np.array([int(v) if excel else str(v) for v in values], dtype=object)
    return np.asarray(lookup[inverse.ravel()], dtype=object)


def _date_values(
    market: Market, retailer: Retailer, excel: bool, rng: np.random.Generator
) -> ObjArray:
    minutes = rng.integers(6 * 60, 9 * 60, size=len(market.dates))
    if excel:
        return np.array(market.dates, dtype=object)
    pattern = retailer.file.date
    texts = [
        pattern.replace("%H", f"{m // 60:02d}").replace("%M", f"{m % 60:02d}") for m in minutes
    ]
    return np.array(
        [d.strftime(t) for d, t in zip(market.dates, texts, strict=True)], dtype=object
    )


def _choose(mask: BoolArray, when_true: object, when_false: object) -> ObjArray:
    values = np.full(mask.size, when_false, dtype=object)
    values[mask] = when_true
    return values


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _strip_accents(text).lower()).strip("-")


@dataclass(frozen=True, slots=True)
class _Columns:
    """Per-row columns of one price file before dirt: object arrays of written values."""

    values: dict[str, ObjArray]
    listing: IntArray
    day: IntArray
    regular: IntArray
    offer: IntArray
    card: IntArray


def _listing_columns(
    retailer: Retailer, listings: Listings, excel: bool, rng: np.random.Generator
) -> dict[str, ObjArray]:
    """Per-listing values (two rows per listing: before and after shrinkflation)."""
    style = retailer.names
    blank: object = None if excel else ""
    names, sizes = [], []
    for product, after in zip(listings.products, listings.sizes_after, strict=True):
        u = rng.random(8)
        names += [
            listing_name(product, product.size, style, u),
            listing_name(product, after, style, u),
        ]
        sizes += [canonical_size(product.size), canonical_size(after)]
    has_ean = rng.random(len(listings.products)) >= LISTING_WITHOUT_EAN_RATIO
    brand_case = "upper" if style.desc_case == "lower" else "keep"
    per_listing = {
        "brand": [_cased(p.brand, brand_case) for p in listings.products],
        "ean": [p.ean if ok else blank for p, ok in zip(listings.products, has_ean, strict=True)],
        "category": [_category(retailer, p.line.category) for p in listings.products],
        "url": [
            f"https://www.{retailer.slug}.pe/{_slug(names[2 * k])}-{eid}/p"
            for k, eid in enumerate(listings.external_ids)
        ],
    }
    columns = {key: np.array(value, dtype=object) for key, value in per_listing.items()}
    columns["name"] = np.array(names, dtype=object)
    columns["size"] = np.array(sizes, dtype=object)
    return columns


def _category(retailer: Retailer, category: str) -> str:
    name = retailer.category_names.get(category, category)
    return _strip_accents(name).upper() if retailer.names.strip_accents else name


def _row_columns(
    market: Market, retailer: Retailer, listings: Listings, panel: Panel, excel: bool, seed: int
) -> _Columns:
    """Expand the panel into one row per listing and day (day-major, file order)."""
    rng = _rng(seed, retailer.slug, "rows")
    n, n_days = panel.regular.shape
    listing = np.tile(np.arange(n), n_days)
    day = np.repeat(np.arange(n_days), n)
    per_listing = _listing_columns(retailer, listings, excel, rng)
    after = (day >= listings.shrink_day[listing]).astype(np.int64)
    blank: object = None if excel else ""
    true, false = (1, 0) if excel else retailer.file.booleans
    card = panel.card.T.ravel()
    offer = panel.offer.T.ravel()
    stock = panel.stock_level.T.ravel()
    values: dict[str, ObjArray] = {
        "retailer": np.full(listing.size, retailer.name, dtype=object),
        "external_id": listings.external_ids[listing],
        "name": per_listing["name"][2 * listing + after],
        "size": per_listing["size"][2 * listing + after],
        "observed_at": _date_values(market, retailer, excel, rng)[day],
        "offer_price": _price_values(offer, retailer.file.price, excel),
        "card_price": _price_values(card, retailer.file.price, excel),
        "card_name": _choose(card >= 0, retailer.card_name or "", blank),
        "in_stock": _choose(panel.out_of_stock.T.ravel(), false, true),
        "stock_level": _int_values(stock, excel),
        "promo_text": np.array([blank, *panel.events.texts], dtype=object)[
            panel.event.T.ravel() + 1
        ],
    }
    for key in ("brand", "ean", "category", "url"):
        values[key] = per_listing[key][listing]
    for key in ("in_stock", "stock_level", "brand", "category"):
        values[key][rng.random(listing.size) < OPTIONAL_BLANK_RATIO] = blank
    return _Columns(values, listing, day, panel.regular.T.ravel(), offer, card)


@dataclass(frozen=True, slots=True)
class _Dirt:
    """Rows (in the clean order) chosen for outliers, bad rows and duplicate sources."""

    outliers: IntArray
    outlier_factors: FloatArray
    bad: IntArray
    bad_rules: list[str]
    duplicates: IntArray
    duplicate_offsets: IntArray


_RULE_COLUMNS = {
    "price_unparseable": "regular_price",
    "price_nonpositive": "regular_price",
    "missing_required": "",
    "impossible_date": "observed_at",
    "offer_above_regular": "offer_price",
    "negative_stock": "stock_level",
    "ean_letters": "ean",
}


def _choose_dirt(columns: _Columns, retailer: Retailer, rng: np.random.Generator) -> _Dirt:
    n = columns.listing.size
    clean = np.flatnonzero((columns.offer < 0) & (columns.card < 0))
    n_out = max(2, round(n * OUTLIER_RATIO))
    n_bad = max(3, round(n * BAD_ROW_RATIO))
    n_dup = max(2, round(n * DUPLICATE_RATIO))
    chosen = rng.choice(clean, size=n_out + n_bad + n_dup, replace=False)
    rules = [r for r, col in _RULE_COLUMNS.items() if not col or col in retailer.file.column_names]
    bad = chosen[n_out : n_out + n_bad]
    bad_rules = [rules[k] for k in rng.integers(0, len(rules), size=bad.size)]
    n_listings = int(columns.listing.max()) + 1
    return _Dirt(
        outliers=chosen[:n_out],
        outlier_factors=np.where(rng.random(n_out) < 0.5, 10.0, 0.1),
        bad=bad,
        bad_rules=bad_rules,
        duplicates=chosen[n_out + n_bad :],
        duplicate_offsets=rng.integers(1, 3 * n_listings + 1, size=n_dup),
    )


def _impossible_date(pattern: str, year: int, u: float, excel: bool) -> str:
    month, day = IMPOSSIBLE_DAYS[int(u * len(IMPOSSIBLE_DAYS))]
    text = "%d/%m/%Y" if excel else pattern
    text = text.replace("%Y", f"{year}").replace("%m", f"{month:02d}").replace("%d", f"{day:02d}")
    return text.replace("%H", "07").replace("%M", "30")


def _break_row(
    values: dict[str, ObjArray],
    row: int,
    rule: str,
    context: tuple[Retailer, Market, int, int, bool],
    u: float,
) -> tuple[str, str]:
    """Make ``row`` violate exactly one format rule; return (column, rule) as planted."""
    retailer, market, regular, day, excel = context
    blank: object = None if excel else ""
    style = retailer.file.price
    if rule == "ean_letters" and values["ean"][row] not in ("", None):
        ean = str(values["ean"][row])
        values["ean"][row] = ean[:4] + "AB"[int(u * 2)] + ean[5:]
        return "ean", rule
    if rule == "negative_stock" and values["stock_level"][row] not in ("", None):
        values["stock_level"][row] = -1 - int(u * 20) if excel else f"-{1 + int(u * 20)}"
        return "stock_level", rule
    if rule == "offer_above_regular":
        above = regular + max(10, regular // 7)
        values["offer_price"][row] = above / 100 if excel else _format_price(above, style)
        return "offer_price", rule
    if rule == "impossible_date":
        year = market.dates[day].year
        values["observed_at"][row] = _impossible_date(retailer.file.date, year, u, excel)
        return "observed_at", rule
    if rule == "missing_required":
        column = REQUIRED_PRICE_COLUMNS[1 + int(u * 4)]
        values[column][row] = blank
        return column, rule
    if rule == "price_nonpositive":
        cents = 0 if u < 0.3 else -regular
        values["regular_price"][row] = cents / 100 if excel else _format_price(cents, style)
        return "regular_price", rule
    values["regular_price"][row] = _pick(("S/ abc", "--", "n/d", "sin precio"), u)
    return "regular_price", "price_unparseable"


@dataclass(frozen=True, slots=True)
class PriceFile:
    """A written price file and what was planted in it (row numbers count the header as 1)."""

    entry: ManifestEntry
    bad_rows: pd.DataFrame
    duplicates: pd.DataFrame
    outliers: pd.DataFrame


def _apply_dirt(
    columns: _Columns, market: Market, retailer: Retailer, excel: bool, seed: int
) -> tuple[dict[str, ObjArray], _Dirt, list[tuple[str, str]], IntArray]:
    rng = _rng(seed, retailer.slug, "dirt")
    dirt = _choose_dirt(columns, retailer, rng)
    regular = columns.regular.copy()
    regular[dirt.outliers] = np.maximum(
        1, np.rint(regular[dirt.outliers] * dirt.outlier_factors)
    ).astype(np.int64)
    values = dict(columns.values)
    values["regular_price"] = _price_values(regular, retailer.file.price, excel)
    u = rng.random(dirt.bad.size)
    planted = [
        _break_row(
            values,
            int(row),
            rule,
            (retailer, market, int(regular[row]), int(columns.day[row]), excel),
            float(v),
        )
        for row, rule, v in zip(dirt.bad, dirt.bad_rules, u, strict=True)
    ]
    n = columns.listing.size
    keys = np.concatenate([np.arange(n), dirt.duplicates + dirt.duplicate_offsets])
    source = np.concatenate([np.arange(n), dirt.duplicates])
    order = np.argsort(keys, kind="stable")
    kept = retailer.file.column_names
    final = {key: values[key][source[order]] for key in kept}
    return final, dirt, planted, order


def write_price_file(
    out_dir: Path,
    market: Market,
    retailer: Retailer,
    listings: Listings,
    panel: Panel,
    *,
    excel: bool,
    seed: int,
) -> PriceFile:
    """Write ``retail/prices/<slug>.csv`` (or ``.xlsx``) with planted dirt; report it."""
    columns = _row_columns(market, retailer, listings, panel, excel, seed)
    values, dirt, planted, order = _apply_dirt(columns, market, retailer, excel, seed)
    relative = f"retail/prices/{retailer.slug}.{'xlsx' if excel else 'csv'}"
    table = {_header(c, retailer.file.header): values[c] for c in retailer.file.column_names}
    path = out_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if excel:
        _write_excel(pd.DataFrame(table, dtype=object), path, market.dates[-1])
    else:
        _write_csv(path, table, sep=retailer.file.sep, encoding=retailer.file.encoding)
    entry = ManifestEntry(
        "prices",
        relative,
        int(order.size),
        len(planted),
        int(dirt.duplicates.size),
        source=retailer.slug,
    )
    bad_rows, duplicates = _planted_rows(relative, dirt, planted, order)
    outliers = _outlier_truth(columns, market, retailer, listings, dirt)
    logger.info(
        "wrote %s: %d rows, %d bad, %d duplicates",
        relative,
        entry.rows,
        entry.planted_bad_rows,
        entry.planted_duplicates,
    )
    return PriceFile(entry, bad_rows, duplicates, outliers)


def _planted_rows(
    relative: str, dirt: _Dirt, planted: list[tuple[str, str]], order: IntArray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bad rows and duplicates with their row numbers in the written file (header = row 1)."""
    position = np.empty(order.size, dtype=np.int64)
    position[order] = np.arange(order.size)
    first_copy = order.size - dirt.duplicates.size
    bad_rows = pd.DataFrame(
        {
            "path": relative,
            "row": position[dirt.bad] + 2,
            "column": [column for column, _ in planted],
            "rule": [rule for _, rule in planted],
        }
    )
    duplicates = pd.DataFrame(
        {
            "path": relative,
            "row": position[first_copy + np.arange(dirt.duplicates.size)] + 2,
            "first_row": position[dirt.duplicates] + 2,
        }
    )
    return bad_rows, duplicates


def _outlier_truth(
    columns: _Columns, market: Market, retailer: Retailer, listings: Listings, dirt: _Dirt
) -> pd.DataFrame:
    true_cents = columns.regular[dirt.outliers]
    written = np.maximum(1, np.rint(true_cents * dirt.outlier_factors)).astype(np.int64)
    return pd.DataFrame(
        {
            "retailer": retailer.name,
            "external_id": listings.external_ids[columns.listing[dirt.outliers]],
            "observed_at": [market.dates[d].isoformat() for d in columns.day[dirt.outliers]],
            "regular_price": written / 100,
            "true_regular_price": true_cents / 100,
            "factor": dirt.outlier_factors,
        }
    )


def _header(column: str, case: str) -> str:
    if case == "upper":
        return column.upper()
    if case == "title":
        return "_".join(part.capitalize() for part in column.split("_"))
    return column


def _write_csv(
    path: Path, table: dict[str, ObjArray], *, sep: str = ",", encoding: str = "utf-8"
) -> None:
    """Write columns of written values with the csv module (quotes only where needed)."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=sep, lineterminator="\n")
        writer.writerow(list(table))
        writer.writerows(zip(*(column.tolist() for column in table.values()), strict=True))


_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
_CORE_TIME = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _write_excel(frame: pd.DataFrame, path: Path, stamp: date) -> None:
    """Write ``frame`` as .xlsx with fixed timestamps, so equal data gives equal bytes."""
    frame.to_excel(path, index=False, sheet_name="Precios", engine="openpyxl")
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    iso = f"{stamp.isoformat()}T00:00:00Z".encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            if name == "docProps/core.xml":
                data = _CORE_TIME.sub(rb"\g<1>" + iso + rb"\g<3>", data)
            target.writestr(
                zipfile.ZipInfo(name, date_time=_ZIP_TIME),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )


# --------------------------------------------------------------------------- catalog, sales


def write_catalog(out_dir: Path, market: Market, seed: int) -> ManifestEntry:
    """Write ``retail/catalog.csv``: our products with their current name, size and cost."""
    rng = _rng(seed, "catalog")
    products = [market.products[i] for i in market.catalog]
    shrinks = [market.shrinks.get(pos) for pos in range(len(products))]
    sizes = [p.size if s is None else s.size for p, s in zip(products, shrinks, strict=True)]
    factors = np.array([1.0 if s is None else s.price_factor for s in shrinks])
    end = len(market.dates) - 1
    drift = market.drift[market.catalog]
    cost = np.array([p.price_pen for p in products]) * np.exp(drift * end / 365) * factors
    cost_cents = np.rint(cost * rng.uniform(0.68, 0.8, len(products)) * 100).astype(np.int64)
    style = next(r.names for r in RETAILERS if r.slug == OUR_RETAILER)
    names = [listing_name(p, s, style, np.zeros(8)) for p, s in zip(products, sizes, strict=True)]
    frame = pd.DataFrame(
        {
            "sku": market.skus,
            "name": names,
            "brand": [p.brand for p in products],
            "category": [p.line.category for p in products],
            "size": [canonical_size(s) for s in sizes],
            "ean": [p.ean for p in products],
            "unit_cost": [_format_price(int(c), "plain") for c in cost_cents],
        }
    )
    path = out_dir / "retail" / "catalog.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")
    return ManifestEntry("catalog", "retail/catalog.csv", len(frame))


@dataclass(frozen=True, slots=True)
class _Demand:
    """Our demand model per catalog product (planted, written to ground truth)."""

    base_units: FloatArray
    elasticity: FloatArray
    promo_uplift: FloatArray


def _draw_demand(market: Market, rng: np.random.Generator) -> _Demand:
    products = [market.products[i] for i in market.catalog]
    profiles = [CATEGORY_PROFILES[p.line.category] for p in products]
    size_effect = np.array([p.size.pack for p in products], dtype=np.float64) ** -0.7
    base = np.array([c.demand_units for c in profiles]) * size_effect
    base *= np.exp(rng.normal(0.0, 0.6, len(products)))
    elasticity = np.array([c.elasticity for c in profiles]) * rng.uniform(0.8, 1.2, len(products))
    return _Demand(base, elasticity, rng.uniform(1.1, 1.6, len(products)))


def _seasonal_demand(market: Market) -> FloatArray:
    """Demand multiplier per catalog product and day (weekday, seasons, panetón in December)."""
    n_days = len(market.dates)
    weekday = np.array([WEEKDAY_DEMAND[d.weekday()] for d in market.dates])
    months = np.array([d.month for d in market.dates])
    factor: FloatArray = np.ones((market.catalog.size, n_days)) * weekday
    for k, index in enumerate(market.catalog):
        line = market.products[index].line
        for season in CATEGORY_PROFILES[line.category].events:
            factor[k, market.seasons[season]] *= SEASON_DEMAND[season]
        if line.kind == "Panetón":
            factor[k] *= np.where(months == 12, 5.0, np.where(months == 11, 1.5, 0.15))
    return factor


def _simulate_units(
    market: Market,
    ours: tuple[Listings, Panel],
    competitor_promos: IntArray,
    demand: _Demand,
    rng: np.random.Generator,
) -> tuple[IntArray, IntArray]:
    """Paid price (cents) and units sold per catalog product and day."""
    listings, panel = ours
    rows = np.argsort(listings.sku_pos)
    discount = np.where(panel.event >= 0, panel.events.shopper_discount[panel.event], 0.0)[rows]
    paid_cents = np.rint(panel.regular[rows] * (1 - discount)).astype(np.int64)
    days = np.arange(len(market.dates))
    drift = market.drift[market.catalog]
    base_price = np.array([market.products[i].price_pen for i in market.catalog])
    reference = base_price[:, None] * np.exp(drift[:, None] * days / 365)
    relative_price = paid_cents / 100 / reference
    lam = demand.base_units[:, None] * relative_price ** demand.elasticity[:, None]
    promo = panel.event[rows] >= 0
    lam *= np.where(promo, demand.promo_uplift[:, None], 1.0) * _seasonal_demand(market)
    lam *= np.maximum(0.6, 1.0 - 0.08 * competitor_promos)
    units = rng.poisson(lam).astype(np.int64)
    units[panel.out_of_stock[rows]] = 0
    return paid_cents, units


def write_sales(
    out_dir: Path,
    market: Market,
    ours: tuple[Listings, Panel],
    competitor_promos: IntArray,
    seed: int,
) -> tuple[ManifestEntry, pd.DataFrame]:
    """Write ``retail/sales.csv``: units follow price elasticity, promotions and seasons.

    ``competitor_promos`` counts, per catalog product and day, the competitors running a
    promotion on it (each one takes a little of our demand). Returns the manifest entry and
    the planted demand parameters per SKU.
    """
    rng = _rng(seed, "sales")
    demand = _draw_demand(market, rng)
    paid_cents, units = _simulate_units(market, ours, competitor_promos, demand, rng)
    dates = np.array([d.isoformat() for d in market.dates], dtype=object)
    table = {
        "sku": np.tile(np.array(market.skus, dtype=object), len(dates)),
        "date": np.repeat(dates, len(market.skus)),
        "price": _price_values(paid_cents.T.ravel(), "plain", excel=False),
        "units": _int_values(units.T.ravel(), excel=False),
        "revenue": _price_values((paid_cents * units).T.ravel(), "plain", excel=False),
    }
    _write_csv(out_dir / "retail" / "sales.csv", table)
    truth = pd.DataFrame(
        {
            "sku": market.skus,
            "base_units": demand.base_units.round(3),
            "elasticity": demand.elasticity.round(3),
            "promo_uplift": demand.promo_uplift.round(3),
        }
    )
    return ManifestEntry("sales", "retail/sales.csv", int(units.size)), truth


# --------------------------------------------------------------------------- ground truth


def _promotion_records(
    market: Market, retailer: Retailer, listings: Listings, panel: Panel
) -> pd.DataFrame:
    events = panel.events
    last = len(market.dates) - 1
    return pd.DataFrame(
        {
            "retailer": retailer.name,
            "external_id": listings.external_ids[events.listing],
            "text": events.texts,
            "starts_on": [market.dates[s].isoformat() for s in events.start],
            "ends_on": [market.dates[min(e, last)].isoformat() for e in events.end],
            "name": events.campaigns,
            "promo_type": events.promo_types,
            "effective_discount": events.discount.round(4),
            "min_units": events.min_units,
        }
    )


def _stockout_runs(
    market: Market, retailer: Retailer, listings: Listings, panel: Panel
) -> pd.DataFrame:
    padded = np.pad(panel.out_of_stock.astype(np.int8), ((0, 0), (1, 1)))
    change = np.diff(padded, axis=1)
    start_l, start_d = np.nonzero(change == 1)
    end_d = np.nonzero(change == -1)[1]
    return pd.DataFrame(
        {
            "retailer": retailer.name,
            "external_id": listings.external_ids[start_l],
            "starts_on": [market.dates[d].isoformat() for d in start_d],
            "ends_on": [market.dates[d - 1].isoformat() for d in end_d],
        }
    )


def _shrink_truth(market: Market, retailer: Retailer, listings: Listings) -> pd.DataFrame:
    rows = [
        {
            "retailer": retailer.name,
            "external_id": listings.external_ids[k],
            "sku": market.skus[pos],
            "changed_on": market.dates[int(listings.shrink_day[k])].isoformat(),
            "old_size": canonical_size(listings.products[k].size),
            "new_size": canonical_size(listings.sizes_after[k]),
            "price_factor": round(market.shrinks[int(pos)].price_factor, 4),
        }
        for k, pos in enumerate(listings.sku_pos)
        if int(pos) in market.shrinks and listings.shrink_day[k] < len(market.dates)
    ]
    columns = [
        "retailer",
        "external_id",
        "sku",
        "changed_on",
        "old_size",
        "new_size",
        "price_factor",
    ]
    return pd.DataFrame(rows, columns=columns)


_PROMOTION_TRUTH = [
    "retailer",
    "external_id",
    "starts_on",
    "ends_on",
    "promo_type",
    "effective_discount",
    "min_units",
    "text",
]


@dataclass
class _Truth:
    """Ground-truth tables, one list of per-retailer frames per name, filled as we go."""

    tables: dict[str, list[pd.DataFrame]] = field(default_factory=dict)

    def add(self, name: str, frame: pd.DataFrame) -> None:
        self.tables.setdefault(name, []).append(frame)

    def add_retailer(
        self, market: Market, retailer: Retailer, listings: Listings, written: PriceFile
    ) -> None:
        skus = np.array([*market.skus, ""], dtype=object)
        matches = {"external_id": listings.external_ids, "sku": skus[listings.sku_pos]}
        self.add("retail_matches", pd.DataFrame({"retailer": retailer.name, **matches}))
        self.add("retail_outliers", written.outliers)
        self.add("retail_bad_rows", written.bad_rows)
        self.add("retail_duplicates", written.duplicates)
        self.add("retail_shrinkflation", _shrink_truth(market, retailer, listings))

    def add_panel(
        self, market: Market, retailer: Retailer, listings: Listings, panel: Panel
    ) -> None:
        self.add("promotions", _promotion_records(market, retailer, listings, panel))
        self.add("retail_stockouts", _stockout_runs(market, retailer, listings, panel))

    def table(self, name: str) -> pd.DataFrame:
        return pd.concat(self.tables[name], ignore_index=True)

    def write(self, out_dir: Path) -> dict[str, str]:
        """Write every table as ``ground_truth/<name>.csv``; return name -> relative path."""
        frames = {name: self.table(name) for name in self.tables if name != "promotions"}
        frames["retail_promotions"] = self.table("promotions")[_PROMOTION_TRUTH]
        frames["retail_strategies"] = pd.DataFrame(
            {
                "retailer": [r.name for r in RETAILERS],
                "strategy": [r.strategy.name for r in RETAILERS],
            }
        )
        paths = {}
        for name in sorted(frames):
            paths[name] = f"ground_truth/{name}.csv"
            path = out_dir / paths[name]
            path.parent.mkdir(parents=True, exist_ok=True)
            frames[name].to_csv(path, index=False, lineterminator="\n")
        return paths


def _write_promotions(out_dir: Path, promotions: pd.DataFrame) -> ManifestEntry:
    fields = ["retailer", "external_id", "text", "starts_on", "ends_on", "name"]
    records = promotions[fields].to_dict(orient="records")
    lines = ",\n".join(json.dumps(record, ensure_ascii=False) for record in records)
    path = out_dir / "retail" / "promotions.json"
    path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    return ManifestEntry("promotions", "retail/promotions.json", len(records))


# --------------------------------------------------------------------------- entry point


def _write_retailer(
    out_dir: Path, market: Market, retailer: Retailer, *, excel: bool, seed: int, truth: _Truth
) -> tuple[ManifestEntry, Listings, Panel]:
    listings = build_listings(market, retailer, seed)
    panel = simulate_panel(market, listings, retailer, seed)
    written = write_price_file(out_dir, market, retailer, listings, panel, excel=excel, seed=seed)
    truth.add_retailer(market, retailer, listings, written)
    truth.add_panel(market, retailer, listings, panel)
    return written.entry, listings, panel


def generate_retail(
    out_dir: Path, *, scale: str, seed: int, end_date: date
) -> tuple[list[ManifestEntry], dict[str, str]]:
    """Write the retail demo files under ``out_dir``; return manifest entries and ground truth.

    Entries are in ingest order (catalog, one prices file per retailer starting with ours,
    sales, promotions); the dict maps ground-truth names to paths relative to ``out_dir``.
    """
    if seed < 0:
        raise InputError(f"seed must be >= 0, got {seed}", column="seed")
    preset = get_scale(scale)
    market = build_market(preset, seed=seed, end_date=end_date)
    truth = _Truth()
    entries = [write_catalog(out_dir, market, seed)]
    promoted = np.zeros((market.catalog.size, len(market.dates)), dtype=np.int64)
    ours: tuple[Listings, Panel] | None = None
    for retailer in RETAILERS:
        excel = preset.excel_prices and retailer.slug == EXCEL_RETAILER
        entry, listings, panel = _write_retailer(
            out_dir, market, retailer, excel=excel, seed=seed, truth=truth
        )
        entries.append(entry)
        if retailer.slug == OUR_RETAILER:
            ours = (listings, panel)
        else:
            known = listings.sku_pos >= 0
            np.add.at(promoted, listings.sku_pos[known], panel.event[known] >= 0)
    if ours is None:
        raise ConfigError(f"no retailer is {OUR_RETAILER!r}")
    sales_entry, demand = write_sales(out_dir, market, ours, promoted, seed)
    truth.add("retail_demand", demand)
    entries += [sales_entry, _write_promotions(out_dir, truth.table("promotions"))]
    return entries, truth.write(out_dir)
