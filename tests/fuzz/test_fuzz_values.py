"""Any text into the value parsers and the validator: typed values or a flag, never an exception.

The ``@example`` cases are inputs that crashed or were misread before tests/fuzz existed (see
docs/reliability.md).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from tests.fuzz.fuzz_oracle import fuzz_settings

from pulso.ingest.specs import SPECS
from pulso.ingest.validation import validate_frame
from pulso.ingest.values import (
    MAX_SLUG_LENGTH,
    is_blank,
    parse_bool,
    parse_datetime,
    parse_int,
    parse_number,
    parse_price,
    slugify,
)

NOW = pd.Timestamp("2026-11-15 12:00", tz="UTC").to_pydatetime()

#: Cells as exports hold them: anything, plus the shapes that broke the parsers once.
cells = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(
        [
            "2026-07-28T13:05:00+05",  # hour-only offset: pandas returned tz-aware, then crashed
            "1994-01-01 00:30",  # a Lima DST gap: tz_localize raised NonExistentTimeError
            "1986-04-01 00:30",
            "now",  # pandas read it as the current time
            "today",
            "1e300",  # parse_int overflowed int64
            "9" * 30,
            "9223372036854775808",
            "NaN",
            "-inf",
            "S/ 1.299,90",
            "28/07/2026 13:05",
            "2026-07-28 13:05 UTC",
            "0001-01-01",
            "9999-12-31 23:59",
        ]
    ),
)


def _as_validation_passes_it(values: list[str | None]) -> pd.Series:
    """Stripped text, empty as missing: what validation hands the parsers."""
    text = pd.Series(values, dtype=object).astype("string").str.strip()
    return text.mask(text.eq(""))


columns = st.lists(cells, min_size=1, max_size=12).map(_as_validation_passes_it)


@fuzz_settings(150)
@given(raw=columns)
def test_numbers_are_finite_or_flagged(raw):
    blank = is_blank(raw)
    for parser in (parse_number, parse_price):
        parsed = parser(raw)
        values = parsed.values.to_numpy(dtype="float64", na_value=np.nan)
        assert not np.isinf(values).any()
        assert (parsed.invalid == (parsed.values.isna() & ~blank)).all()


@fuzz_settings(150)
@given(raw=columns)
@example(raw=_as_validation_passes_it(["1e300", "3", None]))
def test_whole_numbers_fit_int64_or_are_flagged(raw):
    parsed = parse_int(raw)
    present = parsed.values.dropna()
    assert (present.abs() <= 2**53).all()
    assert str(parsed.values.dtype) == "Int64"
    assert not (parsed.invalid & parsed.values.notna()).any()


@fuzz_settings(150)
@given(raw=columns)
@example(raw=_as_validation_passes_it(["2026-07-28T13:05:00+05", "2026-07-28"]))
@example(raw=_as_validation_passes_it(["1994-01-01 00:30", "now"]))
def test_datetimes_are_utc_or_flagged(raw):
    parsed = parse_datetime(raw, timezone="America/Lima")
    assert str(parsed.values.dtype) == "datetime64[us, UTC]"
    blank = is_blank(raw)
    assert (parsed.invalid == (parsed.values.isna() & ~blank)).all()
    words = raw.str.match(r"^\D").fillna(False).astype(bool)
    assert parsed.values[words].isna().all(), "a value not starting with a digit was read"


def test_named_times_and_dst_gaps():
    parsed = parse_datetime(pd.Series(["now", "today", "1994-01-01 00:30", "2026-07-28T13:05+05"]))
    assert parsed.invalid.tolist() == [True, True, False, False]
    assert parsed.values.iloc[2].isoformat() == "1994-01-01T05:00:00+00:00"  # 01:00 -04, DST
    assert parsed.values.iloc[3].isoformat() == "2026-07-28T08:05:00+00:00"


@fuzz_settings(100)
@given(raw=columns)
def test_booleans_never_raise(raw):
    parsed = parse_bool(raw)
    assert not (parsed.invalid & parsed.values.notna()).any()


@fuzz_settings(300)
@given(name=st.text(max_size=200))
@example(name="川菜馆")
@example(name="﷽")  # one character, eighteen after NFKD
@example(name="Cevichería " * 20)
def test_slugs_fit_their_column_and_never_collapse_to_empty(name):
    slug = slugify(name)
    assert 0 < len(slug) <= MAX_SLUG_LENGTH
    assert slug.isascii()
    assert slug == slugify(name)


def test_names_without_latin_letters_keep_distinct_slugs():
    assert slugify("川菜馆") != slugify("中华餐厅")
    assert slugify("Plaza Vea") == "plaza-vea"
    long_a, long_b = "Restaurante " * 10 + "A", "Restaurante " * 10 + "B"
    assert slugify(long_a) != slugify(long_b)
    assert len(slugify(long_a)) <= MAX_SLUG_LENGTH


@pytest.mark.parametrize("kind", sorted(SPECS))
@fuzz_settings(15)
@given(data=st.data())
def test_validation_splits_every_row_into_valid_or_rejected(kind, data):
    spec = SPECS[kind]
    names = data.draw(st.lists(st.sampled_from(spec.names), unique=True), label="optional")
    header = list(dict.fromkeys([*spec.required, *names]))
    rows = data.draw(
        st.lists(st.lists(cells, min_size=len(header), max_size=len(header)), max_size=8)
    )
    raw = pd.DataFrame(rows, columns=header, dtype=object)
    result = validate_frame(raw, spec, file="fuzz.csv", now=NOW)
    assert len(result.valid) + len(result.rejected) == result.rows_read == len(raw)
    assert all(isinstance(r, str) and r for r in result.rejected["reason"])
    assert result.rejected["row_number"].is_unique
    for name in spec.required:
        assert result.valid[name].notna().all()
    for field in spec.fields:
        if field.name in result.valid and field.kind.value in ("price", "number"):
            values = result.valid[field.name].to_numpy(dtype="float64", na_value=np.nan)
            assert not np.isinf(values).any()
            assert all(
                math.isnan(v) or field.min_value is None or v >= field.min_value for v in values
            )
