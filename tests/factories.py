"""Seeded builders of import files, written the way real exports are."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np

RETAILERS = ("Tottus", "Metro", "Wong", "Plaza Vea")


def write_csv(
    path: Path, header: list[str], rows: list[list[object]], *, delimiter: str = ","
) -> Path:
    """Write rows as CSV (UTF-8) and return the path."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def price_rows(
    *, n: int, seed: int = 0, start: date = date(2026, 7, 1), listings: int = 10
) -> list[list[object]]:
    """``n`` valid price rows: ``listings`` listings on consecutive days going back from
    ``start``, prices in mixed Peruvian styles."""
    rng = np.random.default_rng(seed)
    rows: list[list[object]] = []
    for i in range(n):
        listing = i % listings
        day = start - timedelta(days=i // listings)
        price = round(float(rng.uniform(2, 30)), 2)
        text = (f"{price:.2f}", f"{price:.2f}".replace(".", ","), f"S/ {price:.2f}")[i % 3]
        rows.append(
            [
                RETAILERS[listing % len(RETAILERS)],
                f"SKU-{listing}",
                f"Leche Gloria Entera {listing}",
                day.isoformat(),
                text,
                "",
                "si",
                "",
            ]
        )
    return rows


PRICE_HEADER = [
    "retailer",
    "external_id",
    "name",
    "observed_at",
    "regular_price",
    "offer_price",
    "in_stock",
    "promo_text",
]


def prices_file(
    path: Path,
    *,
    good: int,
    bad: list[list[object]] | None = None,
    seed: int = 0,
    listings: int = 10,
) -> Path:
    """A prices CSV with ``good`` valid rows followed by the ``bad`` rows given."""
    rows = price_rows(n=good, seed=seed, listings=listings)
    return write_csv(path, PRICE_HEADER, rows + (bad or []))


BAD_PRICE_ROWS: list[list[object]] = [
    ["Tottus", "SKU-1", "Leche", "2026-02-31", "3.50", "", "si", ""],
    ["Wong", "SKU-2", "Leche", "2026-07-01", "abc", "", "si", ""],
    ["Metro", "SKU-3", "Leche", "2026-07-01", "5.00", "6.00", "si", ""],
]
