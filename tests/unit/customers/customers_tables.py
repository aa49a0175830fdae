"""Readers for the hand-written feedback tables in ``data/``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class LabelledFeedback:
    text: str
    label: str
    aspects: frozenset[tuple[str, str]]
    lang: str


def read_feedback_table(name: str) -> list[LabelledFeedback]:
    """Rows of a tab-separated table in ``data/`` (``#`` lines are comments)."""
    lines = [
        line
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    rows = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return [
        LabelledFeedback(
            text=row["text"],
            label=row["label"],
            aspects=frozenset(
                (pair.split(":")[0], pair.split(":")[1])
                for pair in (row.get("aspects") or "").split("|")
                if pair
            ),
            lang=row.get("lang") or "",
        )
        for row in rows
    ]
