"""One colour per retailer, the same on every chart (brand-like where a brand colour is known)."""

from __future__ import annotations

import unicodedata
import zlib

__all__ = ["NEUTRAL", "retailer_color", "slugify"]

_KNOWN = {
    "plaza-vea": "#c8102e",
    "tottus": "#2e8b57",
    "metro": "#e69f00",
    "wong": "#0072b2",
    "vivanda": "#8e44ad",
    "makro": "#56b4e9",
    "mass": "#d4b000",
    "flora-y-fauna": "#009e73",
}
# Okabe-Ito and friends: distinguishable by most colour-blind readers.
_SPARE = ("#cc79a7", "#d55e00", "#009e73", "#6b4f2a", "#44546a", "#a6761d", "#1b9e77")
#: The colour of "everyone" or of series that are not a retailer.
NEUTRAL = "#5b6770"


def slugify(name: str) -> str:
    """``"Plaza Vea"`` -> ``"plaza-vea"`` (accents dropped)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(ascii_name.lower().replace("_", " ").split())


def retailer_color(name_or_slug: str) -> str:
    """The colour of a retailer, stable across pages and runs."""
    slug = slugify(name_or_slug)
    known = _KNOWN.get(slug)
    if known is not None:
        return known
    return _SPARE[zlib.crc32(slug.encode()) % len(_SPARE)]
