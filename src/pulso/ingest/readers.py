"""Read CSV, Excel and JSON exports into frames of raw strings with normalised headers.

Nothing is parsed here: every cell stays the text the file held, so a rejected row can be
quarantined exactly as it was written.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from pulso.errors import InputError
from pulso.ingest.values import fold_text

__all__ = [
    "SUPPORTED_SUFFIXES",
    "MalformedRow",
    "RawTable",
    "clean_text",
    "normalise_header",
    "read_table",
]

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
#: A workbook part that inflates more than this many times is a zip bomb (Apache POI's
#: ``ZipSecureFile`` uses the same 1:100 minimum inflate ratio)...
_MAX_XLSX_INFLATE_RATIO = 100
#: ...once it is bigger than this (tiny parts compress well and are harmless).
_XLSX_RATIO_GRACE_BYTES = 1024 * 1024
_DELIMITERS = (",", ";", "\t", "|")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: NUL cannot be stored in PostgreSQL text or JSONB, lone surrogates cannot be encoded.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: Errors openpyxl and zipfile raise on damaged workbooks (found by tests/fuzz).
_XLSX_ERRORS = (
    ValueError,
    KeyError,
    OSError,
    EOFError,
    IndexError,
    TypeError,
    AttributeError,
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    NotImplementedError,  # a flag or compression method zipfile does not support
    RuntimeError,  # zipfile: "File is encrypted, password required"
)


def normalise_header(name: object) -> str:
    """``" Precio Regular "`` -> ``"precio_regular"``, ``"Observed_At"`` -> ``"observed_at"``."""
    return "_".join(fold_text(str(name)).replace("-", " ").split())


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the header line has a NUL beside every character.

    Header names are ASCII or Latin-1, so in UTF-16 one byte of each pair is zero (Excel's
    "Unicode text" export); the rows below may hold any script, so only the header counts.
    """
    head = data[:4096]
    for encoding, newlines, zero_at in (
        ("utf-16-le", (b"\n\x00", b"\r\x00"), 1),
        ("utf-16-be", (b"\x00\n", b"\x00\r"), 0),
    ):
        ends = (i for i in range(0, len(head) - 1, 2) if head[i : i + 2] in newlines)
        line = head[: next(ends, len(head) - len(head) % 2)]
        zeros, others = line[zero_at::2], line[1 - zero_at :: 2]
        if len(zeros) >= 2 and zeros.count(0) > 0.9 * len(zeros) and not others.count(0):
            return encoding
    return None


def _decode(data: bytes) -> str:
    """Text of a file: BOMs (UTF-8/16/32) first, else UTF-8, Windows-1252, Latin-1.

    Line ends become ``\n`` (as in Python's universal newlines, so old Mac files with bare
    ``\r`` read too) and characters no database can store (NUL, lone surrogates) become
    U+FFFD.
    """
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    encoding = encoding or _utf16_without_bom(data)
    if encoding is not None:
        text = data.decode(encoding, errors="replace")
    else:
        for candidate in ("utf-8", "cp1252"):
            try:
                text = data.decode(candidate)
                break
            except UnicodeDecodeError:
                continue
        else:
            text = data.decode("latin-1")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return clean_text(text)


def clean_text(text: str) -> str:
    """``text`` with NUL and lone surrogates replaced by U+FFFD."""
    return _UNSTORABLE.sub("\ufffd", text)


def _allow_fields_up_to(size: int) -> None:
    # The csv module refuses fields over 128 KiB; a huge cell is a value to quarantine
    # (too long), not a reason to refuse the file. The limit is process-wide and only grows.
    if csv.field_size_limit() < size:
        csv.field_size_limit(size)


def _split_header(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _read_csv(path: Path) -> RawTable:
    text = _decode(path.read_bytes())
    if not text.strip():
        raise InputError("file is empty", file=str(path))
    _allow_fields_up_to(len(text) + 1)
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    # The delimiter that splits the header into most columns, quotes respected.
    delimiter = max(_DELIMITERS, key=lambda d: len(_split_header(first_line, d)))
    headers = _checked_headers(path, _split_header(first_line, delimiter))
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
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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
            infos = archive.infolist()
        size = sum(info.file_size for info in infos)
    except _XLSX_ERRORS as exc:
        raise InputError("not a valid .xlsx file", file=str(path)) from exc
    if size > _MAX_XLSX_UNCOMPRESSED_BYTES:
        raise InputError(
            f"workbook expands to {size} bytes, over the {_MAX_XLSX_UNCOMPRESSED_BYTES} limit",
            file=str(path),
        )
    _check_inflate_ratios(path, infos)
    try:
        frame = pd.read_excel(
            path,
            sheet_name=0,
            dtype=str,
            engine="openpyxl",
            header=None,
            keep_default_na=False,  # "NA", "null", "#N/A" are values to check, as in CSV
            na_values=[""],
        )
    except _XLSX_ERRORS as exc:
        raise InputError(f"not a readable .xlsx file: {exc}", file=str(path)) from exc
    if frame.empty:
        raise InputError("workbook's first sheet is empty", file=str(path))
    headers = ["" if pd.isna(value) else str(value) for value in frame.iloc[0]]
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = pd.Index(headers)
    return RawTable(body, np.arange(2, len(body) + 2))


def _check_inflate_ratios(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _XLSX_RATIO_GRACE_BYTES and ratio > _MAX_XLSX_INFLATE_RATIO:
            raise InputError(
                f"workbook part {info.filename!r} inflates {ratio:.0f} times "
                f"(over {_MAX_XLSX_INFLATE_RATIO}): refusing a possible zip bomb",
                file=str(path),
            )


def _json_cell(value: object) -> str | None:
    return None if value is None else clean_text(str(value))


def _read_json(path: Path) -> RawTable:
    try:
        document = json.loads(_decode(path.read_bytes()))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON at line {exc.lineno}: {exc.msg}", file=str(path)) from exc
    except (
        ValueError,
        RecursionError,
    ) as exc:  # huge integers, nesting deeper than Python's stack
        raise InputError(f"unreadable JSON: {exc}", file=str(path)) from exc
    records = document.get("records") if isinstance(document, dict) else document
    if not isinstance(records, list) or not all(isinstance(item, dict) for item in records):
        raise InputError('JSON must be an array of objects or {"records": [...]}', file=str(path))
    # Cells become text before the frame exists: pandas would store a key missing from a
    # record as NaN (then ``str`` gives "nan"), and its string dtype cannot hold surrogates.
    cells = [
        {clean_text(key): _json_cell(value) for key, value in item.items()} for item in records
    ]
    frame = pd.DataFrame.from_records(cells).astype(object)
    frame = frame.where(frame.notna(), None)
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
