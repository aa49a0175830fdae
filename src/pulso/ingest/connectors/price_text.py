"""Read prices as Peruvian sites print them: ``S/ 12.90``, ``S/12,90``, ``S/. 1,299.00``, ranges.

``parse_price_text("S/ 9.90 - S/ 12.90")`` gives the lower price, 9.90, and marks the text as a
range so that the connector can keep it. Amounts use a decimal point or a decimal comma; a
separator followed by exactly three digits is a thousands separator (``1,299`` and ``1.299`` are
1299), as Peruvian prices never carry three decimals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["PriceText", "parse_amount", "parse_price_text"]

_AMOUNT = re.compile(r"\d[\d.,]*\d|\d")
_RANGE = re.compile(r"\d\s*(?:-|–|—|a|hasta)\s*(?:s/\.?\s*)?\d", re.IGNORECASE)
_SOLES = re.compile(r"s/\.?|soles?\b|pen\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PriceText:
    """The price read from a text: the amount (the lowest of a range) and whether it was one."""

    amount: float
    text: str
    is_range: bool = False


def parse_amount(token: str) -> float | None:
    """``"1,299.00"`` -> 1299.0, ``"12,90"`` -> 12.9, ``"1.299"`` -> 1299.0; None if unreadable."""
    token = token.strip().strip(".,")
    if not token or not token[0].isdigit():
        return None
    last_dot, last_comma = token.rfind("."), token.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        decimal = "." if last_dot > last_comma else ","
        thousands = "," if decimal == "." else "."
        token = token.replace(thousands, "").replace(decimal, ".")
    elif last_dot >= 0 or last_comma >= 0:
        separator = "." if last_dot >= 0 else ","
        groups = token.split(separator)
        if len(groups) > 2 or (len(groups[-1]) == 3 and len(groups[0]) <= 3):
            token = token.replace(separator, "")
        else:
            token = token.replace(separator, ".")
    try:
        return round(float(token), 2)
    except ValueError:
        return None


def parse_price_text(text: str | None) -> PriceText | None:
    """The price in ``text``, or None when it holds no amount.

    When the text has soles markers (``S/``, ``soles``), only amounts next to them count, so
    ``"Pack x 6 S/ 18.90"`` reads 18.90, not 6. Ranges (``S/ 9.90 - S/ 12.90``, ``de S/ 5 a
    S/ 8``) give their lowest amount with ``is_range=True``.
    """
    if not text:
        return None
    clean = " ".join(text.split())
    candidates = _amounts_near_currency(clean) if _SOLES.search(clean) else None
    if not candidates:
        candidates = [a for a in (parse_amount(m.group()) for m in _AMOUNT.finditer(clean)) if a]
    if not candidates:
        return None
    is_range = len(candidates) > 1 and bool(_RANGE.search(clean))
    return PriceText(min(candidates) if is_range else candidates[0], clean, is_range)


def _amounts_near_currency(text: str) -> list[float]:
    amounts: list[float] = []
    for match in _AMOUNT.finditer(text):
        before = text[max(0, match.start() - 5) : match.start()]
        after = text[match.end() : match.end() + 7]
        if _SOLES.search(before) or re.match(r"\s*(?:soles?|pen)\b", after, re.IGNORECASE):
            amount = parse_amount(match.group())
            if amount is not None:
                amounts.append(amount)
    return amounts
