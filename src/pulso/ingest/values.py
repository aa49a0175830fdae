"""Vectorised parsers for the values found in Peruvian exports.

Each parser takes a Series of raw strings (missing values as ``None``/NaN/empty) and returns a
``Parsed`` pair: the typed values and a boolean mask of cells that held something that could not
be parsed. Empty cells are missing, not errors; whether missing is allowed is decided by the
import spec.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "Parsed",
    "fold_text",
    "is_blank",
    "parse_bool",
    "parse_datetime",
    "parse_int",
    "parse_number",
    "parse_price",
    "pseudonymise",
    "slugify",
]

_CURRENCY = re.compile(r"(?i)^\s*(?:s/\.?|pen)\s*|\s*(?:soles|pen)\s*$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_HAS_OFFSET = re.compile(r"(?:[+-]\d{2}:?\d{2}|Z)$")
_DAY_FIRST = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}")
_STARTS_WITH_DIGIT = re.compile(r"^\d")
#: Slugs are keys in ``VARCHAR(80)`` columns.
MAX_SLUG_LENGTH = 80
#: Whole numbers beyond 2**53 cannot be told apart as floats (and overflow int64 further on).
_MAX_EXACT_INT = 2.0**53
_TRUE = {"1", "true", "t", "si", "sí", "s", "yes", "y", "x", "verdadero", "1.0"}
_FALSE = {"0", "false", "f", "no", "n", "falso", "0.0"}


@dataclass(frozen=True, slots=True)
class Parsed:
    """Typed values and the mask of cells that were present but unparseable."""

    values: pd.Series
    invalid: pd.Series


def is_blank(raw: pd.Series) -> pd.Series:
    """True where a cell is missing or empty (callers strip whitespace first)."""
    return (raw.isna() | raw.eq("")).fillna(True).astype(bool)


def fold_text(text: str) -> str:
    """Lowercase, strip accents and collapse spaces: ``" Línea  Blanca"`` -> ``"linea blanca"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.split())


def slugify(text: str) -> str:
    """A stable key for names: ``"Plaza Vea"`` -> ``"plaza-vea"``, ``"Cevichería Ñ"`` -> ``"cevicheria-n"``.

    Names with no Latin letter or digit (``"川菜馆"``) and names whose slug would pass
    :data:`MAX_SLUG_LENGTH` characters get a hash of the folded name instead of (or after) the
    readable part, so that different names never share a slug.
    """
    folded = fold_text(text)
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if slug and len(slug) <= MAX_SLUG_LENGTH and slug.isascii():
        return slug
    digest = hashlib.sha256(folded.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    readable = slug[: MAX_SLUG_LENGTH - len(digest) - 1].rstrip("-")
    return f"{readable}-{digest}" if readable else digest


def pseudonymise(identifier: str, *, key: bytes) -> str:
    """Keyed hash of a personal identifier (HMAC-SHA256, hex): stable, not reversible."""
    normalised = identifier.strip().casefold().encode("utf-8")
    return hmac.new(key, normalised, hashlib.sha256).hexdigest()


def _clean_number_text(text: pd.Series) -> pd.Series:
    text = text.str.replace(_CURRENCY, "", regex=True).str.replace(" ", "", regex=False)
    thousands_comma = text.str.fullmatch(_THOUSANDS_COMMA).fillna(False)
    thousands_dot = text.str.fullmatch(_THOUSANDS_DOT).fillna(False)
    text = text.where(~thousands_comma, text.str.replace(",", "", regex=False))
    text = text.where(
        ~thousands_dot, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    decimal_comma = ~thousands_comma & ~thousands_dot & text.str.count(",").eq(1)
    return text.where(~decimal_comma, text.str.replace(",", ".", regex=False))


def parse_number(raw: pd.Series) -> Parsed:
    """Numbers written ``12.90``, ``12,90``, ``1,299.00`` or ``1.299,00``."""
    blank = is_blank(raw)
    values = pd.to_numeric(raw, errors="coerce").astype("float64")
    slow = values.isna() & ~blank
    if slow.any():
        cleaned = _clean_number_text(raw[slow].astype("string").str.strip())
        values.loc[slow] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    values = values.where(np.isfinite(values))
    return Parsed(values=values, invalid=values.isna() & ~blank)


def parse_price(raw: pd.Series) -> Parsed:
    """Prices in soles: ``12.90``, ``12,90``, ``S/ 12.90``, ``S/. 1,299.00``; rounded to cents."""
    parsed = parse_number(raw)
    return Parsed(values=parsed.values.round(2), invalid=parsed.invalid)


def parse_int(raw: pd.Series) -> Parsed:
    """Whole numbers (``3`` or ``3.0``); ``3.5`` and ``dos`` are invalid."""
    parsed = parse_number(raw)
    exact = parsed.values.abs().le(_MAX_EXACT_INT)
    whole = parsed.values.isna() | ((parsed.values == parsed.values.round()) & exact)
    values = parsed.values.where(whole).astype("Int64")
    return Parsed(values=values, invalid=parsed.invalid | ~whole)


def parse_bool(raw: pd.Series) -> Parsed:
    """``si/sí/no``, ``true/false``, ``1/0``, ``yes/no``, ``y/n``, ``x``."""
    blank = is_blank(raw)
    folded = raw.astype("string").str.strip().str.casefold()
    values = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    values[folded.isin(_TRUE).fillna(False)] = True
    values[folded.isin(_FALSE).fillna(False)] = False
    return Parsed(values=values, invalid=values.isna() & ~blank)


def _to_utc(parsed: pd.Series, *, timezone: str) -> pd.Series:
    """Naive local times to UTC; DST gaps move forward, repeated hours take the first one."""
    local: pd.Series = parsed.dt.tz_localize(
        timezone, ambiguous=np.ones(len(parsed), dtype=bool), nonexistent="shift_forward"
    )
    utc: pd.Series = local.dt.tz_convert("UTC")
    return utc


def _parse_day_first(text: pd.Series, *, timezone: str) -> pd.Series:
    parsed = pd.to_datetime(text, format="%d/%m/%Y %H:%M:%S", errors="coerce")
    for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y"):
        missing = parsed.isna()
        if not missing.any():
            break
        parsed[missing] = pd.to_datetime(text[missing], format=fmt, errors="coerce")
    return _to_utc(parsed, timezone=timezone)


def _parse_iso_one(value: str, *, timezone: str) -> pd.Timestamp | None:
    stamp = pd.to_datetime(value, format="ISO8601", errors="coerce")
    if pd.isna(stamp):
        return None
    utc = _to_utc(pd.Series([stamp]), timezone=timezone) if stamp.tzinfo is None else None
    return pd.Timestamp(stamp.tz_convert("UTC") if utc is None else utc.iloc[0])


def _parse_iso(text: pd.Series, *, timezone: str) -> pd.Series:
    """ISO values without an offset the pattern recognised, as local time.

    Values carrying a zone in a form the offset pattern misses (``+05``, ``UTC``) make pandas
    return aware or mixed results; those columns are parsed value by value.
    """
    try:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except (ValueError, TypeError, OverflowError):
        parsed = None
    if parsed is not None and parsed.dt.tz is None:
        return _to_utc(parsed, timezone=timezone)
    values = [_parse_iso_one(value, timezone=timezone) for value in text]
    return pd.Series(values, index=text.index, dtype="datetime64[us, UTC]")


def parse_datetime(raw: pd.Series, *, timezone: str = "America/Lima") -> Parsed:
    """Dates and datetimes, ISO or es-PE day-first; naive values are local ``timezone`` time.

    Returns timezone-aware UTC timestamps. Only text starting with a digit is read (pandas
    would otherwise take ``"now"`` or ``"today"`` as the current time).
    """
    blank = is_blank(raw)
    text = raw.astype("string").str.strip()
    values = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us, UTC]")
    dated = text.str.match(_STARTS_WITH_DIGIT).fillna(False) & ~blank
    with_offset = text.str.contains(_HAS_OFFSET, regex=True).fillna(False) & dated
    day_first = text.str.match(_DAY_FIRST).fillna(False) & dated & ~with_offset
    naive_iso = dated & ~with_offset & ~day_first
    if naive_iso.any():
        values[naive_iso] = _parse_iso(text[naive_iso], timezone=timezone)
    if day_first.any():
        values[day_first] = _parse_day_first(text[day_first], timezone=timezone)
    if with_offset.any():
        values[with_offset] = pd.to_datetime(
            text[with_offset], format="ISO8601", utc=True, errors="coerce"
        )
    return Parsed(values=values, invalid=values.isna() & ~blank)
