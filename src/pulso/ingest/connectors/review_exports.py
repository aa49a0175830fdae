"""Review exports (Google Maps, TripAdvisor) in the ``feedback`` import format.

Third-party tools that gather public reviews write CSV or ``.xlsx`` files; Pulso reads the
layout of :data:`REVIEW_COLUMNS` (each column under any of its accepted headers, matched case-
and accent-insensitively): ``platform``, ``place``, ``review_id``, ``published_at``,
``rating``, ``title``, ``text``, ``author``. Reviewers become pseudonymous diners
(``platform:author``, hashed by the loader), ``platform:review_id`` is the feedback id, so a
review exported twice is stored once.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from pulso.errors import InputError
from pulso.ingest.connectors._export_cells import raw_table
from pulso.ingest.readers import RawTable, read_table
from pulso.ingest.values import fold_text

__all__ = ["FEEDBACK_COLUMNS", "REVIEW_COLUMNS", "read_review_export"]

#: The review export layout: Pulso column -> accepted headers (matched case- and
#: accent-insensitively). ``place`` may instead be given for the whole file.
REVIEW_COLUMNS: dict[str, tuple[str, ...]] = {
    "platform": ("platform", "source", "site", "plataforma"),
    "place": ("place", "restaurant", "place_name", "business_name", "local", "restaurante"),
    "review_id": ("review_id", "id", "reviewid"),
    "published_at": (
        "published_at",
        "date",
        "review_date",
        "review_datetime_utc",
        "publishedatdate",
        "fecha",
    ),
    "rating": ("rating", "stars", "review_rating", "bubble_rating", "calificacion", "estrellas"),
    "title": ("title", "review_title", "titulo"),
    "text": ("text", "review_text", "review", "comment", "comentario", "texto"),
    "author": ("author", "reviewer", "author_title", "author_name", "autor"),
}
FEEDBACK_COLUMNS = (
    "restaurant",
    "created_at",
    "text",
    "rating",
    "diner_id",
    "source",
    "feedback_id",
)
_PLATFORMS = {"google": "google", "google maps": "google", "tripadvisor": "tripadvisor"}


def read_review_export(
    path: Path, *, restaurant: str | None = None, platform: str | None = None
) -> RawTable:
    """Reviews in the documented layout as the ``feedback`` format.

    ``restaurant`` (or the ``place`` column) names the restaurant; ``platform`` (or the
    ``platform`` column) is ``google`` or ``tripadvisor``. Ratings ``4``, ``4.0``, ``4/5`` and
    TripAdvisor bubbles ``40`` all read 4.
    """
    table = read_table(path)
    frame = table.frame
    found = {
        target: next((name for name in names if name in frame.columns), None)
        for target, names in REVIEW_COLUMNS.items()
    }
    missing = [
        name
        for name, available in (
            ("published_at", found["published_at"]),
            ("text", found["text"]),
            ("place", found["place"] or restaurant),
        )
        if not available
    ]
    if missing:
        raise InputError(
            f"review export lacks {', '.join(missing)} (accepted headers: "
            + "; ".join(f"{name}: {', '.join(REVIEW_COLUMNS[name])}" for name in missing)
            + ")",
            file=str(path),
        )

    def column(name: str) -> pd.Series:
        source = found[name]
        return frame[source] if source else pd.Series(None, index=frame.index, dtype="string")

    platforms = (
        column("platform")
        .fillna(platform or "")
        .map(lambda value: _PLATFORMS.get(fold_text(str(value)), fold_text(str(value))) or None)
    )
    titles, texts = column("title"), column("text")
    joined = [
        f"{title.strip()}. {text}"
        if isinstance(title, str) and title.strip() and isinstance(text, str)
        else text
        for title, text in zip(titles, texts, strict=True)
    ]
    records = [
        {
            "restaurant": place if isinstance(place, str) and place else restaurant,
            "created_at": published,
            "text": text if isinstance(text, str) else None,
            "rating": _stars(rating),
            "diner_id": f"{plat or 'review'}:{author}"
            if isinstance(author, str) and author
            else None,
            "source": plat,
            "feedback_id": f"{plat or 'review'}:{review_id}"
            if isinstance(review_id, str) and review_id
            else None,
        }
        for place, published, text, rating, author, plat, review_id in zip(
            column("place"),
            column("published_at"),
            joined,
            column("rating"),
            column("author"),
            platforms,
            column("review_id"),
            strict=True,
        )
    ]
    return raw_table(records, FEEDBACK_COLUMNS, list(table.row_numbers))


def _stars(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace(",", ".")
    match = re.fullmatch(
        r"(\d+(?:\.\d+)?)\s*(?:/\s*(\d+))?(?:\s*(?:stars?|estrellas?))?", text, re.IGNORECASE
    )
    if not match:
        return value
    number = float(match[1])
    scale = float(match[2]) if match[2] else (50.0 if 5 < number <= 50 else 5.0)
    stars = number * 5.0 / scale
    return str(round(stars)) if abs(stars - round(stars)) < 1e-9 else value
