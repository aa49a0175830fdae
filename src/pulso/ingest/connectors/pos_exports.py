"""POS exports in the ``orders`` import format, following a YAML mapping file.

Every POS names its columns its own way (``Nro Ticket``, ``Fecha``, ``Producto``, ``Cant.``,
``P. Unit.``...); :class:`PosMapping` says which column holds each ``orders`` field, how sales
channels are written, and which lines are not dishes (tips, bags).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pulso.errors import InputError
from pulso.ingest.connectors._export_cells import day_first, iso_timestamp, raw_table
from pulso.ingest.readers import RawTable, normalise_header, read_table
from pulso.ingest.values import fold_text, parse_number

__all__ = ["ORDER_COLUMNS", "PosColumns", "PosMapping", "load_pos_mapping", "read_pos_export"]

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
    frame = table.frame
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
    out["_row"] = table.row_numbers
    if "restaurant" not in out:
        out["restaurant"] = mapping.restaurant
    if "time" in out:
        out["ordered_at"] = (
            out["ordered_at"].fillna("") + " " + out["time"].fillna("")
        ).str.strip()
    dmy = day_first(list(out["ordered_at"].dropna()))
    out["ordered_at"] = out["ordered_at"].map(
        lambda v: iso_timestamp(v, day_first=dmy) if isinstance(v, str) else v
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
    return raw_table(
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
