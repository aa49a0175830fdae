"""Survey, review and POS exports turned into Pulso's import formats."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from pulso.errors import InputError
from pulso.ingest.connectors.exports import (
    detect_survey_layout,
    load_pos_mapping,
    read_pos_export,
    read_review_export,
    read_survey_export,
)
from pulso.ingest.readers import RawTable

KEY = b"test-key"


def write_rows(path: Path, rows: list[list[str]], *, delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def records(table: RawTable) -> list[dict[str, Any]]:
    return [
        {str(k): (None if v is None or v != v else v) for k, v in row.items()}
        for row in table.frame.astype(object).to_dict("records")
    ]


GOOGLE = [
    [
        "Marca temporal",
        "Dirección de correo electrónico",
        "¿Cómo calificaría la comida?",
        "¿Qué plato pidió?",
        "Comentarios",
    ],
    ["2026/11/20 1:15:32 p. m. GMT-5", "ana@example.pe", "5", "Ceviche, Chicharrón", "Excelente"],
    ["2026/11/20 8:02:10 a. m. GMT-5", "", "3", "Lomo saltado", ""],
]


def test_google_forms_export_becomes_one_row_per_answer(tmp_path):
    table = read_survey_export(
        write_rows(tmp_path / "encuesta.csv", GOOGLE), pseudonym_key=KEY, restaurant="La Mar"
    )
    rows = records(table)
    assert len(rows) == 5  # the empty comment is not an answer
    first = rows[0]
    assert first["survey"] == "encuesta"
    assert first["submitted_at"] == "2026-11-20T13:15:32-05:00"
    assert first["question"] == "¿Cómo calificaría la comida?"
    assert (first["answer"], first["score"]) == ("5", "5")
    assert first["restaurant"] == "La Mar"
    assert first["respondent_id"].startswith("gf-")
    assert "ana" not in first["respondent_id"]  # e-mail only through a keyed hash
    assert rows[1]["answer"] == "Ceviche, Chicharrón"
    assert rows[1]["score"] is None
    assert rows[3]["submitted_at"] == "2026-11-20T08:02:10-05:00"
    assert rows[3]["respondent_id"] != first["respondent_id"]
    assert list(table.row_numbers) == [2, 2, 2, 3, 3]
    again = records(
        read_survey_export(tmp_path / "encuesta.csv", pseudonym_key=KEY, restaurant="La Mar")
    )
    assert [r["respondent_id"] for r in again] == [r["respondent_id"] for r in rows]


def test_google_forms_us_dates_are_recognised_month_first(tmp_path):
    rows = [["Timestamp", "Score?"], ["11/20/2026 18:05:00", "4"], ["11/5/2026 9:00:00", "2"]]
    table = read_survey_export(write_rows(tmp_path / "nps.csv", rows), pseudonym_key=KEY)
    assert [r["submitted_at"] for r in records(table)] == [
        "2026-11-20T18:05:00",
        "2026-11-05T09:00:00",
    ]


SURVEYMONKEY = [
    [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data 1",
        "¿Qué tan probable es que nos recomiende?",
        "¿Qué pidió?",
        "",
        "",
        "Califique:",
        "",
    ],
    [
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Response",
        "Ceviche",
        "Arroz con mariscos",
        "Other (please specify)",
        "Comida",
        "Servicio",
    ],
    [
        "114000001",
        "4200",
        "11/20/2026 10:01:02 AM",
        "11/20/2026 10:04:40 PM",
        "190.12.1.1",
        "x@y.pe",
        "Ana",
        "Pérez",
        "mesa 4",
        "9",
        "Ceviche",
        "",
        "Leche de tigre",
        "Muy bueno",
        "Regular",
    ],
    [
        "114000002",
        "4200",
        "11/21/2026 09:00:00 AM",
        "11/21/2026 09:03:00 AM",
        "",
        "",
        "",
        "",
        "",
        "6",
        "Ceviche",
        "Arroz con mariscos",
        "",
        "Bueno",
        "",
    ],
]


def test_surveymonkey_export_with_two_header_rows(tmp_path):
    table = read_survey_export(
        write_rows(tmp_path / "nps-noviembre.csv", SURVEYMONKEY), pseudonym_key=KEY
    )
    rows = records(table)
    by_question = {(r["respondent_id"], r["question"]): r for r in rows}
    first = by_question[("sm-114000001", "¿Qué tan probable es que nos recomiende?")]
    assert (first["answer"], first["score"]) == ("9", "9")
    assert first["submitted_at"] == "2026-11-20T22:04:40"  # End Date, PM
    assert by_question[("sm-114000001", "¿Qué pidió?")]["answer"] == "Ceviche; Leche de tigre"
    assert by_question[("sm-114000002", "¿Qué pidió?")]["answer"] == "Ceviche; Arroz con mariscos"
    assert by_question[("sm-114000001", "Califique: - Servicio")]["answer"] == "Regular"
    assert ("sm-114000002", "Califique: - Servicio") not in by_question
    assert not any(r["answer"] in ("x@y.pe", "Ana", "Pérez", "190.12.1.1", "mesa 4") for r in rows)
    assert set(table.row_numbers) == {3, 4}


def test_surveymonkey_xlsx_export(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    for row in SURVEYMONKEY:
        sheet.append(row)
    path = tmp_path / "nps.xlsx"
    workbook.save(path)
    rows = records(read_survey_export(path, pseudonym_key=KEY, survey="NPS"))
    from_csv = records(
        read_survey_export(
            write_rows(tmp_path / "nps.csv", SURVEYMONKEY), pseudonym_key=KEY, survey="NPS"
        )
    )
    assert {r["survey"] for r in rows} == {"NPS"}
    assert len(rows) == 7
    assert rows == from_csv


def test_unknown_survey_layout_is_refused_with_what_was_expected(tmp_path):
    path = write_rows(tmp_path / "raro.csv", [["fecha", "pregunta", "respuesta"], ["1", "2", "3"]])
    with pytest.raises(
        InputError,
        match=r"raro.csv: unknown survey export layout: .*Marca temporal.*found 'fecha'",
    ):
        read_survey_export(path, pseudonym_key=KEY)
    assert detect_survey_layout(["Timestamp", "Q1"]) == "google_forms"


def test_review_export_in_the_documented_layout(tmp_path):
    path = write_rows(
        tmp_path / "resenas.csv",
        [
            [
                "Platform",
                "Place",
                "Review ID",
                "Published At",
                "Rating",
                "Title",
                "Text",
                "Author",
            ],
            ["Google Maps", "La Mar", "g-1", "2026-11-02 13:00", "5", "", "Ceviche top", "Ana P."],
            [
                "tripadvisor",
                "La Mar",
                "t-9",
                "01/11/2026",
                "40",
                "Buen lugar",
                "Algo lento",
                "joe",
            ],
            ["google", "La Mar", "g-2", "hace 2 semanas", "4/5", "", "Rico", ""],
        ],
    )
    rows = records(read_review_export(path))
    assert rows[0] == {
        "restaurant": "La Mar",
        "created_at": "2026-11-02 13:00",
        "text": "Ceviche top",
        "rating": "5",
        "diner_id": "google:Ana P.",
        "source": "google",
        "feedback_id": "google:g-1",
    }
    assert (rows[1]["rating"], rows[1]["text"], rows[1]["source"]) == (
        "4",
        "Buen lugar. Algo lento",
        "tripadvisor",
    )
    assert rows[2]["rating"] == "4"
    assert rows[2]["created_at"] == "hace 2 semanas"  # quarantined later with its reason


def test_review_export_without_place_needs_the_restaurant(tmp_path):
    path = write_rows(
        tmp_path / "r.csv", [["review_datetime_utc", "review_text"], ["2026-11-02", "ok"]]
    )
    with pytest.raises(InputError, match="lacks place"):
        read_review_export(path)
    rows = records(read_review_export(path, restaurant="Chifa Wa", platform="Google"))
    assert (rows[0]["restaurant"], rows[0]["source"]) == ("Chifa Wa", "google")


MAPPING = """
restaurant: Cevichería La Punta
columns:
  order_id: Nro Ticket
  ordered_at: Fecha
  time: Hora
  dish: Producto
  quantity: Cant.
  line_total: Importe
  channel: Tipo
channels: {MESA: salon, DELIVERY: delivery}
skip_dishes: [PROPINA]
"""


def test_pos_export_with_a_mapping_file(tmp_path):
    path = write_rows(
        tmp_path / "ventas.csv",
        [
            ["Nro Ticket", "Fecha", "Hora", "Producto", "Cant.", "Importe", "Tipo"],
            ["B001-1", "20/11/2026", "13:05", "Ceviche clásico", "2", "70,00", "MESA"],
            ["B001-1", "20/11/2026", "13:05", "Chicha morada", "1", "8.00", "MESA"],
            ["B001-1", "20/11/2026", "13:05", "Ceviche clásico", "1", "35.00", "MESA"],
            ["B001-1", "20/11/2026", "13:05", "PROPINA", "1", "10.00", "MESA"],
            ["B001-2", "20/11/2026", "20:40", "Jalea", "dos", "40.00", "DELIVERY"],
        ],
        delimiter=";",
    )
    table = read_pos_export(path, mapping=load_pos_mapping(MAPPING))
    rows = records(table)
    assert len(rows) == 3
    ceviche, chicha, jalea = rows
    assert ceviche == {
        "restaurant": "Cevichería La Punta",
        "order_id": "B001-1",
        "ordered_at": "2026-11-20T13:05:00",
        "dish": "Ceviche clásico",
        "quantity": "3",
        "unit_price": "35.00",
        "diner_id": None,
        "party_size": None,
        "channel": "salon",
    }
    assert (chicha["unit_price"], jalea["channel"]) == ("8.00", "delivery")
    assert jalea["quantity"] == "dos"  # left for validation to quarantine
    assert list(table.row_numbers) == [2, 3, 6]


def test_pos_mapping_errors(tmp_path):
    with pytest.raises(InputError, match=r"columns\.dish: Field required"):
        load_pos_mapping(
            "restaurant: X\ncolumns: {order_id: a, ordered_at: b, quantity: c, unit_price: d}"
        )
    with pytest.raises(InputError, match="needs restaurant"):
        load_pos_mapping(
            "columns: {order_id: a, ordered_at: b, dish: c, quantity: d, unit_price: e}"
        )
    mapping = load_pos_mapping(MAPPING)
    path = write_rows(tmp_path / "v.csv", [["Nro Ticket", "Fecha"], ["1", "2026-11-20"]])
    with pytest.raises(
        InputError,
        match=r"lacks mapped column\(s\) 'Producto' \(dish\), 'Cant.' \(quantity\), 'Importe' \(line_total\), 'Hora' \(time\), 'Tipo' \(channel\); found: nro_ticket, fecha$",
    ):
        read_pos_export(path, mapping=mapping)
