"""Files built to hurt: zip bombs, entity bombs, deep JSON, binary garbage, odd encodings.

Each must be imported correctly or refused with an :class:`InputError` quickly, leaving no rows.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Callable

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.fuzz.fuzz_oracle import OPTIONS, fuzz_settings, import_and_check

HEADER = "retailer,external_id,name,observed_at,regular_price,offer_price\n"
ROWS = "".join(
    f"Tottus,SKU-{i},Leche Gloria {i},2026-07-0{1 + i % 9},{3 + i}.50,\n" for i in range(20)
)


def _workbook() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["retailer", "external_id", "name", "observed_at", "regular_price"])
    sheet.append(["Tottus", "SKU-1", "Leche", "2026-07-01", "3.50"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rezip(replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.pop(info.filename, source.read(info.filename)))
        for name, data in replace.items():
            target.writestr(name, data)
    return buffer.getvalue()


def _entity_bomb() -> bytes:
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return _rezip({"xl/worksheets/sheet1.xml": sheet.encode()})


def _declared_bomb() -> bytes:
    """A workbook whose directory says a part inflates to 600 MiB (sizes as a bomb declares)."""
    data = bytearray(_rezip({"xl/media/padding.bin": b"\0" * 64}))
    entry = data.rfind(b"PK\x01\x02")  # central directory record of the last part
    data[entry + 24 : entry + 28] = (600 << 20).to_bytes(4, "little")
    return bytes(data)


def _flagged(bit: int) -> bytes:
    """A workbook whose directory sets a zip flag bit on every part (a flipped byte did this)."""
    data = bytearray(_workbook())
    entry = data.find(b"PK\x01\x02")
    while entry >= 0:
        data[entry + 8] |= bit
        entry = data.find(b"PK\x01\x02", entry + 4)
    return bytes(data)


def _needs_zip_version(version: int) -> bytes:
    """A workbook whose directory asks for a zip version nobody implements (a flipped byte)."""
    data = bytearray(_workbook())
    entry = data.find(b"PK\x01\x02")
    data[entry + 6 : entry + 8] = version.to_bytes(2, "little")
    return bytes(data)


REFUSED: dict[str, Callable[[], bytes]] = {
    "zip-version.xlsx": lambda: _needs_zip_version(235),  # zipfile: NotImplementedError
    "patched-data-flag.xlsx": lambda: _flagged(0x20),  # zipfile: NotImplementedError
    "encrypted-flag.xlsx": lambda: _flagged(0x01),  # zipfile: RuntimeError
    "zip-bomb.xlsx": _declared_bomb,
    "ratio-bomb.xlsx": lambda: _rezip({"xl/worksheets/sheet2.xml": b" " * (50 << 20)}),
    "entity-bomb.xlsx": _entity_bomb,
    "broken-sheet.xlsx": lambda: _rezip(
        {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row>"}
    ),
    "truncated.xlsx": lambda: _workbook()[:900],
    "not-a-zip.xlsx": lambda: b"PK\x03\x04 hola",
    "deep.json": lambda: b"[" * 100_000,
    "huge-int.json": lambda: b'[{"regular_price": ' + b"9" * 5_000 + b"}]",
    "scalar.json": lambda: b"42",
    "empty.csv": lambda: b"",
    "blank.csv": lambda: b" \r\n\t\n",
    "duplicate-header.csv": lambda: ("Retailer,retailer ," + HEADER + ROWS).encode(),
    "missing-column.csv": lambda: b"retailer,name\nTottus,Leche\n",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_files_are_refused_quickly(name, fuzz_engine, fuzz_dir):
    path = fuzz_dir / name
    path.write_bytes(REFUSED[name]())
    started = time.perf_counter()
    checked = import_and_check(fuzz_engine, "prices", path, options=OPTIONS)
    assert checked.error is not None
    assert time.perf_counter() - started < 20


READABLE: dict[str, Callable[[], bytes]] = {
    "utf16-bom.csv": lambda: (HEADER + ROWS).encode("utf-16"),
    "utf16le-no-bom.txt": lambda: (HEADER + ROWS).encode("utf-16-le"),
    "utf8-bom.csv": lambda: (HEADER + ROWS).encode("utf-8-sig"),
    "excel-es.csv": lambda: (
        HEADER.replace(",", ";")
        + "".join(
            f"Tottus;SKU-{i};Leche Gloria Ñ {i};0{1 + i % 9}/07/2026;S/ {3 + i},50;\n"
            for i in range(20)
        )
    ).encode("cp1252"),
    "mac-classic.csv": lambda: (HEADER + ROWS).replace("\n", "\r").encode("cp1252"),
    "crlf.tsv": lambda: (HEADER + ROWS).replace(",", "\t").replace("\n", "\r\n").encode(),
    "nul-bytes.csv": lambda: (HEADER + ROWS.replace("Leche", "Le\x00che")).encode(),
    "records.json": lambda: json.dumps(
        {
            "records": [
                dict(zip(HEADER.strip().split(","), r.split(","), strict=True))
                for r in ROWS.splitlines()
            ]
        }
    ).encode("utf-16"),
}


@pytest.mark.parametrize("name", sorted(READABLE))
def test_odd_but_valid_exports_are_read(name, fuzz_engine, fuzz_dir):
    path = fuzz_dir / name
    path.write_bytes(READABLE[name]())
    checked = import_and_check(fuzz_engine, "prices", path, options=OPTIONS)
    assert checked.error is None, checked.error
    assert checked.result is not None
    assert checked.result.rows_read == 20
    assert checked.result.quarantined == 0


def test_huge_fields_are_quarantined_and_the_rest_loads(fuzz_engine, fuzz_dir):
    path = fuzz_dir / "huge.csv"
    huge = 'Tottus,SKU-H,"' + "x" * 300_000 + '",2026-07-01,3.50,\n'
    path.write_text(HEADER + huge + ROWS.replace("SKU-", "SKU-B"), encoding="utf-8")
    checked = import_and_check(fuzz_engine, "prices", path, options=OPTIONS)
    assert checked.result is not None
    assert checked.quarantined_rows == {2}
    assert checked.result.accepted + checked.result.duplicates == 20


@fuzz_settings(40)
@given(
    data=st.binary(max_size=4_000),
    suffix=st.sampled_from([".csv", ".json", ".xlsx", ".tsv"]),
)
def test_binary_garbage_never_crashes(data, suffix, fuzz_engine, fuzz_dir):
    path = fuzz_dir / f"garbage{suffix}"
    path.write_bytes(data)
    import_and_check(fuzz_engine, "orders", path, options=OPTIONS)


@fuzz_settings(40)
@given(flips=st.lists(st.integers(0, 1 << 20), min_size=1, max_size=12))
def test_damaged_workbooks_never_crash(flips, fuzz_engine, fuzz_dir):
    data = bytearray(_workbook())
    for offset in flips:
        data[offset % len(data)] ^= 0xFF
    path = fuzz_dir / "damaged.xlsx"
    path.write_bytes(bytes(data))
    import_and_check(fuzz_engine, "prices", path, options=OPTIONS)
