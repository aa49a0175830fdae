"""Validation turns raw strings into typed rows and reasons."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from pulso.errors import InputError
from pulso.ingest.specs import SPECS, get_spec
from pulso.ingest.validation import ROW_COLUMN, validate_frame

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def _validate(kind: str, rows: dict[str, list[str | None]]):
    return validate_frame(
        pd.DataFrame(rows, dtype="string"), get_spec(kind), file="f.csv", now=NOW
    )


def test_every_problem_of_a_row_is_reported_with_its_file_row():
    result = _validate(
        "orders",
        {
            "restaurant": ["Chifa Lung Fung", "Chifa Lung Fung", ""],
            "order_id": ["1", "2", "3"],
            "ordered_at": ["2026-11-01 13:00", "2026-11-30 13:00", "2026-11-01"],
            "dish": ["Chaufa de pollo", "Wantán frito", "Sopa wantán"],
            "quantity": ["2", "dos", "1"],
            "unit_price": ["S/ 22,00", "-5", "10"],
            "channel": ["Para llevar", "salón", "dron"],
        },
    )
    assert result.valid[ROW_COLUMN].tolist() == [2]
    assert result.valid["channel"].tolist() == ["para_llevar"]
    rejected = result.rejected.set_index("row_number")
    assert rejected.loc[3, "reason"].split("; ") == [
        "ordered_at: '2026-11-30 13:00' is in the future",
        "quantity: could not read 'dos' as a whole number",
        "unit_price must be greater than 0 (got -5.0)",
    ]
    assert rejected.loc[4, "column"] == "restaurant"
    assert "channel: unknown value 'dron'" in rejected.loc[4, "reason"]
    assert rejected.loc[3, "raw"]["quantity"] == "dos"


def test_missing_columns_are_listed_once():
    with pytest.raises(
        InputError, match=r"missing required column\(s\) for feedback: created_at, text"
    ):
        _validate("feedback", {"restaurant": ["x"]})


def test_limits_and_cross_rules():
    result = _validate(
        "feedback",
        {
            "restaurant": ["A", "A"],
            "created_at": ["2026-10-01", "2026-10-01"],
            "text": ["rico", "feo"],
            "rating": ["5", "7"],
        },
    )
    assert result.valid["rating"].tolist() == [5]
    assert result.rejected["reason"].tolist() == ["rating must be at most 5 (got 7)"]
    promos = _validate(
        "promotions",
        {
            "retailer": ["Wong"],
            "external_id": ["1"],
            "text": ["2x1"],
            "starts_on": ["2026-07-15"],
            "ends_on": ["2026-07-01"],
        },
    )
    assert promos.rejected["reason"].tolist() == ["ends_on before starts_on"]


def test_ean_must_be_digits():
    result = _validate(
        "catalog",
        {
            "sku": ["1", "2"],
            "name": ["a", "b"],
            "category": ["c", "c"],
            "ean": ["7751271000012.0", "77A1"],
        },
    )
    assert result.valid["ean"].tolist() == ["7751271000012"]
    assert result.rejected["reason"].tolist() == ["ean must be 8 to 14 digits, got '77A1'"]


def test_every_kind_documents_a_key_made_of_its_fields():
    for spec in SPECS.values():
        assert set(spec.required) <= set(spec.names)
        assert spec.key
