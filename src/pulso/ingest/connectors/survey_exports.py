"""Survey exports (Google Forms, SurveyMonkey) in the ``surveys`` import format.

A Google Forms response sheet has ``Timestamp`` / ``Marca temporal`` first and one column per
question; a SurveyMonkey export has two header rows (questions, then ``Response`` or each
option / row label) and ``Respondent ID``, ``Start Date``, ``End Date``... Both, as CSV or
``.xlsx``, become one row per respondent and question. Options chosen in SurveyMonkey are
joined with ``"; "`` (with "Other (please specify)" texts); matrix rows become questions
``"question - row"``; numeric answers also fill ``score``. Contact columns (e-mail, name, IP
address, custom data) are dropped: a Google Forms e-mail is only used, through a keyed hash, as
the respondent id (Ley 29733). Any other layout is refused with an error that says what was
expected.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

from pulso.errors import InputError
from pulso.ingest.connectors._export_cells import (
    day_first,
    iso_timestamp,
    numeric_text,
    raw_table,
    read_grid,
)
from pulso.ingest.readers import RawTable
from pulso.ingest.values import fold_text, pseudonymise

__all__ = ["SURVEY_COLUMNS", "detect_survey_layout", "read_survey_export"]

logger = logging.getLogger(__name__)

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
_MONKEY_OTHER = ("other (", "otro (", "otra (", "other:", "otro:")


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
    grid = [row for row in read_grid(path) if any(cell for cell in row)]
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
        records.append(record | context | {"score": numeric_text(record["answer"] or "")})
        numbers.append(number)
    logger.info("%s: %s export, %d answers", path, layout, len(records))
    return raw_table(records, SURVEY_COLUMNS, numbers)


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
    dmy = day_first([row[0] for row in grid[1:] if row])
    for number, row in enumerate(grid[1:], start=2):
        cells = row + [""] * (len(header) - len(row))
        if email is not None and cells[email]:
            respondent = "gf-" + pseudonymise(cells[email], key=key)[:32]
        else:
            digest = hashlib.sha256("\x1f".join(cells).encode("utf-8")).hexdigest()[:32]
            respondent = f"gf-{digest}"
        submitted = iso_timestamp(cells[0], day_first=dmy)
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
    dmy = day_first([row[stamp] for _, row in body]) if stamp is not None else True
    columns = _monkey_columns(questions, labels)
    options = _option_columns(columns, body)
    for number, row in body:
        respondent = f"sm-{row[id_index]}" if row[id_index] else ""
        submitted = iso_timestamp(row[stamp], day_first=dmy) if stamp is not None else ""
        answers: dict[str, list[str]] = {}
        for question, label, index in columns:
            if not row[index]:
                continue
            if index in options or _is_answer_label(label):
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


def _is_answer_label(label: str) -> bool:
    """Labels of a question's own answer: ``Response``, ``Other (please specify)``..."""
    folded = fold_text(label)
    return not folded or folded in _MONKEY_RESPONSE or folded.startswith(_MONKEY_OTHER)


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
