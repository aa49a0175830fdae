"""Read CSV, Excel and JSON exports into frames of raw strings with normalised headers.

Nothing is parsed here: every cell stays the text the file held, so a rejected row can be
quarantined exactly as it was written.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from pulso.errors import InputError
from pulso.ingest.values import fold_text

__all__ = ["SUPPORTED_SUFFIXES", "MalformedRow", "RawTable", "normalise_header", "read_table"]

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".json")


@dataclass(frozen=True, slots=True)
class MalformedRow:
    """A record that could not be split into the header's columns."""

    row_number: int
    reason: str
    text: str


@dataclass(frozen=True, slots=True)
class RawTable:
    """Cells as text (headers normalised), each row's number in the file, malformed records."""

    frame: pd.DataFrame
    row_numbers: npt.NDArray[np.int64]
    malformed: tuple[MalformedRow, ...] = ()


_MAX_XLSX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024


def normalise_header(name: object) -> str:
    """``" Precio Regular "`` -> ``"precio_regular"``, ``"Observed_At"`` -> ``"observed_at"``."""
    return "_".join(fold_text(str(name)).replace("-", " ").split())


def _decode(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("file is not UTF-8 or Latin-1 text", file=str(path))  # pragma: no cover


def _read_csv(path: Path) -> RawTable:
    text = _decode(path, path.read_bytes())
    if not text.strip():
        raise InputError("file is empty", file=str(path))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t", "|"), key=first_line.count)
    headers = _checked_headers(path, next(csv.reader([first_line], delimiter=delimiter)))
    try:
        frame = pd.read_csv(
            io.BytesIO(text.encode("utf-8")),
            sep=delimiter,
            header=0,
            names=headers,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            engine="pyarrow",
        )
    except (ValueError, pa.ArrowInvalid):
        # Some row has the wrong number of fields: read record by record and keep the rest.
        return _read_csv_tolerant(text, delimiter=delimiter, headers=headers)
    return RawTable(frame, np.arange(2, len(frame) + 2))


def _read_csv_tolerant(text: str, *, delimiter: str, headers: list[str]) -> RawTable:
    records = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(records)
    good: list[list[str]] = []
    numbers: list[int] = []
    malformed: list[MalformedRow] = []
    for number, fields in enumerate(records, start=2):
        if len(fields) == len(headers):
            good.append(fields)
            numbers.append(number)
        elif any(field.strip() for field in fields):
            reason = f"row has {len(fields)} fields, the header has {len(headers)}"
            malformed.append(MalformedRow(number, reason, delimiter.join(fields)[:2_000]))
    frame = pd.DataFrame(good, columns=headers, dtype="string").replace("", None)
    return RawTable(frame, np.asarray(numbers, dtype=np.int64), tuple(malformed))


def _read_xlsx(path: Path) -> RawTable:
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise InputError("not a valid .xlsx file", file=str(path)) from exc
    if size > _MAX_XLSX_UNCOMPRESSED_BYTES:
        raise InputError(
            f"workbook expands to {size} bytes, over the {_MAX_XLSX_UNCOMPRESSED_BYTES} limit",
            file=str(path),
        )
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl", header=None)
    except (ValueError, KeyError, OSError) as exc:
        raise InputError(f"not a readable .xlsx file: {exc}", file=str(path)) from exc
    if frame.empty:
        raise InputError("workbook's first sheet is empty", file=str(path))
    headers = ["" if pd.isna(value) else str(value) for value in frame.iloc[0]]
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = pd.Index(headers)
    return RawTable(body, np.arange(2, len(body) + 2))


def _read_json(path: Path) -> RawTable:
    try:
        document = json.loads(_decode(path, path.read_bytes()))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON at line {exc.lineno}: {exc.msg}", file=str(path)) from exc
    records = document.get("records") if isinstance(document, dict) else document
    if not isinstance(records, list) or not all(isinstance(item, dict) for item in records):
        raise InputError('JSON must be an array of objects or {"records": [...]}', file=str(path))
    frame = pd.DataFrame.from_records(records)
    if len(frame):
        frame = frame.map(lambda value: None if value is None else str(value))
    return RawTable(frame, np.arange(1, len(frame) + 1))


def _checked_headers(path: Path, raw: Sequence[object]) -> list[str]:
    headers = [normalise_header(column) for column in raw]
    duplicated = sorted({name for name in headers if headers.count(name) > 1})
    if duplicated:
        raise InputError(f"duplicate column(s): {', '.join(duplicated)}", file=str(path))
    if "" in headers:
        raise InputError("a column has an empty header", file=str(path))
    return headers


def read_table(path: Path) -> RawTable:
    """Read ``path`` into text cells (missing as NaN) with normalised headers.

    Raises :class:`InputError` for unknown file types, empty files and duplicate headers.
    """
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"unsupported file type {suffix!r}; use {', '.join(SUPPORTED_SUFFIXES)}",
            file=str(path),
        )
    reader = {".xlsx": _read_xlsx, ".json": _read_json}.get(suffix, _read_csv)
    table = reader(path)
    table.frame.columns = pd.Index(_checked_headers(path, list(table.frame.columns)))
    logger.debug("read %d rows from %s", len(table.frame), path)
    return table
