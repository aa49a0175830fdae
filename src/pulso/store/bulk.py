"""Fast set-based writes: resolve dimension keys to ids, insert facts ignoring known keys.

Rows go to the database in bulk through the driver (``executemany`` on SQLite, ``COPY`` into a
temporary table on PostgreSQL), never one ORM object at a time. Every function works inside the
caller's transaction, so one import is all-or-nothing.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import JSON, Connection, Table, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pulso.store.tables import Base

__all__ = ["insert_ignore", "lookup_ids", "resolve_ids", "upsert"]

logger = logging.getLogger(__name__)

_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"
_LOOKUP_CHUNK = 500


def _table_of(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _is_json(table: Table, column: str) -> bool:
    return isinstance(table.c[column].type, JSON)


def _column_values(series: pd.Series, *, dialect: str, as_json: bool) -> list[Any]:
    """A column as Python values the driver accepts, with None for missing values.

    Arrays are converted with numpy (``astype(object)`` yields Python scalars), not value by
    value: this conversion is on the hot path of every bulk load.
    """
    if as_json:
        return [None if v is None else json.dumps(v, ensure_ascii=False) for v in series]
    missing = series.isna().to_numpy(dtype=bool)
    values: np.ndarray
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        if dialect != "sqlite":
            return list(series.astype(object).where(~missing, None))
        naive = series.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[us]")
        values = np.char.replace(np.datetime_as_string(naive, unit="us"), "T", " ").astype(object)
    elif pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype="float64", na_value=np.nan).astype(object)
    elif pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_integer_dtype(series.dtype):
        numbers = series.to_numpy(dtype="float64", na_value=0.0)
        values = numbers.astype(np.int64).astype(object)
    else:
        values = series.to_numpy(dtype=object, copy=True)
    values[missing] = None
    return list(values)


def _records(frame: pd.DataFrame, table: Table, *, dialect: str) -> list[tuple[Any, ...]]:
    columns = [
        _column_values(
            frame[name], dialect=dialect, as_json=dialect == "sqlite" and _is_json(table, name)
        )
        for name in frame.columns
    ]
    return list(zip(*columns, strict=True)) if columns else []


def _key_tuples(frame: pd.DataFrame, keys: Sequence[str]) -> list[tuple[Any, ...]]:
    return list(frame[list(keys)].itertuples(index=False, name=None))


def resolve_ids(
    connection: Connection,
    model: type[Base],
    frame: pd.DataFrame,
    *,
    keys: Sequence[str],
    defaults: Mapping[str, Any] | None = None,
) -> pd.Series:
    """Return the ``id`` of each distinct key of ``frame``, inserting the unknown ones.

    ``frame`` holds the key columns plus the attributes to store for new rows (the first row of
    each key wins). The result is indexed by a MultiIndex (or Index) of the key values.
    """
    table = _table_of(model)
    distinct = frame.drop_duplicates(subset=list(keys))
    known = lookup_ids(connection, model, distinct, keys)
    missing = distinct[
        ~pd.MultiIndex.from_frame(distinct[list(keys)]).isin(known.index)
        if len(keys) > 1
        else ~distinct[keys[0]].isin(known.index)
    ]
    if len(missing):
        rows = missing.assign(**(defaults or {}))
        records = [
            dict(zip(rows.columns, row, strict=True))
            for row in _records(rows, table, dialect="core")
        ]
        connection.execute(table.insert(), records)
        known = pd.concat([known, lookup_ids(connection, model, missing, keys)])
    return known


def lookup_ids(
    connection: Connection, model: type[Base], frame: pd.DataFrame, keys: Sequence[str]
) -> pd.Series:
    table = _table_of(model)
    key_columns = [table.c[name] for name in keys]
    tuples = _key_tuples(frame, keys)
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(tuples), _LOOKUP_CHUNK):
        chunk = tuples[start : start + _LOOKUP_CHUNK]
        condition = (
            tuple_(*key_columns).in_(chunk)
            if len(keys) > 1
            else key_columns[0].in_([item[0] for item in chunk])
        )
        found.extend(
            tuple(row)
            for row in connection.execute(select(*key_columns, table.c.id).where(condition))
        )
    if len(keys) > 1:
        index: pd.Index = pd.MultiIndex.from_tuples([row[:-1] for row in found], names=list(keys))
    else:
        index = pd.Index([row[0] for row in found], name=keys[0])
    return pd.Series([row[-1] for row in found], index=index, dtype="int64", name="id")


def insert_ignore(
    connection: Connection, model: type[Base], frame: pd.DataFrame, *, conflict: Sequence[str]
) -> int:
    """Insert the rows of ``frame`` whose ``conflict`` key is not stored; return how many."""
    if frame.empty:
        return 0
    table = _table_of(model)
    dialect = connection.dialect.name
    columns = list(frame.columns)
    if dialect == "sqlite":
        return _sqlite_insert_ignore(connection, table, frame, columns)
    if dialect == "postgresql":
        return _postgres_copy_insert(connection, table, frame, columns, conflict)
    raise NotImplementedError(f"bulk insert is not implemented for {dialect}")


def _sqlite_insert_ignore(
    connection: Connection, table: Table, frame: pd.DataFrame, columns: list[str]
) -> int:
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    sql = f'INSERT OR IGNORE INTO "{table.name}" ({names}) VALUES ({marks})'
    before = connection.exec_driver_sql("SELECT total_changes()").scalar_one()
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.executemany(sql, _records(frame, table, dialect="sqlite"))
    after = connection.exec_driver_sql("SELECT total_changes()").scalar_one()
    return int(after - before)


def _copy_text(frame: pd.DataFrame, table: Table) -> str:
    out = frame.copy()
    for name in out.columns:
        if _is_json(table, name):
            out[name] = [
                None if v is None else json.dumps(v, ensure_ascii=False) for v in out[name]
            ]
        elif isinstance(out[name].dtype, pd.DatetimeTZDtype):
            out[name] = (
                out[name].dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00").where(out[name].notna())
            )
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, header=False, na_rep="")
    return buffer.getvalue()


def _postgres_copy_insert(
    connection: Connection,
    table: Table,
    frame: pd.DataFrame,
    columns: list[str],
    conflict: Sequence[str],
) -> int:
    names = ", ".join(f'"{name}"' for name in columns)
    staging = f"_staging_{table.name}"
    connection.exec_driver_sql(
        f'CREATE TEMP TABLE IF NOT EXISTS "{staging}" (LIKE "{table.name}" INCLUDING DEFAULTS) ON COMMIT DROP'
    )
    connection.exec_driver_sql(f'TRUNCATE "{staging}"')
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY "{staging}" ({names}) FROM STDIN (FORMAT csv)') as copy:
        copy.write(_copy_text(frame, table))
    targets = ", ".join(f'"{name}"' for name in conflict)
    result = connection.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM "{staging}" '
        f"ON CONFLICT ({targets}) DO NOTHING"
    )
    return int(result.rowcount)


def upsert(
    connection: Connection,
    model: type[Base],
    frame: pd.DataFrame,
    *,
    conflict: Sequence[str],
    update: Sequence[str],
) -> tuple[int, int]:
    """Insert new keys and refresh ``update`` columns of known ones; return (inserted, updated)."""
    if frame.empty:
        return 0, 0
    table = _table_of(model)
    known = lookup_ids(connection, model, frame, conflict)
    keys = (
        pd.MultiIndex.from_frame(frame[list(conflict)])
        if len(conflict) > 1
        else pd.Index(frame[conflict[0]])
    )
    updated = int(keys.isin(known.index).sum())
    insert = sqlite_insert if connection.dialect.name == "sqlite" else pg_insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in conflict],
        set_={name: statement.excluded[name] for name in update},
    )
    records = [
        dict(zip(frame.columns, row, strict=True))
        for row in _records(frame, table, dialect="core")
    ]
    connection.execute(statement, records)
    return len(frame) - updated, updated
