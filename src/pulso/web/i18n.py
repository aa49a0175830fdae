"""Languages and formats of the dashboard: gettext catalogs (es default, en) and es-PE formats.

The catalogs are ``web/locale/<lang>/LC_MESSAGES/messages.po``; they are compiled in memory the
first time a language is used (a shipped ``messages.mo`` newer than its ``.po`` is read as is).
``locale/babel.cfg`` says how to extract new messages with ``pybabel``. Amounts are soles
written the Peruvian way in both languages (``S/ 1,234.50``), dates are ``dd/mm/aaaa`` and
times are shown in America/Lima.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LIMA",
    "N_",
    "Formatter",
    "catalog_path",
    "translations",
]

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
LIMA = ZoneInfo("America/Lima")
_LOCALE_DIR = Path(__file__).with_name("locale")
#: Babel locale of each language: numbers and currency always follow Peru's conventions.
_BABEL_LOCALE = {"es": "es_PE", "en": "en_US"}
_DASH = "–"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, do not translate"
    """Mark ``message`` for the catalogs without translating it here (``gettext_noop``)."""
    return message


def catalog_path(language: str, suffix: str = ".po") -> Path:
    """Where the catalog of ``language`` lives."""
    return _LOCALE_DIR / language / "LC_MESSAGES" / f"messages{suffix}"


@cache
def translations(language: str) -> Translations:
    """The compiled catalog of ``language`` (``es`` or ``en``)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    po_path, mo_path = catalog_path(language), catalog_path(language, ".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        with mo_path.open("rb") as handle:
            return Translations(handle, domain="messages")
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain="messages")


def _nan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)


@dataclass(frozen=True, slots=True)
class Formatter:
    """Formats numbers, money, shares and dates for one language (es-PE conventions)."""

    language: str = DEFAULT_LANGUAGE

    @property
    def locale(self) -> str:
        return _BABEL_LOCALE[self.language]

    def money(self, value: float | None) -> str:
        """``S/ 1,234.50`` (a non-breaking space keeps the symbol with the amount).

        es-PE groups thousands with ``,`` and marks decimals with ``.``, as Python's own
        format does, so tables format thousands of cells without Babel's per-call cost (the
        unit tests check the output against Babel's ``format_currency``).
        """
        if value is None or _nan(value):
            return _DASH
        sign = "-" if value < 0 and round(abs(value), 2) > 0 else ""
        return f"{sign}S/\xa0{abs(value):,.2f}"

    def number(self, value: float | None, digits: int = 0) -> str:
        """``1,234,568`` or, with ``digits``, ``1,234.57`` (es-PE separators)."""
        if value is None or _nan(value):
            return _DASH
        return f"{value:,.{digits}f}"

    def percent(self, value: float | None, digits: int = 1, *, signed: bool = False) -> str:
        """``value`` already in percent units (``-5.0`` -> ``-5.0 %``)."""
        if value is None or _nan(value):
            return _DASH
        sign = "+" if signed and value > 0 else ""
        return f"{sign}{self.number(value, digits)} %"

    def share(self, value: float | None, digits: int = 1) -> str:
        """A ratio in [0, 1] as a percentage (``0.25`` -> ``25.0 %``)."""
        if value is None or _nan(value):
            return _DASH
        return self.percent(float(value) * 100, digits)

    def date(self, value: dt.date | None) -> str:
        """``dd/mm/aaaa``; datetimes are shown on their Lima calendar day."""
        if value is None:
            return _DASH
        if isinstance(value, dt.datetime):
            value = value.astimezone(LIMA).date()
        return value.strftime("%d/%m/%Y")

    def datetime(self, value: dt.datetime | None) -> str:
        """``dd/mm/aaaa HH:mm`` in America/Lima."""
        if value is None:
            return _DASH
        return value.astimezone(LIMA).strftime("%d/%m/%Y %H:%M")

    def cell(self, value: Any, kind: str) -> tuple[str, str]:
        """A table cell as text and a CSS class (``pos``/``neg`` for signed percentages)."""
        if value is None or (isinstance(value, float) and _nan(value)):
            return _DASH, "muted"
        if kind == "money":
            return self.money(value), ""
        if kind == "pct":
            css = "pos" if value > 0 else ("neg" if value < 0 else "")
            return self.percent(value, signed=True), css
        if kind == "share":
            return self.share(value), ""
        if kind == "int":
            return self.number(value), ""
        if kind == "number":
            return self.number(value, 2), ""
        if kind == "date":
            return self.date(value), ""
        if kind == "datetime":
            return self.datetime(value), ""
        if kind == "json":
            return json.dumps(value, ensure_ascii=False, default=str), "json"
        return str(value), ""

    def iso_day(self, value: dt.date | None) -> str | None:
        """The Lima calendar day as ``YYYY-MM-DD`` (compact x values for charts)."""
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = value.astimezone(LIMA).date()
        return value.isoformat()

    def month(self, value: dt.date | None) -> str:
        """Abbreviated month and year in the page language (``nov 2026``)."""
        if value is None:
            return _DASH
        return format_date(value, "MMM yyyy", locale=self.locale)
