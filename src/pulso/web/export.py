"""CSV and Excel exports of dashboard tables, safe to open in a spreadsheet.

Text cells that start with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) get a
leading apostrophe, so a competitor's product name can never run as a spreadsheet formula
(OWASP "CSV injection"). Numbers stay numbers; datetimes are written in America/Lima.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from pulso.web.i18n import LIMA
from pulso.web.tables import Column, Table

__all__ = ["EXPORT_FORMATS", "FORMULA_PREFIXES", "export_table", "neutralise"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_XLSX_FORMATS = {
    "money": '"S/" #,##0.00',
    "number": "#,##0.00",
    "int": "#,##0",
    "pct": '0.0"%"',
    "share": "0.0%",
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
}


def neutralise(value: Any) -> Any:
    """``value`` with a leading apostrophe when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value: Any, column: Column) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(LIMA).replace(tzinfo=None)
    if isinstance(value, date) or column.numeric or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict | list):
        return neutralise(json.dumps(value, ensure_ascii=False, default=str))
    return neutralise(str(value))


def _csv(table: Table, labels: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(label) for label in labels])
    for row in table.rows:
        writer.writerow([_cell(row.get(c.key), c) for c in table.columns])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel read accents right


def _xlsx(table: Table, labels: list[str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.id[:31]
    sheet.append([neutralise(label) for label in labels])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_cell(row.get(c.key), c) for c in table.columns])
    for index, column in enumerate(table.columns, start=1):
        number_format = _XLSX_FORMATS.get(column.kind)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_table(table: Table, fmt: str, *, gettext: Callable[[str], str]) -> bytes:
    """The whole table (every row, not one page) as ``csv`` or ``xlsx`` bytes."""
    labels = [gettext(column.label) for column in table.columns]
    if fmt == "csv":
        return _csv(table, labels)
    if fmt == "xlsx":
        return _xlsx(table, labels)
    raise ValueError(f"export format must be csv or xlsx, got {fmt!r}")
