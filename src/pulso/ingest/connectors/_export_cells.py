"""Cells of exported files as the exporting tool wrote them, and the dates such tools write.

Shared by the survey, review and POS export readers: a grid of stripped text (CSV or the first
sheet of an ``.xlsx``, headers not normalised, since survey questions are headers), the
timestamps of Google Forms, SurveyMonkey and POS exports as ISO text, and the building of a
:class:`~pulso.ingest.readers.RawTable`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pulso.errors import InputError
from pulso.ingest.readers import RawTable

__all__ = ["day_first", "iso_timestamp", "numeric_text", "raw_table", "read_grid"]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_grid(path: Path) -> list[list[str]]:
    """Every row of a CSV or the first sheet of an ``.xlsx``, as stripped text, unnormalised."""
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except (OSError, ValueError, KeyError) as exc:
            raise InputError(f"not a readable .xlsx file: {exc}", file=str(path)) from exc
        try:
            sheet = workbook.worksheets[0]
            return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    if suffix not in (".csv", ".txt", ".tsv"):
        raise InputError(f"unsupported file type {suffix!r}; use .csv or .xlsx", file=str(path))
    text = _decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    return [
        [cell.strip() for cell in row]
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]


def raw_table(
    records: list[dict[str, str | None]], columns: Sequence[str], numbers: list[int]
) -> RawTable:
    frame = pd.DataFrame(records, columns=list(columns), dtype=object).astype("string")
    return RawTable(frame, np.asarray(numbers, dtype=np.int64))


_SLASHED = re.compile(
    r"^(?P<a>\d{1,4})[/-](?P<b>\d{1,2})[/-](?P<c>\d{1,4})"
    r"(?:[ T]+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?)?"
    r"\s*(?P<ampm>[ap]\.?\s*m\.?)?"
    r"\s*(?:(?:GMT|UTC)\s*(?P<tz>[+-]\d{1,2})(?::?(?P<tzm>\d{2}))?)?$",
    re.IGNORECASE,
)


def day_first(values: Sequence[str]) -> bool:
    """Whether ``d/m/y`` dates are day-first: true unless some value only reads month-first."""
    for value in values:
        match = _SLASHED.match(value.strip())
        if match and len(match["a"]) <= 2:
            first, second = int(match["a"]), int(match["b"])
            if second > 12 >= first:
                return False
            if first > 12:
                return True
    return True


def iso_timestamp(value: str, *, day_first: bool) -> str:
    """Export timestamps (``2026/11/20 10:15:32 a. m. GMT-5``, ``11/20/2026 10:15:32 AM``,
    ``20/11/2026 10:15``) as ISO text; anything else is returned unchanged for validation."""
    match = _SLASHED.match(value.strip())
    if not match:
        return value
    a, b, c = match["a"], match["b"], match["c"]
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        year = int(c) + (2000 if len(c) == 2 else 0)
        day, month = (int(a), int(b)) if day_first else (int(b), int(a))
    hour, minute, second = int(match["h"] or 0), int(match["m"] or 0), int(match["s"] or 0)
    if match["ampm"]:
        pm = match["ampm"].lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    text = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    if match["tz"]:
        offset = int(match["tz"])
        text += f"{'+' if offset >= 0 else '-'}{abs(offset):02d}:{match['tzm'] or '00'}"
    return text


def numeric_text(answer: str) -> str | None:
    text = answer.strip().replace(",", ".")
    return text if re.fullmatch(r"-?\d+(?:\.\d+)?", text) else None
