"""Random and hostile files of every import kind: imported or refused, never crashed or halved.

Each example writes one file (CSV in any encoding, delimiter and line end Excel or LibreOffice
produce; JSON; ``.xlsx``), with plausible, hostile (formulas, ``NaN``, future dates, huge or
odd text, blank required cells) and structurally damaged content, and imports it into one
database per test. ``PULSO_TEST_FUZZ_SCALE`` multiplies the example counts for long runs.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.fuzz.fuzz_files import FuzzFile, fuzz_files, write_fuzz_file
from tests.fuzz.fuzz_oracle import OPTIONS, fuzz_settings, import_and_check

from pulso.ingest.specs import SPECS


def check_file(engine, directory, fuzz: FuzzFile) -> None:
    path = write_fuzz_file(fuzz, directory)
    checked = import_and_check(engine, fuzz.kind, path, options=OPTIONS)
    if fuzz.damaged:
        return  # any outcome but a crash or a broken invariant is fine
    if fuzz.header_defect is not None or fuzz.lacks_required_column():
        assert checked.error is not None, f"{fuzz.header_defect or 'missing'} column not refused"
        return
    assert checked.error is None, f"a readable file was refused: {checked.error}"
    assert checked.result is not None
    assert checked.result.rows_read == fuzz.expected_rows()
    missing = fuzz.bad_row_numbers() - checked.quarantined_rows
    assert not missing, f"bad rows {sorted(missing)} were not quarantined"


@pytest.mark.parametrize("kind", sorted(SPECS))
@fuzz_settings(12)
@given(data=st.data())
def test_every_kind_imports_or_refuses_hostile_files(kind, data, fuzz_engine, fuzz_dir):
    check_file(fuzz_engine, fuzz_dir, data.draw(fuzz_files(kinds=(kind,)), label="file"))
