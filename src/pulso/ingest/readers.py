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
from pathlib import Path

import pandas as pd

from pulso.errors import InputError
from pulso.ingest.values import fold_text

__all__ = ["SUPPORTED_SUFFIXES", "normalise_header", "read_table"]

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".json")
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


def _read_csv(path: Path) -> pd.DataFrame:
    text = _decode(path, path.read_bytes())
    if not text.strip():
        raise InputError("file is empty", file=str(path))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t", "|"), key=first_line.count)
    headers = _checked_headers(path, next(csv.reader([first_line], delimiter=delimiter)))
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=0,
            names=headers,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            quoting=csv.QUOTE_MINIMAL,
            on_bad_lines="error",
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"not a readable CSV file: {exc}", file=str(path)) from exc


def _read_xlsx(path: Path) -> pd.DataFrame:
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
    return body


def _read_json(path: Path) -> pd.DataFrame:
    try:
        document = json.loads(_decode(path, path.read_bytes()))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON at line {exc.lineno}: {exc.msg}", file=str(path)) from exc
    records = document.get("records") if isinstance(document, dict) else document
    if not isinstance(records, list) or not all(isinstance(item, dict) for item in records):
        raise InputError('JSON must be an array of objects or {"records": [...]}', file=str(path))
    frame = pd.DataFrame.from_records(records)
    return frame.map(lambda value: None if value is None else str(value)) if len(frame) else frame


def _checked_headers(path: Path, raw: Sequence[object]) -> list[str]:
    headers = [normalise_header(column) for column in raw]
    duplicated = sorted({name for name in headers if headers.count(name) > 1})
    if duplicated:
        raise InputError(f"duplicate column(s): {', '.join(duplicated)}", file=str(path))
    if "" in headers:
        raise InputError("a column has an empty header", file=str(path))
    return headers


def read_table(path: Path) -> pd.DataFrame:
    """Read ``path`` into a frame of strings (missing cells as NaN) with normalised headers.

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
    frame = reader(path)
    frame.columns = pd.Index(_checked_headers(path, list(frame.columns)))
    logger.debug("read %d rows from %s", len(frame), path)
    return frame.reset_index(drop=True)
