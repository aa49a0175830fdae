"""Turn a frame of raw strings into typed, checked rows and rejected rows with reasons.

Parsing is vectorised (:mod:`pulso.ingest.values`); limits and cross-column rules are a pandera
schema built from the :class:`~pulso.ingest.specs.ImportSpec`, validated lazily so that every
failure of every row is collected, not just the first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from pulso.errors import InputError
from pulso.ingest.specs import ComparisonRule, FieldSpec, ImportSpec, ValueKind
from pulso.ingest.values import (
    fold_text,
    is_blank,
    parse_bool,
    parse_datetime,
    parse_int,
    parse_number,
    parse_price,
)

__all__ = ["ROW_COLUMN", "ValidationResult", "check_columns", "validate_frame"]

logger = logging.getLogger(__name__)

#: Column of the valid frame holding each row's number in the source file.
ROW_COLUMN = "_row"
_EAN_PATTERN = r"^\d{8,14}$"


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """Typed valid rows (plus :data:`ROW_COLUMN`) and rejected rows with their reasons.

    ``rejected`` has the columns ``row_number``, ``column`` (of the first problem),
    ``reason`` (all problems joined), ``reasons`` (list of ``{"column", "reason"}``) and
    ``raw`` (the row as it was written).
    """

    valid: pd.DataFrame
    rejected: pd.DataFrame
    rows_read: int


@dataclass(frozen=True, slots=True)
class _Problems:
    index: np.ndarray
    column: str
    reasons: list[str]


def check_columns(frame: pd.DataFrame, spec: ImportSpec, *, file: str) -> None:
    """Raise one :class:`InputError` naming every missing required column."""
    missing = [name for name in spec.required if name not in frame.columns]
    if missing:
        found = ", ".join(frame.columns) or "none"
        raise InputError(
            f"missing required column(s) for {spec.kind}: {', '.join(missing)} (found: {found})",
            file=file,
        )


def _describe(raw: pd.Series, mask: pd.Series, template: str) -> _Problems | None:
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return None
    values = raw[mask].astype(str).str.slice(0, 60)
    return _Problems(
        mask[mask].index.to_numpy(), str(raw.name), [template.format(v) for v in values]
    )


def _parse_text(raw: pd.Series, spec: FieldSpec) -> tuple[pd.Series, list[_Problems | None]]:
    text = raw.astype("string")
    too_long = text.str.len().gt(spec.max_length).fillna(False)
    problems = [
        _describe(raw, too_long, f"{spec.name} is longer than {spec.max_length} characters")
    ]
    if spec.choices is not None:
        choices = spec.choices
        mapped = text.map(lambda v, /: choices.get(fold_text(v)) if isinstance(v, str) else None)
        unknown = text.notna() & mapped.isna()
        allowed = ", ".join(sorted(set(spec.choices.values())))
        problems.append(
            _describe(raw, unknown, f"{spec.name}: unknown value {{!r}}; expected {allowed}")
        )
        text = mapped.astype("string")
    return text, problems


def _parse_ean(raw: pd.Series, spec: FieldSpec) -> tuple[pd.Series, list[_Problems | None]]:
    text = raw.astype("string").str.replace(r"\.0$", "", regex=True)
    bad = text.notna() & ~text.str.fullmatch(_EAN_PATTERN).fillna(False)
    return text.where(~bad), [
        _describe(raw, bad, f"{spec.name} must be 8 to 14 digits, got {{!r}}")
    ]


def _parse_temporal(
    raw: pd.Series, spec: FieldSpec, *, timezone: str, latest: datetime
) -> tuple[pd.Series, list[_Problems | None]]:
    text = raw
    if spec.kind is ValueKind.MONTH:
        text = (
            raw.astype("string").str.strip().str.replace(r"^(\d{4}-\d{2})$", r"\1-01", regex=True)
        )
    parsed = parse_datetime(text, timezone=timezone)
    future = parsed.values > pd.Timestamp(latest)
    values = parsed.values.where(~future)
    problems = [
        _describe(raw, parsed.invalid, f"{spec.name}: {{!r}} is not a valid date or datetime"),
        _describe(raw, future, f"{spec.name}: {{!r}} is in the future"),
    ]
    if spec.kind in (ValueKind.DATE, ValueKind.MONTH):
        values = values.dt.tz_convert(timezone).dt.date
    return values, problems


def _parse_field(
    raw: pd.Series, spec: FieldSpec, *, timezone: str, latest: datetime
) -> tuple[pd.Series, list[_Problems | None]]:
    if spec.kind is ValueKind.TEXT:
        return _parse_text(raw, spec)
    if spec.kind is ValueKind.EAN:
        return _parse_ean(raw, spec)
    if spec.kind in (ValueKind.DATETIME, ValueKind.DATE, ValueKind.MONTH):
        return _parse_temporal(raw, spec, timezone=timezone, latest=latest)
    parser = {
        ValueKind.PRICE: parse_price,
        ValueKind.NUMBER: parse_number,
        ValueKind.INT: parse_int,
        ValueKind.BOOL: parse_bool,
    }[spec.kind]
    parsed = parser(raw)
    label = {ValueKind.PRICE: "a price", ValueKind.INT: "a whole number", ValueKind.BOOL: "yes/no"}
    template = f"{spec.name}: could not read {{!r}} as {label.get(spec.kind, 'a number')}"
    return parsed.values, [_describe(raw, parsed.invalid, template)]


def _range_check(spec: FieldSpec) -> list[pa.Check]:
    checks = []
    if spec.min_value is not None:
        if spec.exclusive_min:
            checks.append(
                pa.Check.gt(
                    spec.min_value, error=f"{spec.name} must be greater than {spec.min_value:g}"
                )
            )
        else:
            checks.append(
                pa.Check.ge(
                    spec.min_value, error=f"{spec.name} must be at least {spec.min_value:g}"
                )
            )
    if spec.max_value is not None:
        checks.append(
            pa.Check.le(spec.max_value, error=f"{spec.name} must be at most {spec.max_value:g}")
        )
    return checks


def _rule_check(rule: ComparisonRule) -> pa.Check:
    def holds(frame: pd.DataFrame) -> pd.Series:
        if rule.left not in frame or rule.right not in frame:
            return pd.Series(True, index=frame.index)
        left, right = frame[rule.left], frame[rule.right]
        broken = (left.notna() & right.notna()) & (left > right)
        return ~broken.fillna(False).astype(bool)

    return pa.Check(holds, name=rule.reason, error=rule.reason)


def _schema(spec: ImportSpec, present: list[str]) -> pa.DataFrameSchema:
    columns = {
        field.name: pa.Column(nullable=True, required=False, checks=_range_check(field))
        for field in spec.fields
        if field.name in present and (field.min_value is not None or field.max_value is not None)
    }
    return pa.DataFrameSchema(columns, checks=[_rule_check(rule) for rule in spec.rules])


def _schema_problems(typed: pd.DataFrame, spec: ImportSpec) -> list[_Problems | None]:
    try:
        _schema(spec, list(typed.columns)).validate(typed, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases.dropna(subset=["index"])
        problems: list[_Problems | None] = []
        for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=False):
            rule = next((r for r in spec.rules if r.reason == check), None)
            name = rule.left if rule else str(column)
            reason = str(check)
            values = group["failure_case"].astype(str)
            texts = [reason if rule else f"{reason} (got {v})" for v in values]
            problems.append(_Problems(group["index"].astype(int).to_numpy(), name, texts))
        return problems
    return []


def validate_frame(
    raw: pd.DataFrame,
    spec: ImportSpec,
    *,
    file: str,
    now: datetime,
    row_numbers: npt.NDArray[np.int64] | None = None,
    timezone: str = "America/Lima",
    max_future_days: int = 1,
) -> ValidationResult:
    """Parse and check ``raw`` (strings, normalised headers) against ``spec``.

    ``row_numbers`` gives each row's number in the file (default: 2, 3, ... as in a CSV with a
    header row).
    """
    check_columns(raw, spec, file=file)
    raw = raw.reset_index(drop=True)
    latest = now + timedelta(days=max_future_days)
    typed = pd.DataFrame(index=raw.index)
    problems: list[_Problems | None] = []
    for field in spec.fields:
        if field.name not in raw.columns:
            continue
        column = raw[field.name].astype("string").str.strip()
        column = column.mask(column.eq("")).rename(field.name)
        typed[field.name], found = _parse_field(column, field, timezone=timezone, latest=latest)
        problems.extend(found)
        if field.required:
            problems.append(_describe(column, is_blank(column), f"{field.name} is required"))
    problems.extend(_schema_problems(typed, spec))
    numbers = np.arange(2, len(raw) + 2) if row_numbers is None else np.asarray(row_numbers)
    return _split(raw, typed, [p for p in problems if p is not None], row_numbers=numbers)


def _split(
    raw: pd.DataFrame,
    typed: pd.DataFrame,
    problems: list[_Problems],
    *,
    row_numbers: npt.NDArray[np.int64],
) -> ValidationResult:
    typed[ROW_COLUMN] = row_numbers
    if not problems:
        return ValidationResult(typed, _empty_rejected(), len(raw))
    flat = pd.DataFrame(
        {
            "index": np.concatenate([p.index for p in problems]),
            "column": np.concatenate([[p.column] * len(p.index) for p in problems]),
            "reason": np.concatenate([p.reasons for p in problems]),
        }
    ).drop_duplicates()
    grouped = flat.groupby("index", sort=True)
    bad_index = np.asarray(list(grouped.groups.keys()), dtype=np.int64)
    bad_raw = raw.loc[bad_index]
    rejected = pd.DataFrame(
        {
            "row_number": row_numbers[bad_index],
            "column": grouped["column"].first().to_numpy(),
            "reason": grouped["reason"].agg("; ".join).to_numpy(),
            "reasons": [
                [{"column": c, "reason": r} for c, r in zip(g["column"], g["reason"], strict=True)]
                for _, g in grouped
            ],
            "raw": [
                {k: (None if pd.isna(v) else str(v)) for k, v in row.items()}
                for row in bad_raw.to_dict("records")
            ],
        }
    )
    valid = typed.loc[~typed.index.isin(bad_index)]
    logger.info("validation rejected %d of %d rows", len(rejected), len(raw))
    return ValidationResult(valid, rejected, len(raw))


def _empty_rejected() -> pd.DataFrame:
    return pd.DataFrame(
        {
            name: pd.Series(dtype=object)
            for name in ("row_number", "column", "reason", "reasons", "raw")
        }
    )
