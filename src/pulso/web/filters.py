"""Page filters kept in the URL (so a view can be shared) and URL building for links."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

__all__ = ["Filters", "safe_next", "url_with"]

_MAX_TEXT = 120


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value[:_MAX_TEXT] or None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Filters:
    """``date_from``, ``date_to``, ``category``, ``competitor`` (retailer slug), ``restaurant`` (id).

    Bad values are ignored rather than refused: a mistyped shared link still opens the page.
    """

    date_from: date | None = None
    date_to: date | None = None
    category: str | None = None
    competitor: str | None = None
    restaurant: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Filters:
        date_from, date_to = _date(params.get("date_from")), _date(params.get("date_to"))
        if date_from and date_to and date_from > date_to:
            date_from, date_to = date_to, date_from
        return cls(
            date_from=date_from,
            date_to=date_to,
            category=_text(params.get("category")),
            competitor=_text(params.get("competitor")),
            restaurant=_int(params.get("restaurant")),
        )

    @property
    def active(self) -> bool:
        return any(getattr(self, name) is not None for name in self.__slots__)


def url_with(path: str, params: Mapping[str, str], **changes: object) -> str:
    """``path`` with ``params`` updated by ``changes`` (``None`` removes a parameter)."""
    merged = dict(params)
    for key, value in changes.items():
        if value is None or value == "":
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    query = urlencode(sorted(merged.items()))
    return f"{path}?{query}" if query else path


def safe_next(target: str | None, default: str = "/") -> str:
    """A redirect target that stays on this site (a path, never ``//host`` or a URL)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
