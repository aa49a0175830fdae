"""Tables of the dashboard: columns, sorting and paging driven by the URL.

A page builds a :class:`Table` from the rows a query function returned; :func:`view_table`
sorts and pages it from the request's ``<table>_sort``, ``<table>_dir`` and ``<table>_page``
parameters, and :mod:`pulso.web.export` writes the whole table as CSV or Excel.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pulso.web.filters import url_with

__all__ = ["CELL_KINDS", "Column", "Table", "TableView", "rows_from", "view_table"]

#: How a column's values are shown and exported.
CELL_KINDS = frozenset(
    {"text", "int", "number", "money", "pct", "share", "date", "datetime", "bool", "json"}
)
_MAX_PAGE_SIZE = 200


@dataclass(frozen=True, slots=True)
class Column:
    """A column: ``label`` is an English msgid translated when shown."""

    key: str
    label: str
    kind: str = "text"
    sortable: bool = True

    def __post_init__(self) -> None:
        if self.kind not in CELL_KINDS:
            raise ValueError(f"unknown cell kind {self.kind!r} for column {self.key!r}")

    @property
    def numeric(self) -> bool:
        return self.kind in {"int", "number", "money", "pct", "share"}


@dataclass(frozen=True, slots=True)
class Table:
    """Rows (all of them, already filtered) and how to show them."""

    id: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    default_sort: str | None = None
    default_descending: bool = False
    page_size: int = 20
    empty_message: str = "No rows match these filters."
    note: str | None = None
    #: Set when ``rows`` are already one page, paged by the database: how many matched in all.
    total: int | None = None
    page: int = 1


@dataclass(frozen=True, slots=True)
class TableView:
    """One page of a sorted table."""

    table: Table
    rows: list[dict[str, Any]]
    sort: str | None
    descending: bool
    page: int
    pages: int
    total: int
    page_size: int
    path: str = "/"
    params: dict[str, str] = field(default_factory=dict)

    def sort_url(self, key: str) -> str:
        """Sort by ``key`` (ascending first; a second click reverses), back to page 1."""
        descending = key == self.sort and not self.descending
        return url_with(
            self.path,
            self.params,
            **{
                f"{self.table.id}_sort": key,
                f"{self.table.id}_dir": "desc" if descending else "asc",
                f"{self.table.id}_page": None,
            },
        )

    def page_url(self, page: int) -> str:
        return url_with(self.path, self.params, **{f"{self.table.id}_page": page})

    def export_url(self, fmt: str) -> str:
        """The same filters, answered as the whole table in ``fmt`` (``csv`` or ``xlsx``)."""
        kept = {k: v for k, v in self.params.items() if not k.startswith(f"{self.table.id}_")}
        return url_with(self.path, kept, export=fmt, table=self.table.id)

    def aria_sort(self, key: str) -> str:
        if key != self.sort:
            return "none"
        return "descending" if self.descending else "ascending"

    @property
    def first_row(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.page_size + 1

    @property
    def last_row(self) -> int:
        return min(self.total, self.page * self.page_size)


def _as_int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return (1, 0)
    if isinstance(value, str):
        return (0, value.casefold())
    if isinstance(value, dict | list):
        return (0, str(value))
    return (0, value)


def sort_rows(
    rows: Sequence[dict[str, Any]], key: str, *, descending: bool
) -> list[dict[str, Any]]:
    """Rows sorted by ``key``; empty values always last."""
    present = [row for row in rows if _sort_key(row.get(key))[0] == 0]
    missing = [row for row in rows if _sort_key(row.get(key))[0] == 1]
    try:
        present.sort(key=lambda row: _sort_key(row.get(key)), reverse=descending)
    except TypeError:  # mixed types in one column: compare as text
        present.sort(key=lambda row: str(row.get(key)), reverse=descending)
    return present + missing


def view_table(table: Table, params: Mapping[str, str], *, path: str = "/") -> TableView:
    """Sort and page ``table`` from ``<id>_sort``, ``<id>_dir`` and ``<id>_page`` in ``params``."""
    if table.total is not None:
        return _server_view(table, params, path=path)
    sortable = {column.key for column in table.columns if column.sortable}
    sort = params.get(f"{table.id}_sort") or table.default_sort
    if sort not in sortable:
        sort = table.default_sort if table.default_sort in sortable else None
    direction = params.get(f"{table.id}_dir")
    descending = direction == "desc" if direction in {"asc", "desc"} else table.default_descending
    rows = sort_rows(table.rows, sort, descending=descending) if sort else list(table.rows)
    page_size = max(1, min(_MAX_PAGE_SIZE, table.page_size))
    pages = max(1, math.ceil(len(rows) / page_size))
    page = max(1, min(pages, _as_int(params.get(f"{table.id}_page"), 1)))
    start = (page - 1) * page_size
    return TableView(
        table=table,
        rows=rows[start : start + page_size],
        sort=sort,
        descending=descending,
        page=page,
        pages=pages,
        total=len(rows),
        page_size=page_size,
        path=path,
        params=dict(params),
    )


def _server_view(table: Table, params: Mapping[str, str], *, path: str) -> TableView:
    """A page the database already cut, in the query's own order (the table's default sort)."""
    total = table.total or 0
    return TableView(
        table=table,
        rows=list(table.rows),
        sort=table.default_sort,
        descending=table.default_descending,
        page=table.page,
        pages=max(1, math.ceil(total / table.page_size)),
        total=total,
        page_size=table.page_size,
        path=path,
        params=dict(params),
    )


def _flatten(item: Any) -> dict[str, Any]:
    """A SQLAlchemy row as one dict: mapped entities' columns merged with labelled values."""
    merged: dict[str, Any] = {}
    for key, value in item._mapping.items():
        table = getattr(value, "__table__", None)
        if table is not None:
            merged.update({column.key: getattr(value, column.key) for column in table.columns})
        else:
            merged[str(key)] = value
    return merged


def _row_of(item: Any, keys: Sequence[str]) -> dict[str, Any]:
    if hasattr(item, "_mapping"):
        item = _flatten(item)
    if isinstance(item, Mapping):
        return {key: item.get(key) for key in keys}
    return {key: getattr(item, key, None) for key in keys}  # dataclasses, ORM rows, objects


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()  # numpy scalars
    return value


def rows_from(items: Iterable[Any] | pd.DataFrame, keys: Sequence[str]) -> list[dict[str, Any]]:
    """Rows as dicts of ``keys`` from a DataFrame, mappings, dataclasses or ORM objects."""
    if isinstance(items, pd.DataFrame):
        present = [key for key in keys if key in items.columns]
        records = items[present].to_dict("records")
        return [{key: _clean(record.get(key)) for key in keys} for record in records]
    return [{key: _clean(value) for key, value in _row_of(item, keys).items()} for item in items]
