"""Size presets of the demo data set (``pulso demo --scale small|medium|large``)."""

from __future__ import annotations

from dataclasses import dataclass

from pulso.errors import InputError

__all__ = ["SCALES", "Scale", "get_scale"]


@dataclass(frozen=True, slots=True)
class Scale:
    """How much retail data one preset generates.

    ``retail_products`` is the size of our catalog and ``retail_days`` the length of the daily
    price history. ``excel_prices`` writes the smallest competitor's price file as ``.xlsx``
    instead of CSV (openpyxl writes about 10k rows/s, too slow for the bigger presets).
    """

    name: str
    retail_products: int
    retail_days: int
    excel_prices: bool


SCALES: dict[str, Scale] = {
    "small": Scale("small", retail_products=80, retail_days=120, excel_prices=True),
    "medium": Scale("medium", retail_products=2_000, retail_days=365, excel_prices=False),
    "large": Scale("large", retail_products=5_000, retail_days=730, excel_prices=False),
}


def get_scale(name: str) -> Scale:
    """Return the preset called ``name``; raise :class:`InputError` for an unknown name."""
    try:
        return SCALES[name]
    except KeyError:
        expected = ", ".join(SCALES)
        raise InputError(
            f"unknown scale {name!r}; expected one of {expected}", column="scale"
        ) from None
