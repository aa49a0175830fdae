"""Exports of other tools, turned into Pulso's import formats.

* **Surveys** (:func:`read_survey_export`): a Google Forms response sheet (first column
  ``Timestamp`` / ``Marca temporal``, one column per question) or a SurveyMonkey export (two
  header rows: questions, then ``Response`` or each option / row label; ``Respondent ID``,
  ``Start Date``, ``End Date``...), as CSV or ``.xlsx``, become the ``surveys`` format: one row
  per respondent and question. Checkbox options chosen in SurveyMonkey are joined with ``"; "``;
  matrix rows become questions ``"question - row"``; numeric answers also fill ``score``. Contact
  columns (e-mail, name, IP address, custom data) are dropped: a Google Forms e-mail is only
  used, through a keyed hash, as the respondent id (Ley 29733). Any other layout is refused with
  an error that says what was expected.
* **Reviews** (:func:`read_review_export`): a CSV/``.xlsx`` of Google Maps or TripAdvisor
  reviews gathered by a third-party tool, in the documented layout (:data:`REVIEW_COLUMNS`),
  become ``feedback``.
* **POS exports** (:func:`read_pos_export`): any sales-line export plus a YAML mapping file
  (:class:`PosMapping`) become ``orders``.

Every reader returns a :class:`~pulso.ingest.readers.RawTable` of text cells: values are checked
later by the same validation as any import, so bad rows are quarantined with their reasons.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pulso.errors import InputError
from pulso.ingest.readers import RawTable, normalise_header, read_table
from pulso.ingest.values import fold_text, pseudonymise

__all__ = [
    "REVIEW_COLUMNS",
    "PosMapping",
    "detect_survey_layout",
    "load_pos_mapping",
    "read_pos_export",
    "read_review_export",
    "read_survey_export",
]

logger = logging.getLogger(__name__)

# --- reading cells as they are ------------------------------------------------------------


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


def _read_grid(path: Path) -> list[list[str]]:
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


def _table(
    records: list[dict[str, str | None]], columns: Sequence[str], numbers: list[int]
) -> RawTable:
    frame = pd.DataFrame(records, columns=list(columns), dtype=object).astype("string")
    return RawTable(frame, np.asarray(numbers, dtype=np.int64))


# --- dates of exports -----------------------------------------------------------------------

_SLASHED = re.compile(
    r"^(?P<a>\d{1,4})[/-](?P<b>\d{1,2})[/-](?P<c>\d{1,4})"
    r"(?:[ T]+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?)?"
    r"\s*(?P<ampm>[ap]\.?\s*m\.?)?"
    r"\s*(?:(?:GMT|UTC)\s*(?P<tz>[+-]\d{1,2})(?::?(?P<tzm>\d{2}))?)?$",
    re.IGNORECASE,
)


def _day_first(values: Sequence[str]) -> bool:
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


def _iso(value: str, *, day_first: bool) -> str:
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


def _score(answer: str) -> str | None:
    text = answer.strip().replace(",", ".")
    return text if re.fullmatch(r"-?\d+(?:\.\d+)?", text) else None


# --- surveys --------------------------------------------------------------------------------

SURVEY_COLUMNS = (
    "survey",
    "respondent_id",
    "submitted_at",
    "question",
    "answer",
    "score",
    "restaurant",
    "retailer",
)
_GOOGLE_TIMESTAMP = {"timestamp", "marca temporal", "marca de tiempo", "fecha y hora"}
_GOOGLE_EMAIL = {
    "email address",
    "email",
    "direccion de correo electronico",
    "correo electronico",
    "correo",
    "nombre de usuario",
    "username",
}
_GOOGLE_SKIP = {"score", "puntuacion", "puntos"}
_MONKEY_ID = {"respondent id", "id del encuestado", "id de encuestado"}
_MONKEY_META = {
    "collector id": "collector",
    "id del recopilador": "collector",
    "start date": "start",
    "fecha de inicio": "start",
    "end date": "end",
    "fecha de finalizacion": "end",
    "fecha de finalización": "end",
    "ip address": "contact",
    "direccion ip": "contact",
    "email address": "contact",
    "direccion de correo electronico": "contact",
    "first name": "contact",
    "nombre": "contact",
    "last name": "contact",
    "apellido": "contact",
}
_MONKEY_RESPONSE = {"response", "open-ended response", "respuesta", "respuesta abierta"}


def detect_survey_layout(header: Sequence[str]) -> str:
    """``"google_forms"`` or ``"surveymonkey"``; :class:`InputError` for anything else."""
    folded = [fold_text(cell) for cell in header]
    if folded and folded[0] in _GOOGLE_TIMESTAMP:
        return "google_forms"
    if any(cell in _MONKEY_ID for cell in folded) and any(
        _MONKEY_META.get(cell) in ("start", "end") for cell in folded
    ):
        return "surveymonkey"
    shown = ", ".join(repr(cell) for cell in header[:6]) or "nothing"
    raise InputError(
        "unknown survey export layout: expected a Google Forms export (first column "
        "'Timestamp' or 'Marca temporal') or a SurveyMonkey export (columns 'Respondent ID', "
        f"'Start Date', 'End Date', then a second header row); found {shown}"
    )


def read_survey_export(
    path: Path,
    *,
    pseudonym_key: bytes,
    survey: str | None = None,
    restaurant: str | None = None,
    retailer: str | None = None,
) -> RawTable:
    """A Google Forms or SurveyMonkey export in the ``surveys`` format (see module docstring)."""
    grid = [row for row in _read_grid(path) if any(cell for cell in row)]
    if not grid:
        raise InputError("file is empty", file=str(path))
    try:
        layout = detect_survey_layout(grid[0])
    except InputError as exc:
        raise InputError(exc.reason, file=str(path)) from None
    context = {
        "survey": survey or path.stem,
        "restaurant": restaurant,
        "retailer": retailer,
    }
    if layout == "google_forms":
        rows = _google_rows(grid, key=pseudonym_key)
    else:
        if len(grid) < 2:
            raise InputError("SurveyMonkey export lacks its second header row", file=str(path))
        rows = _monkey_rows(grid)
    records: list[dict[str, str | None]] = []
    numbers: list[int] = []
    for number, record in rows:
        records.append(record | context | {"score": _score(record["answer"] or "")})
        numbers.append(number)
    logger.info("%s: %s export, %d answers", path, layout, len(records))
    return _table(records, SURVEY_COLUMNS, numbers)


def _google_rows(
    grid: list[list[str]], *, key: bytes
) -> Iterator[tuple[int, dict[str, str | None]]]:
    header = grid[0]
    folded = [fold_text(cell) for cell in header]
    email = next((i for i, cell in enumerate(folded) if cell in _GOOGLE_EMAIL), None)
    questions = [
        i
        for i, cell in enumerate(folded)
        if i > 0 and i != email and cell and cell not in _GOOGLE_SKIP
    ]
    day_first = _day_first([row[0] for row in grid[1:] if row])
    for number, row in enumerate(grid[1:], start=2):
        cells = row + [""] * (len(header) - len(row))
        if email is not None and cells[email]:
            respondent = "gf-" + pseudonymise(cells[email], key=key)[:32]
        else:
            digest = hashlib.sha256("\x1f".join(cells).encode("utf-8")).hexdigest()[:32]
            respondent = f"gf-{digest}"
        submitted = _iso(cells[0], day_first=day_first)
        for index in questions:
            if cells[index]:
                yield (
                    number,
                    {
                        "respondent_id": respondent,
                        "submitted_at": submitted,
                        "question": header[index],
                        "answer": cells[index],
                    },
                )


def _monkey_columns(questions: list[str], labels: list[str]) -> list[tuple[str, str, int]]:
    """``(question, label, index)`` of every answer column, question carried over blanks."""
    columns: list[tuple[str, str, int]] = []
    current = ""
    for index, (question, label) in enumerate(zip(questions, labels, strict=True)):
        current = question or current
        if not current:
            continue
        role = _MONKEY_META.get(fold_text(current)) or (
            "id" if fold_text(current) in _MONKEY_ID else None
        )
        if role is None and not fold_text(current).startswith(
            ("custom data", "datos personalizados")
        ):
            columns.append((current, label, index))
    return columns


def _monkey_rows(grid: list[list[str]]) -> Iterator[tuple[int, dict[str, str | None]]]:
    width = max(len(row) for row in grid)
    questions, labels = (grid[0] + [""] * width)[:width], (grid[1] + [""] * width)[:width]
    folded = [fold_text(cell) for cell in questions]
    id_index = next(i for i, cell in enumerate(folded) if cell in _MONKEY_ID)
    end = next((i for i, cell in enumerate(folded) if _MONKEY_META.get(cell) == "end"), None)
    start = next((i for i, cell in enumerate(folded) if _MONKEY_META.get(cell) == "start"), None)
    body = [(number, (row + [""] * width)[:width]) for number, row in enumerate(grid[2:], start=3)]
    stamp = end if end is not None else start
    day_first = _day_first([row[stamp] for _, row in body]) if stamp is not None else True
    columns = _monkey_columns(questions, labels)
    options = _option_columns(columns, body)
    for number, row in body:
        respondent = f"sm-{row[id_index]}" if row[id_index] else ""
        submitted = _iso(row[stamp], day_first=day_first) if stamp is not None else ""
        answers: dict[str, list[str]] = {}
        for question, label, index in columns:
            if not row[index]:
                continue
            if index in options or fold_text(label) in _MONKEY_RESPONSE or not label:
                answers.setdefault(question, []).append(row[index])
            else:
                answers.setdefault(f"{question} - {label}", []).append(row[index])
        for question, values in answers.items():
            yield (
                number,
                {
                    "respondent_id": respondent,
                    "submitted_at": submitted,
                    "question": question,
                    "answer": "; ".join(values),
                },
            )


def _option_columns(
    columns: list[tuple[str, str, int]], body: list[tuple[int, list[str]]]
) -> set[int]:
    """Columns of multiple-choice options: every filled cell repeats the column's label."""
    options: set[int] = set()
    for _question, label, index in columns:
        filled = [row[index] for _, row in body if row[index]]
        if label and filled and all(value == label for value in filled):
            options.add(index)
    return options


# --- reviews --------------------------------------------------------------------------------

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
    return _table(records, FEEDBACK_COLUMNS, list(table.row_numbers))


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


# --- POS exports ----------------------------------------------------------------------------

ORDER_COLUMNS = (
    "restaurant",
    "order_id",
    "ordered_at",
    "dish",
    "quantity",
    "unit_price",
    "diner_id",
    "party_size",
    "channel",
)


class PosColumns(BaseModel):
    """Which column of the POS export holds each ``orders`` field (headers as written)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    order_id: str
    ordered_at: str
    dish: str
    quantity: str
    unit_price: str | None = None
    line_total: str | None = None
    time: str | None = None
    restaurant: str | None = None
    diner_id: str | None = None
    party_size: str | None = None
    channel: str | None = None


class PosMapping(BaseModel):
    """A POS export's mapping file (YAML).

    .. code-block:: yaml

        restaurant: Cevichería La Punta   # or columns.restaurant for multi-site exports
        columns:
          order_id: Nro Ticket
          ordered_at: Fecha
          time: Hora                      # optional, when date and time are apart
          dish: Producto
          quantity: Cant.
          unit_price: P. Unit.            # or line_total: Importe (divided by quantity)
          channel: Tipo de venta
        channels: {MESA: salon, DELIVERY: delivery, LLEVAR: para_llevar}
        skip_dishes: [PROPINA, BOLSA PLASTICA]
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    restaurant: str | None = None
    columns: PosColumns
    channels: dict[str, str] = Field(default_factory=dict)
    skip_dishes: list[str] = Field(default_factory=list)


def load_pos_mapping(text: str, *, file: str | None = None) -> PosMapping:
    """Parse and check a POS mapping file; :class:`InputError` names what is wrong."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=file) from exc
    try:
        mapping = PosMapping.model_validate(document)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'mapping'}: {error['msg']}"
            for error in exc.errors()
        )
        raise InputError(f"invalid POS mapping: {problems}", file=file) from exc
    if mapping.restaurant is None and mapping.columns.restaurant is None:
        raise InputError("POS mapping needs restaurant or columns.restaurant", file=file)
    if mapping.columns.unit_price is None and mapping.columns.line_total is None:
        raise InputError("POS mapping needs columns.unit_price or columns.line_total", file=file)
    return mapping


def read_pos_export(path: Path, *, mapping: PosMapping) -> RawTable:
    """A POS export as the ``orders`` format, following ``mapping``.

    Repeated lines of one dish in one ticket are added up (quantity summed), since ``orders``
    keeps one line per ticket and dish; dishes in ``skip_dishes`` (tips, bags) are left out.
    """
    table = read_table(path)
    frame = table.frame.assign(_row=table.row_numbers)
    wanted = {field: value for field, value in mapping.columns.model_dump().items() if value}
    headers = {field: normalise_header(value) for field, value in wanted.items()}
    missing = [
        f"{wanted[field]!r} ({field})"
        for field, header in headers.items()
        if header not in frame.columns
    ]
    if missing:
        found = ", ".join(frame.columns)
        raise InputError(
            f"POS export lacks mapped column(s) {', '.join(missing)}; found: {found}",
            file=str(path),
        )
    out = pd.DataFrame({field: frame[header] for field, header in headers.items()}, dtype="string")
    out["_row"] = frame["_row"].to_numpy()
    if "restaurant" not in out:
        out["restaurant"] = mapping.restaurant
    if "time" in out:
        out["ordered_at"] = (
            out["ordered_at"].fillna("") + " " + out["time"].fillna("")
        ).str.strip()
    day_first = _day_first(list(out["ordered_at"].dropna()))
    out["ordered_at"] = out["ordered_at"].map(
        lambda v: _iso(v, day_first=day_first) if isinstance(v, str) else v
    )
    if "unit_price" not in out:
        out["unit_price"] = _unit_from_total(out["line_total"], out["quantity"])
    if "channel" in out and mapping.channels:
        channels = {fold_text(k): v for k, v in mapping.channels.items()}
        out["channel"] = out["channel"].map(
            lambda v: channels.get(fold_text(v), v) if isinstance(v, str) else v
        )
    skip = {fold_text(name) for name in mapping.skip_dishes}
    out = out[~out["dish"].fillna("").map(fold_text).isin(skip)]
    out = _sum_repeated_lines(out)
    return _table(
        [
            {column: _text(row.get(column)) for column in ORDER_COLUMNS}
            for row in out.to_dict("records")
        ],
        ORDER_COLUMNS,
        [int(n) for n in out["_row"]],
    )


def _text(value: object) -> str | None:
    return (
        None
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))
        else str(value)
    )


def _unit_from_total(totals: pd.Series, quantities: pd.Series) -> pd.Series:
    from pulso.ingest.values import parse_number

    total = parse_number(totals).values
    quantity = parse_number(quantities).values
    unit = (total / quantity).round(2)
    readable = unit.notna() & np.isfinite(unit)
    return totals.where(~readable, unit.map(lambda v: f"{v:.2f}"))


def _sum_repeated_lines(out: pd.DataFrame) -> pd.DataFrame:
    quantity = pd.to_numeric(out["quantity"], errors="coerce")
    keys = ["restaurant", "order_id", "dish"]
    summable = quantity.notna() & out[keys].notna().all(axis=1)
    repeated = summable & out[summable].duplicated(subset=keys, keep=False).reindex(
        out.index, fill_value=False
    )
    if not repeated.any():
        return out
    totals = quantity[repeated].groupby([out.loc[repeated, k] for k in keys]).transform("sum")
    out = out.copy()
    out.loc[repeated, "quantity"] = totals.map(
        lambda v: str(int(v)) if float(v).is_integer() else str(v)
    )
    first = ~(repeated & out.duplicated(subset=keys, keep="first"))
    return out[first]
