"""Folder sources: exports converted and loaded once each, bad files rejected once."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from pulso.errors import InputError, SourceError
from pulso.ingest.connectors import add_source, get_source, load_pos_mapping, run_source
from pulso.store.tables import Base, Feedback, IngestRun, OrderLine, SurveyResponse
from pulso.store.tables_sources import SourceFile


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def count(engine: Engine, model: type[Base]) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model)) or 0)


def test_survey_exports_are_loaded_once_and_bad_files_rejected_once(
    engine, ingest_options, tmp_path
):
    inbox = tmp_path / "encuestas"
    inbox.mkdir()
    write(
        inbox / "semana-46.csv",
        [
            ["Marca temporal", "¿Cómo estuvo la comida?", "¿Volvería?"],
            ["2026/11/10 1:15:32 p. m. GMT-5", "5", "Sí"],
            ["2026/11/11 8:02:10 p. m. GMT-5", "2", "No"],
        ],
    )
    write(inbox / "otra-cosa.csv", [["fecha", "nota"], ["2026-11-10", "4"]])
    (inbox / "~$semana-46.csv").write_text("lock file", encoding="utf-8")
    add_source(
        engine,
        "folder",
        "encuestas-la-mar",
        config={"path": str(inbox), "kind": "survey-export", "restaurant": "La Mar"},
    )

    first = run_source(engine, "encuestas-la-mar", options=ingest_options)
    second = run_source(engine, "encuestas-la-mar", options=ingest_options)
    write(
        inbox / "semana-47.csv",
        [
            ["Marca temporal", "¿Cómo estuvo la comida?", "¿Volvería?"],
            ["2026/11/18 12:00:00 p. m. GMT-5", "4", "Sí"],
        ],
    )
    third = run_source(engine, "encuestas-la-mar", options=ingest_options)

    files = {Path(f["path"]).name: f for f in first.to_dict()["files"]}
    assert set(files) == {"semana-46.csv", "otra-cosa.csv"}
    assert files["semana-46.csv"]["status"] == "loaded"
    assert files["otra-cosa.csv"]["status"] == "rejected"
    assert "unknown survey export layout" in files["otra-cosa.csv"]["error"]
    assert (first.accepted, first.quarantined) == (4, 0)
    assert second.to_dict()["files"] == []
    assert second.to_dict()["run_id"] is None
    assert third.accepted == 2
    assert count(engine, SurveyResponse) == 6
    with engine.connect() as connection:
        statuses = dict(connection.execute(select(SourceFile.path, SourceFile.status)).all())
        failed_run = connection.execute(
            select(IngestRun).where(IngestRun.status == "failed")
        ).one()
    assert sorted(Path(p).name for p in statuses) == [
        "otra-cosa.csv",
        "semana-46.csv",
        "semana-47.csv",
    ]
    assert failed_run.kind == "surveys"
    assert "unknown survey export layout" in (failed_run.error or "")
    assert get_source(engine, "encuestas-la-mar").last_error is None


def test_review_and_pos_folders(sqlite_engine, ingest_options, tmp_path):
    reviews = tmp_path / "resenas"
    reviews.mkdir()
    write(
        reviews / "google.csv",
        [
            ["platform", "place", "review_id", "published_at", "rating", "text", "author"],
            ["google", "La Mar", "g1", "2026-11-02 13:00", "5", "El ceviche, espectacular", "Ana"],
            ["google", "La Mar", "g2", "hace 3 días", "2", "Demoraron mucho", "Luis"],
        ],
    )
    pos = tmp_path / "pos"
    pos.mkdir()
    write(
        pos / "ventas-2026-11-20.csv",
        [
            ["Ticket", "Fecha", "Producto", "Cant", "P.Unit", "Canal"],
            ["T1", "20/11/2026 13:05", "Ceviche clásico", "2", "35.00", "MESA"],
            ["T1", "20/11/2026 13:05", "Chicha morada", "1", "8.00", "MESA"],
            ["T2", "20/11/2026 21:10", "Jalea", "1", "40.00", "DELIVERY"],
        ],
    )
    mapping = load_pos_mapping(
        "restaurant: La Mar\n"
        "columns: {order_id: Ticket, ordered_at: Fecha, dish: Producto, quantity: Cant,"
        " unit_price: P.Unit, channel: Canal}\n"
        "channels: {MESA: salon}\n"
    )
    add_source(
        sqlite_engine, "folder", "resenas", config={"path": str(reviews), "kind": "review-export"}
    )
    add_source(
        sqlite_engine,
        "folder",
        "pos-la-mar",
        config={"path": str(pos), "kind": "pos-export", "mapping": mapping.model_dump()},
    )

    reviewed = run_source(sqlite_engine, "resenas", options=ingest_options)
    sold = run_source(sqlite_engine, "pos-la-mar", options=ingest_options)

    assert (reviewed.accepted, reviewed.quarantined) == (1, 1)
    assert (sold.accepted, sold.quarantined) == (3, 0)
    assert count(sqlite_engine, Feedback) == 1
    assert count(sqlite_engine, OrderLine) == 3
    with sqlite_engine.connect() as connection:
        feedback = connection.execute(select(Feedback)).one()
    assert (feedback.source, feedback.rating, feedback.external_id) == ("google", 5, "google:g1")
    assert feedback.diner_id is not None  # the author, as a keyed hash


def test_folder_config_errors(sqlite_engine, ingest_options, tmp_path):
    with pytest.raises(InputError, match="unknown folder kind 'recetas'"):
        add_source(sqlite_engine, "folder", "x", config={"path": str(tmp_path), "kind": "recetas"})
    with pytest.raises(InputError, match="needs a mapping file"):
        add_source(
            sqlite_engine, "folder", "x", config={"path": str(tmp_path), "kind": "pos-export"}
        )
    add_source(
        sqlite_engine, "folder", "gone", config={"path": str(tmp_path / "no"), "kind": "prices"}
    )
    with pytest.raises(SourceError, match="does not exist"):
        run_source(sqlite_engine, "gone", options=ingest_options)
    with pytest.raises(InputError, match="already exists"):
        add_source(
            sqlite_engine, "folder", "gone", config={"path": str(tmp_path), "kind": "prices"}
        )
    with pytest.raises(InputError, match="invalid schedule"):
        add_source(
            sqlite_engine,
            "folder",
            "y",
            config={"path": str(tmp_path), "kind": "prices"},
            schedule="every day",
        )
