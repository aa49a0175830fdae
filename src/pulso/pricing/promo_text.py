"""Parse Spanish promotion texts of Peruvian retailers into a type and an effective discount.

``parse_promo("50% dscto. en la 2da unidad")`` returns a :class:`PromoParse` of type
``nth_unit_discount`` with ``effective_discount == 0.25``. The effective discount is the fraction
saved per unit when buying the minimum number of units the promotion asks for, rounded to four
decimals and always in ``[0, 1]`` (or ``None`` when it cannot be known). Parsing never raises on
a string: text that matches no rule gives type ``unknown``.

Text is normalised first (:func:`normalize_promo_text`): lowercase, accents folded, spaces
collapsed; ``dscto``/``dcto``/``dto``/``desc.``/``descuento`` become ``dscto``; prices
``S/ 9.90``, ``S/9,90``, ``S/. 9.90`` and ``9.90 soles`` become ``s/ 9.9``; ordinals ``2do``,
``2da``, ``2°``, ``segunda``, ``3ra``, ``tercera``... become ``#2``, ``#3`` (the ``#`` keeps
"2da unidad" apart from "2 unidades"); a minimum spend ("por compras mayores a S/ 100")
becomes ``min/ 100`` so that it is never read as the product's price.

Families, tried in this order (the first that matches gives the type; ``P`` is a percentage,
``R`` the regular unit price):

* ``nth_unit_discount`` -- "2da unidad al 50%", "50% dscto. en la 2da unidad", "3ra unidad
  gratis", "la 2da a mitad de precio", "2da unidad a S/ 1". Buying ``n`` units, the n-th at
  ``P`` off: ``P / n`` (gratis = 100 %, mitad = 50 %). At a price ``p``: ``(R - p) / (n R)``.
  ``min_units = n``.
* ``multibuy`` -- "2x1", "3x2", "4 x 3", "3 por 2", "lleva 3 paga 2", "llévate 2 y paga 1",
  "compra 2 y llévate 3": take ``N``, pay ``M``: ``1 - M / N``; ``min_units = N``.
* ``bundle`` -- "pack x 3 a S/ 10", "3 x S/ 10", "2 x S/ 9.90", "lleva 3 por S/ 10", "combo
  x 2 a S/ 15", "S/ 25 x 2 unidades" ("c/u" or "cada uno" after the price makes it a unit
  price): ``N`` units for ``B`` soles: ``1 - B / (N R)``; ``min_units = N``. "2 x S/ 9.90" is
  a bundle, not a multibuy: ``multibuy`` means "take N, pay for M" (discount known from the
  text alone), ``bundle`` means "N units for a stated total" (needs ``R``).
* ``card_price`` with a stated price -- "Precio Oh! S/ 8.90", "S/ 8.90 con tarjeta Oh!",
  "CMR S/ 8.90": ``1 - p / R``.
* ``amount_off`` from two stated prices -- "antes S/ 12.90 ahora S/ 9.90", "de S/ 12.90 a
  S/ 9.90", "S/ 9.90 (antes S/ 12.90)": ``1 - after / before`` (no regular price needed).
* ``percent_off`` -- "25% dscto.", "-30%", "ahorra 20%", "20% off", "mitad de precio",
  "hasta 50%" (``up_to``), "25% dscto. llevando 2" (``min_units = 2``): ``P``. Percentages
  about something else ("50% más", "0% interés", "3% grasa") are ignored.
* ``amount_off`` -- "S/ 2 de descuento", "ahorra S/ 2", "dscto. S/ 2", "-S/ 2": ``A / R``.
* ``amount_off`` from an offer price -- "ahora S/ 9.90", "oferta S/ 9.90", "a solo S/ 9.90",
  "llévalo a S/ 9.90", "precio especial S/ 9.90", "precio con dscto. S/ 9.90": ``1 - p / R``.
* ``card_price`` without a price -- "Precio exclusivo CMR", "con Cencosud", "con tarjeta":
  discount ``None``.

``R`` is the regular price stated in the text ("antes S/ 12.90", "precio regular S/ 12.90")
when there is one, else the caller's ``regular_price_pen``. A price-based promotion without
either gets ``effective_discount=None`` and ``needs_regular_price=True``. Discounts below zero
(a bundle dearer than its units) are reported as 0; an amount larger than ``R`` gives ``None``.

Modifiers combine with any family: ``card_name`` (Oh!, CMR, Cencosud, Bonus, Falabella, Ripley,
banks) and ``card_required``; ``until_stock_lasts`` ("hasta agotar stock", "hasta agotar
existencias", "mientras duren las existencias", "stock limitado"); validity dates ("del 1 al 15
de julio", "del 1 de julio al 15 de agosto", "válido del 01/07 al 15/07", "hasta el 31 de
diciembre", "hasta el 31/12/2026", "desde el 1 de julio"). A year written in the text is kept
("26" reads 2026). A date without a year takes the year of the reference date: the
``reference_date`` argument, or today in America/Lima when it is ``None``. A range that crosses
New Year ("del 28 de diciembre al 3 de enero") is placed on the pair of years that contains the
reference date or lies nearest to it. Impossible dates ("31 de febrero") give ``None``.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from itertools import repeat
from zoneinfo import ZoneInfo

from pulso.errors import InputError

__all__ = ["PromoParse", "PromoType", "normalize_promo_text", "parse_promo", "parse_promos"]

logger = logging.getLogger(__name__)

_LIMA = "America/Lima"
_CACHE_SIZE = 65_536
_MAX_CACHED_CHARS = 1_000  # longer texts are parsed without caching, to bound the cache memory
_MAX_PRICE_PEN = 1_000_000.0


class PromoType(StrEnum):
    """The mechanism of a promotion (the ``type`` key of ``pulso promo parse --json``)."""

    PERCENT_OFF = "percent_off"
    AMOUNT_OFF = "amount_off"
    MULTIBUY = "multibuy"
    NTH_UNIT_DISCOUNT = "nth_unit_discount"
    CARD_PRICE = "card_price"
    BUNDLE = "bundle"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class PromoParse:
    """What a promotion text says: its type, parameters, effective discount and validity.

    ``percent`` is in percent (25.0 for "25%"); prices are in soles (PEN). ``promo_price_pen``
    is a unit price the text states (card, offer or n-th unit price) and
    ``reference_price_pen`` the regular price the text states ("antes S/ 12.90").
    """

    raw_text: str
    promo_type: PromoType
    effective_discount: float | None = None
    min_units: int = 1
    pay_units: int | None = None
    nth_unit: int | None = None
    percent: float | None = None
    amount_pen: float | None = None
    bundle_price_pen: float | None = None
    promo_price_pen: float | None = None
    reference_price_pen: float | None = None
    card_name: str | None = None
    card_required: bool = False
    valid_from: date | None = None
    valid_to: date | None = None
    until_stock_lasts: bool = False
    up_to: bool = False
    needs_regular_price: bool = False

    def to_dict(self) -> dict[str, str | float | int | bool | None]:
        """The JSON document of ``pulso promo parse --json`` (dates as ISO strings)."""
        return {
            "type": self.promo_type.value,
            "effective_discount": self.effective_discount,
            "min_units": self.min_units,
            "pay_units": self.pay_units,
            "nth_unit": self.nth_unit,
            "percent": self.percent,
            "amount_pen": self.amount_pen,
            "bundle_price_pen": self.bundle_price_pen,
            "promo_price_pen": self.promo_price_pen,
            "reference_price_pen": self.reference_price_pen,
            "card_name": self.card_name,
            "card_required": self.card_required,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "until_stock_lasts": self.until_stock_lasts,
            "up_to": self.up_to,
            "needs_regular_price": self.needs_regular_price,
            "raw_text": self.raw_text,
        }


@dataclass(frozen=True, slots=True)
class _Deal:
    """The mechanism one family recognised, before modifiers and the discount are added."""

    promo_type: PromoType
    fixed_discount: float | None = None  # known from the text alone
    min_units: int = 1
    pay_units: int | None = None
    nth_unit: int | None = None
    percent: float | None = None
    amount_pen: float | None = None
    bundle_price_pen: float | None = None
    promo_price_pen: float | None = None
    reference_price_pen: float | None = None
    up_to: bool = False

    @property
    def price_based(self) -> bool:
        return (
            self.amount_pen is not None
            or self.bundle_price_pen is not None
            or self.promo_price_pen is not None
        )


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


# --- Normalisation -----------------------------------------------------------------------------

_RAW_NUMBER = r"(?P<num>[0-9](?:[0-9.,]*[0-9])?)"
_ORDINAL_SUFFIX = r"(?:era|ero|er|ro|ra|do|da|to|ta|vo|va|no|na|mo|ma|o|a|°)(?![a-z0-9])"
_MIN_SPEND = (  # "por compras mayores a S/ 100": a condition, not a price of the product
    r"\b(?P<lead>(?:compras?|consumos?|pedidos?)\s+(?:(?:mayores|superiores)\s+(?:a|de)|"
    r"minimas?(?:\s+de)?|desde|de\s+mas\s+de|a\s+partir\s+de|sobre|de)\s*:?\s*)s/ "
)
_ORDINAL_WORDS = {"segund": "#2", "tercer": "#3", "cuart": "#4", "quint": "#5"}


def _canonical_price(match: re.Match[str]) -> str:
    value = _read_number(match["num"])
    if value is None or not 0 < value < _MAX_PRICE_PEN:
        return " s/ ? "
    return f" s/ {value:.2f}".rstrip("0").rstrip(".") + " "


def _read_number(text: str) -> float | None:
    """Read ``9.90``, ``9,90``, ``1,299.00``, ``1.299,00`` or ``1.299`` (thousands)."""
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands_mark = "." if decimal_mark == "," else ","
        text = text.replace(thousands_mark, "").replace(decimal_mark, ".")
    elif "," in text or "." in text:
        mark = "," if "," in text else "."
        parts = text.split(mark)
        is_decimal = len(parts) == 2 and len(parts[1]) != 3
        text = ".".join(parts) if is_decimal else "".join(parts)
    try:
        return float(text)
    except ValueError:
        return None


_NORMALISATION: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_rx(r"[#¡¿\"*\u201c\u201d\u00ab\u00bb]"), " "),
    (_rx(r"[\u2010-\u2015\u2212]"), "-"),
    (_rx(rf"\bs\s*/\s*\.?\s*{_RAW_NUMBER}"), _canonical_price),
    (_rx(rf"(?<![0-9.,])(?<!s/ ){_RAW_NUMBER}\s*(?:nuevos\s+)?soles?\b"), _canonical_price),
    (_rx(r"(?<![0-9])([0-9]{1,3}),([0-9]{1,2})\s*%"), r"\1.\2%"),
    (_rx(_MIN_SPEND), r"\g<lead>min/ "),
    (_rx(r"\b(?:descuentos?|desctos?|dsctos?|dctos?|dscts?|dstos?|dtos?|desc)\b\.?"), "dscto"),
    (_rx(rf"\b([2-9]){_ORDINAL_SUFFIX}"), r" #\1 "),
    (_rx(rf"\b1{_ORDINAL_SUFFIX}"), "1"),
    (_rx(r"\b(segund|tercer|cuart|quint)(?:o|a|os|as)?\b"), lambda m: _ORDINAL_WORDS[m[1]]),
    (_rx(r"\s+"), " "),
)


def normalize_promo_text(text: str) -> str:
    """Lowercase, fold accents and rewrite prices, discount words and ordinals canonically."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    for pattern, replacement in _NORMALISATION:
        folded = pattern.sub(replacement, folded)
    return folded.strip()


# --- Pattern table ------------------------------------------------------------------------------


def _num(name: str) -> str:
    return rf"(?P<{name}>[0-9]+(?:\.[0-9]+)?)"


_PCT = r"(?P<pct>[0-9]{1,3}(?:\.[0-9]{1,2})?)"
_COUNT = r"[0-9]{1,2}"
_NOT_AFTER_NUMBER = r"(?<![0-9./,#])(?<!s/ )"
_GAP = r"[\s,;:()/|-]*"
_UNIT_WORD = r"(?:\s*(?:unidad|unid|und|un|u|producto|item|articulo|envase)\b\.?)?"
_UNITS_WORD = (
    r"(?:\s*(?:unidades|unidad|unids?|unds?|un|u|productos|latas|botellas|paquetes)\b\.?)?"
)
_SIZE_UNIT = r"(?:ml|l|lt|lts|litros?|cl|cc|g|gr|grs|gramos?|kg|kgs|kilos?|oz|m|cm|mm|mts?)\b"
_EACH = r"(?P<each>\s*(?:c\s*/\s*u|cada\s+un[oa]|c\.\s*u\.?)(?![a-z]))?"
_CARD_NAME = (
    r"(?:oh\s*!|oh\b|cmr|cencosud|bonus|falabella|ripley|interbank|bbva|bcp|scotiabank|visa|"
    r"mastercard|diners)"
)
_CARD_REF = rf"(?:(?:tarjeta|tarj\.?)\s+{_CARD_NAME}|{_CARD_NAME}|tarjeta\b)"
_BEFORE = r"(?:antes|precio\s+(?:regular|normal|de\s+lista|anterior)|regular|normal|reg\b\.?)"
_AFTER = (
    r"(?:ahora|hoy|oferta|a|por|precio\s+(?:oferta|promo(?:cion)?|final|especial|online)|"
    r"promo(?:cion)?)"
)

_NTH_PERCENT = (
    _rx(rf"#(?P<nth>[2-9]){_UNIT_WORD}\s*(?:(?:al|a|con|en|de|-|:)\s*)*{_PCT}\s*%"),
    _rx(
        rf"{_PCT}\s*%\s*(?:de\s+)?(?:dscto\s*)?(?:off\s*)?(?:en|por|a|para)\s+"
        rf"(?:(?:la|el|tu|su)\s+)?#(?P<nth>[2-9])"
    ),
)
_NTH_FREE = _rx(
    rf"#(?P<nth>[2-9]){_UNIT_WORD}\s*(?:(?:es|va|sale|te|al|a|de|-|:)\s*)*"
    r"(?P<word>gratis|free|regalo|mitad\s+de\s+precio|mitad)\b"
)
_NTH_PRICE = _rx(
    rf"#(?P<nth>[2-9]){_UNIT_WORD}\s*(?:(?:a|al|por|en|x|-|:)\s*)*(?:solo\s+)?s/ {_num('price')}"
)
_MULTIBUY = (
    _rx(
        rf"{_NOT_AFTER_NUMBER}(?P<take>{_COUNT})\s*(?:x|por)\s*(?P<pay>{_COUNT})"
        rf"(?![0-9]|[.,][0-9]|\s*%|\s*{_SIZE_UNIT})"
    ),
    _rx(
        rf"\blleva(?:te|s)?\s+(?P<take>{_COUNT}){_UNITS_WORD}{_GAP}(?:y\s+)?"
        rf"paga(?:s)?\s+(?:solo\s+|solamente\s+)?(?P<pay>{_COUNT})(?![0-9]|[.,][0-9]|\s*%)"
    ),
    _rx(
        rf"\b(?:compra|paga)(?:s)?\s+(?P<pay>{_COUNT}){_UNITS_WORD}{_GAP}(?:y\s+)?"
        rf"(?:lleva(?:te|s)?|recibe|recibes|obten|obtienes)\s+(?P<take>{_COUNT})"
        r"(?![0-9]|[.,][0-9])"
    ),
)
_BUNDLE = (
    _rx(
        rf"(?:\b(?:pack|paquete|combo|promo|six\s*pack)\s*(?:x|de|por)?|\bx)\s*"
        rf"(?P<units>{_COUNT}){_UNITS_WORD}\s*(?:a|por|x|en|=|:)?\s*(?:solo\s+)?"
        rf"s/ {_num('price')}{_EACH}"
    ),
    _rx(
        rf"{_NOT_AFTER_NUMBER}(?P<units>{_COUNT}){_UNITS_WORD}\s*(?:x|por|a|en)\s*"
        rf"(?:solo\s+)?s/ {_num('price')}{_EACH}"
    ),
    _rx(
        rf"s/ {_num('price')}{_EACH}\s*(?:x|por|el|la|los|las)\s*(?P<units>{_COUNT}){_UNITS_WORD}"
        rf"(?![0-9]|[.,][0-9]|\s*%|\s*{_SIZE_UNIT})"
    ),
)
_CARD_PRICE = (
    _rx(rf"\b{_CARD_REF}\s*:?\s*(?:(?:a|solo|por)\s+)*s/ {_num('price')}"),
    _rx(rf"s/ {_num('price')}\s*(?:(?:precio|exclusivo|con|pagando|para|tu|solo)\s+)*{_CARD_REF}"),
)
_PRICE_CHANGE = (
    _rx(
        rf"\b(?:{_BEFORE}|de)\s*:?\s*s/ {_num('before')}{_GAP}(?:y\s+)?\b{_AFTER}\s*:?\s*"
        rf"(?:(?:a|solo)\s+)*s/ {_num('after')}"
    ),
    _rx(rf"s/ {_num('after')}{_GAP}\b{_BEFORE}\s*:?\s*(?:era\s+)?s/ {_num('before')}"),
)
_PERCENT = _rx(
    rf"(?<![0-9.]){_PCT}\s*%(?!\s*(?:de\s+)?"
    r"(?:mas|extra|interes|intereses|tea|tcea|gratis|contenido|adicional\s+de\s+contenido|"
    r"grasa|alcohol|cacao|vol)\b)"
)
_HALF_PRICE = _rx(r"\bmitad\s+del?\s+precio\b")
_MIN_UNITS = _rx(
    rf"\b(?:llevando|comprando|(?:por|en)\s+la\s+compra\s+de|al\s+(?:llevar|comprar)|"
    rf"a\s+partir\s+de)\s+(?P<units>{_COUNT})(?![0-9/.,%])"
)
_AMOUNT = (
    _rx(
        r"\b(?:ahorra(?:s)?|ahorro(?:\s+de)?|(?<!con\s)(?<!precio\s)dscto(?:\s+de)?|"
        rf"rebaja(?:\s+de)?|menos)\s*:?\s*(?:de\s+|hasta\s+)?s/ {_num('amount')}"
    ),
    _rx(rf"s/ {_num('amount')}\s*(?:de\s+)?(?:dscto|menos|de\s+ahorro|ahorro|off|de\s+rebaja)\b"),
    _rx(rf"(?<![0-9a-z])-\s*s/ {_num('amount')}"),
)
_OFFER_PRICE = (
    _rx(
        r"\b(?:ahora|hoy|oferta|a\s+solo|solo|promo(?:cion)?|con\s+dscto|llevalos?|llevalas?|"
        r"super\s+precio|precio\s+(?:oferta|"
        r"promo(?:cion)?|especial|final|online|con\s+dscto|rebajado))\s*:?\s*"
        rf"(?:(?:a|solo|por)\s+)*s/ {_num('price')}"
    ),
    _rx(rf"s/ {_num('price')}\s*(?:precio\s+)?(?:oferta|promo(?:cion)?|especial)\b"),
)
_REFERENCE_PRICE = _rx(rf"\b{_BEFORE}\s*:?\s*(?:era\s+)?s/ {_num('price')}")
_UP_TO = _rx(r"\bhasta(?:\s+un)?\s*-?\s*$")
_UNTIL_STOCK_LASTS = _rx(
    r"\bhasta\s+agotar\b|\bagotar\s+(?:stock|existencias)\b|\bstock\s+limitado\b|"
    r"\bmientras\s+duren?\s+(?:el\s+|las\s+|los\s+)?(?:stocks?|existencias)\b|"
    r"\bhasta\s+(?:el\s+)?fin\s+de\s+(?:stock|existencias)\b"
)
_CARD_NAMES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Oh!", _rx(r"\boh\s*!|\b(?:tarjeta|tarj|precio|con)\.?\s+oh\b")),
    ("CMR", _rx(r"\bcmr\b")),
    ("Cencosud", _rx(r"\bcencosud\b")),
    ("Bonus", _rx(r"\bbonus\b")),
    ("Falabella", _rx(r"\bfalabella\b")),
    ("Ripley", _rx(r"\bripley\b")),
    ("Interbank", _rx(r"\binterbank\b")),
    ("BBVA", _rx(r"\bbbva\b")),
    ("BCP", _rx(r"\bbcp\b")),
    ("Scotiabank", _rx(r"\bscotiabank\b")),
    ("Visa", _rx(r"\bvisa\b")),
    ("Mastercard", _rx(r"\bmastercard\b")),
    ("Diners Club", _rx(r"\bdiners\b")),
)
_ANY_CARD = _rx(r"\btarjeta\b|\btarj\.")

_MONTHS = {
    "enero": 1, "ene": 1, "febrero": 2, "feb": 2, "marzo": 3, "mar": 3, "abril": 4, "abr": 4,
    "mayo": 5, "may": 5, "junio": 6, "jun": 6, "julio": 7, "jul": 7, "agosto": 8, "ago": 8,
    "setiembre": 9, "septiembre": 9, "sept": 9, "set": 9, "sep": 9, "octubre": 10, "oct": 10,
    "noviembre": 11, "nov": 11, "diciembre": 12, "dic": 12,
}  # fmt: skip
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
_WEEKDAY = r"(?:(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo)\s+)?"
_DM = r"[0-9]{1,2}/[0-9]{1,2}(?:/(?:[0-9]{4}|[0-9]{2}))?(?![0-9/])"


def _year(name: str) -> str:
    return rf"(?:\s*(?:,|del?)?\s*(?P<{name}>(?:19|20)[0-9]{{2}})\b)?"


def _day_month(suffix: str) -> str:
    day, month, year = f"d{suffix}", f"m{suffix}", f"y{suffix}"
    return rf"(?P<{day}>[0-9]{{1,2}})\s+(?:de\s+)?(?P<{month}>{_MONTH}){_year(year)}"


_DATE_RANGE_WORDS = _rx(
    rf"\b(?:del?|desde(?:\s+el)?|entre\s+el)\s+{_WEEKDAY}(?P<d1>[0-9]{{1,2}})"
    rf"(?:\s+(?:de\s+)?(?P<m1>{_MONTH}){_year('y1')})?\s*(?:al|hasta(?:\s+el)?|a|-|y\s+el)\s*"
    rf"{_WEEKDAY}{_day_month('2')}"
)
_DATE_RANGE_NUMERIC = _rx(
    rf"(?<![0-9/])(?P<a>{_DM})\s*(?:al|hasta(?:\s+el)?|a|-|y)\s*{_WEEKDAY}(?P<b>{_DM})"
)
_DATE_UNTIL = _rx(
    rf"\b(?:hasta|vence|al)\s+(?:el\s+)?{_WEEKDAY}(?:{_day_month('')}|(?<![0-9/])(?P<dm>{_DM}))"
)
_DATE_FROM = _rx(
    rf"\b(?:desde|a\s+partir\s+del?)\s+(?:el\s+)?{_WEEKDAY}"
    rf"(?:{_day_month('')}|(?<![0-9/])(?P<dm>{_DM}))"
)


# --- Families -----------------------------------------------------------------------------------


def _scan(
    patterns: Iterable[re.Pattern[str]],
    text: str,
    build: Callable[[re.Match[str]], _Deal | None],
) -> _Deal | None:
    """The first deal ``build`` accepts, over every match of every pattern in order."""
    for pattern in patterns:
        for match in pattern.finditer(text):
            deal = build(match)
            if deal is not None:
                return deal
    return None


def _valid_percent(text: str) -> float | None:
    value = float(text)
    return value if 0 < value <= 100 else None


def _match_nth_unit(text: str) -> _Deal | None:
    def from_percent(match: re.Match[str]) -> _Deal | None:
        percent = _valid_percent(match["pct"])
        return None if percent is None else _nth_deal(int(match["nth"]), percent=percent)

    def from_word(match: re.Match[str]) -> _Deal | None:
        percent = 50.0 if match["word"].startswith("mitad") else 100.0
        return _nth_deal(int(match["nth"]), percent=percent)

    def from_price(match: re.Match[str]) -> _Deal | None:
        nth = int(match["nth"])
        price = float(match["price"])
        return _Deal(
            PromoType.NTH_UNIT_DISCOUNT, min_units=nth, nth_unit=nth, promo_price_pen=price
        )

    return (
        _scan(_NTH_PERCENT, text, from_percent)
        or _scan((_NTH_FREE,), text, from_word)
        or _scan((_NTH_PRICE,), text, from_price)
    )


def _nth_deal(nth: int, *, percent: float) -> _Deal:
    discount = percent / 100 / nth
    return _Deal(
        PromoType.NTH_UNIT_DISCOUNT,
        fixed_discount=discount,
        min_units=nth,
        nth_unit=nth,
        percent=percent,
    )


def _match_multibuy(text: str) -> _Deal | None:
    def build(match: re.Match[str]) -> _Deal | None:
        take, pay = int(match["take"]), int(match["pay"])
        if not 1 <= pay < take:
            return None
        return _Deal(
            PromoType.MULTIBUY, fixed_discount=1 - pay / take, min_units=take, pay_units=pay
        )

    return _scan(_MULTIBUY, text, build)


def _match_bundle(text: str) -> _Deal | None:
    def build(match: re.Match[str]) -> _Deal | None:
        units = int(match["units"])
        if units < 2:
            return None
        price = float(match["price"]) * (units if match["each"] else 1)
        return _Deal(PromoType.BUNDLE, min_units=units, bundle_price_pen=round(price, 2))

    return _scan(_BUNDLE, text, build)


def _match_card_price(text: str) -> _Deal | None:
    def build(match: re.Match[str]) -> _Deal | None:
        return _Deal(PromoType.CARD_PRICE, promo_price_pen=float(match["price"]))

    return _scan(_CARD_PRICE, text, build)


def _match_price_change(text: str) -> _Deal | None:
    def build(match: re.Match[str]) -> _Deal | None:
        before, after = float(match["before"]), float(match["after"])
        if not 0 < after < before:
            return None
        return _Deal(
            PromoType.AMOUNT_OFF,
            amount_pen=round(before - after, 2),
            promo_price_pen=after,
            reference_price_pen=before,
        )

    return _scan(_PRICE_CHANGE, text, build)


def _match_percent(text: str) -> _Deal | None:
    def build(match: re.Match[str]) -> _Deal | None:
        written = match.groupdict().get("pct")
        percent = 50.0 if written is None else _valid_percent(written)  # or "mitad de precio"
        if percent is None:
            return None
        qualifier = _MIN_UNITS.search(text)
        min_units = max(1, int(qualifier["units"])) if qualifier else 1
        return _Deal(
            PromoType.PERCENT_OFF,
            fixed_discount=percent / 100,
            min_units=min_units,
            percent=percent,
            up_to=_UP_TO.search(text, 0, match.start()) is not None,
        )

    return _scan((_PERCENT, _HALF_PRICE), text, build)


def _match_amount(text: str) -> _Deal | None:
    def build(match: re.Match[str]) -> _Deal | None:
        up_to = "hasta" in match[0] or _UP_TO.search(text, 0, match.start()) is not None
        return _Deal(PromoType.AMOUNT_OFF, amount_pen=float(match["amount"]), up_to=up_to)

    return _scan(_AMOUNT, text, build)


def _match_offer_price(text: str) -> _Deal | None:
    def build(match: re.Match[str]) -> _Deal | None:
        return _Deal(PromoType.AMOUNT_OFF, promo_price_pen=float(match["price"]))

    return _scan(_OFFER_PRICE, text, build)


def _match_card_only(text: str) -> _Deal | None:
    if _find_card_name(text) is None and _ANY_CARD.search(text) is None:
        return None
    return _Deal(PromoType.CARD_PRICE)


_FAMILIES: tuple[Callable[[str], _Deal | None], ...] = (
    _match_nth_unit,
    _match_multibuy,
    _match_bundle,
    _match_card_price,
    _match_price_change,
    _match_percent,
    _match_amount,
    _match_offer_price,
    _match_card_only,
)


# --- Modifiers ----------------------------------------------------------------------------------


def _find_card_name(text: str) -> str | None:
    for name, pattern in _CARD_NAMES:
        if pattern.search(text):
            return name
    return None


def _make_date(day: str, month: int, year: str | None, *, default_year: int) -> date | None:
    """A calendar date (``None`` when impossible, e.g. 31 February); 2-digit years are 20xx."""
    if year is not None:
        default_year = int(year) if len(year) == 4 else 2000 + int(year)
    try:
        return date(default_year, month, int(day))
    except ValueError:
        return None


def _date_from_words(match: re.Match[str], suffix: str, *, default_year: int) -> date | None:
    month = match[f"m{suffix}"] or match["m2"]  # "del 1 al 15 de julio": one month for both
    year = match[f"y{suffix}"] or match["y2"]
    month_number = _MONTHS[month.rstrip(".")]
    return _make_date(match[f"d{suffix}"], month_number, year, default_year=default_year)


def _date_from_numbers(text: str, *, default_year: int) -> date | None:
    day, month, *year = text.split("/")
    if not 1 <= int(month) <= 12:
        return None
    return _make_date(day, int(month), year[0] if year else None, default_year=default_year)


def _single_date(match: re.Match[str], *, default_year: int) -> date | None:
    if match["dm"]:
        return _date_from_numbers(match["dm"], default_year=default_year)
    month_number = _MONTHS[match["m"].rstrip(".")]
    return _make_date(match["d"], month_number, match["y"], default_year=default_year)


def _extract_dates(text: str, *, reference: date) -> tuple[date | None, date | None]:
    """``(valid_from, valid_to)`` from the first date range, else an end date and a start date."""
    year = reference.year
    if match := _DATE_RANGE_WORDS.search(text):
        start = _date_from_words(match, "1", default_year=year)
        end = _date_from_words(match, "2", default_year=year)
        years = (match["y1"] is not None, match["y2"] is not None)
    elif match := _DATE_RANGE_NUMERIC.search(text):
        start = _date_from_numbers(match["a"], default_year=year)
        end = _date_from_numbers(match["b"], default_year=year)
        years = (match["a"].count("/") == 2, match["b"].count("/") == 2)
    else:
        since, until = _DATE_FROM.search(text), _DATE_UNTIL.search(text)
        return (
            _single_date(since, default_year=year) if since else None,
            _single_date(until, default_year=year) if until else None,
        )
    return _place_range(start, end, reference=reference, years_written=years)


def _place_range(
    start: date | None, end: date | None, *, reference: date, years_written: tuple[bool, bool]
) -> tuple[date | None, date | None]:
    """Fix the years of a range that crosses New Year ("del 28 de diciembre al 3 de enero")."""
    if start is None or end is None or end >= start or years_written[0]:
        return start, end
    if years_written[1]:
        return _add_years(start, -1), end
    earlier = (_add_years(start, -1), end)
    later = (start, _add_years(end, 1))
    return min(earlier, later, key=lambda span: _days_outside(reference, span))


def _add_years(value: date, years: int) -> date:
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February
        return value.replace(year=value.year + years, day=28)


def _days_outside(reference: date, span: tuple[date, date]) -> int:
    if span[0] <= reference <= span[1]:
        return 0
    return min(abs((reference - span[0]).days), abs((reference - span[1]).days))


# --- Assembly -----------------------------------------------------------------------------------


def _saved_fraction(paid_pen: float, full_pen: float) -> float | None:
    """``1 - paid / full`` clipped at 0; ``None`` when the figures are impossible."""
    if full_pen <= 0 or paid_pen < 0:
        return None
    return max(0.0, 1 - paid_pen / full_pen)


def _price_based_discount(deal: _Deal, reference_pen: float) -> float | None:
    if deal.amount_pen is not None:
        return _saved_fraction(reference_pen - deal.amount_pen, reference_pen)
    if deal.bundle_price_pen is not None:
        return _saved_fraction(deal.bundle_price_pen, deal.min_units * reference_pen)
    if deal.promo_price_pen is not None:
        units = deal.nth_unit or 1
        paid_pen = (units - 1) * reference_pen + deal.promo_price_pen
        return _saved_fraction(paid_pen, units * reference_pen)
    return None


def _text_reference_price(text: str) -> float | None:
    match = _REFERENCE_PRICE.search(text)
    return float(match["price"]) if match else None


def _assemble(raw_text: str, text: str, regular_pen: float | None, today: date) -> PromoParse:
    deal = next(
        (found for family in _FAMILIES if (found := family(text)) is not None),
        _Deal(PromoType.UNKNOWN),
    )
    stated_reference = deal.reference_price_pen or _text_reference_price(text)
    reference = stated_reference or regular_pen
    discount = deal.fixed_discount
    if discount is None and reference is not None:
        discount = _price_based_discount(deal, reference)
    valid_from, valid_to = _extract_dates(text, reference=today)
    card_name = _find_card_name(text)
    return PromoParse(
        raw_text=raw_text,
        promo_type=deal.promo_type,
        effective_discount=None if discount is None else round(min(max(discount, 0.0), 1.0), 4),
        min_units=deal.min_units,
        pay_units=deal.pay_units,
        nth_unit=deal.nth_unit,
        percent=deal.percent,
        amount_pen=deal.amount_pen,
        bundle_price_pen=deal.bundle_price_pen,
        promo_price_pen=deal.promo_price_pen,
        reference_price_pen=stated_reference,
        card_name=card_name,
        card_required=card_name is not None or _ANY_CARD.search(text) is not None,
        valid_from=valid_from,
        valid_to=valid_to,
        until_stock_lasts=_UNTIL_STOCK_LASTS.search(text) is not None,
        up_to=deal.up_to,
        needs_regular_price=deal.price_based and reference is None,
    )


def _parse_uncached(text: str, regular_pen: float | None, today: date) -> PromoParse:
    return _assemble(text, normalize_promo_text(text), regular_pen, today)


_parse_cached = lru_cache(maxsize=_CACHE_SIZE)(_parse_uncached)


def _parse(text: str, regular_pen: float | None, today: date) -> PromoParse:
    if len(text) > _MAX_CACHED_CHARS:
        logger.debug("promo text of %d characters parsed without cache", len(text))
        return _parse_uncached(text, regular_pen, today)
    return _parse_cached(text, regular_pen, today)


def _clean_price(value: float | None) -> float | None:
    """A usable regular price, or ``None`` for missing, NaN, infinite or non-positive values."""
    if value is None:
        return None
    price = float(value)
    return price if math.isfinite(price) and 0 < price < _MAX_PRICE_PEN else None


def _today_in_lima() -> date:
    return datetime.now(ZoneInfo(_LIMA)).date()


def parse_promo(
    text: str,
    *,
    regular_price_pen: float | None = None,
    reference_date: date | None = None,
) -> PromoParse:
    """Parse one promotion text; never raises on a string (unmatched text gives ``unknown``).

    ``regular_price_pen`` is the regular unit price, used by price-based promotions when the
    text states none. ``reference_date`` resolves dates written without a year (default: today
    in America/Lima). Repeated calls with the same arguments are served from a cache.
    """
    today = reference_date or _today_in_lima()
    return _parse(text, _clean_price(regular_price_pen), today)


def parse_promos(
    texts: Sequence[str | None],
    *,
    regular_prices_pen: Sequence[float | None] | None = None,
    reference_date: date | None = None,
) -> list[PromoParse]:
    """Parse many texts (``None`` or other non-strings read as ``""``), caching repeated ones.

    ``regular_prices_pen``, when given, holds one regular price per text (``None`` or NaN
    where unknown). Raises :class:`~pulso.errors.InputError` when its length differs.
    """
    if regular_prices_pen is not None and len(regular_prices_pen) != len(texts):
        raise InputError(
            f"regular_prices_pen has {len(regular_prices_pen)} values for {len(texts)} texts",
            column="regular_prices_pen",
        )
    prices: Iterable[float | None] = (
        repeat(None) if regular_prices_pen is None else regular_prices_pen
    )
    today = reference_date or _today_in_lima()
    return [
        _parse(text if isinstance(text, str) else "", _clean_price(price), today)
        for text, price in zip(texts, prices, strict=False)
    ]
