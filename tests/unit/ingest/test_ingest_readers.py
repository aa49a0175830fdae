"""Reading CSV, Excel and JSON exports."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pulso.errors import InputError
from pulso.ingest.readers import normalise_header, read_table


def test_headers_are_case_and_accent_insensitive():
    assert normalise_header(" Precio  Regular ") == "precio_regular"
    assert normalise_header("Observed-At") == "observed_at"
    assert normalise_header("Categoría") == "categoria"


def test_excel_spanish_csv_with_bom_and_semicolons(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("\ufeffRetailer;Regular Price\nTottus;12,90\n".encode())
    frame = read_table(path).frame
    assert list(frame.columns) == ["retailer", "regular_price"]
    assert frame.iloc[0].tolist() == ["Tottus", "12,90"]


def test_latin1_files_are_read(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("name,price\nPollería Ñaño,10\n".encode("latin-1"))
    assert read_table(path).frame.iloc[0, 0] == "Pollería Ñaño"


def test_json_records_and_wrapped_records(tmp_path):
    plain = tmp_path / "a.json"
    plain.write_text(json.dumps([{"Name": "x", "price": 3.5}]), encoding="utf-8")
    wrapped = tmp_path / "b.json"
    wrapped.write_text(json.dumps({"records": [{"name": "y", "price": None}]}), encoding="utf-8")
    assert read_table(plain).frame.iloc[0].tolist() == ["x", "3.5"]
    assert read_table(wrapped).frame.iloc[0]["price"] is None


def test_xlsx_first_sheet_as_text(tmp_path):
    path = tmp_path / "w.xlsx"
    pd.DataFrame({"EAN": ["7751271000012"], "Precio": ["S/ 4,90"]}).to_excel(path, index=False)
    frame = read_table(path).frame
    assert frame.iloc[0].tolist() == ["7751271000012", "S/ 4,90"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "file is empty"),
        ("dup.csv", b"name,Name\nx,y\n", "duplicate column(s): name"),
        ("bad.json", b"{not json", "invalid JSON at line 1"),
        ("obj.json", b'{"a": 1}', "JSON must be an array of objects"),
        ("data.parquet", b"PAR1", "unsupported file type '.parquet'"),
        ("fake.xlsx", b"not a zip", "not a valid .xlsx file"),
    ],
)
def test_unreadable_files_raise_clear_input_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_table(path)
    assert message in str(caught.value)
    assert caught.value.file == str(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "nope.csv")


def test_rows_with_the_wrong_number_of_fields_are_kept_aside_with_their_row(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3,4,5\n\n6,7\n8\n", encoding="utf-8")
    table = read_table(path)
    assert table.frame.to_numpy().tolist() == [["1", "2"], ["6", "7"]]
    assert table.row_numbers.tolist() == [2, 5]
    assert [(m.row_number, m.reason) for m in table.malformed] == [
        (3, "row has 3 fields, the header has 2"),
        (6, "row has 1 fields, the header has 2"),
    ]
