"""``pulso privacy export|forget``: a diner's data out, then gone, with no raw id anywhere.

The diner's id is an e-mail written differently in each file; it reaches the database only in
quarantined rows (input kept verbatim) until ``forget`` erases those too.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, func, select
from sqlalchemy.orm import Session
from tests.conftest import TEST_SECRET
from tests.factories import write_csv

from pulso.ingest.runner import ingest_file
from pulso.ingest.values import pseudonymise
from pulso.store.privacy import DataSubject, export_subject
from pulso.store.tables import (
    Diner,
    Feedback,
    OrderLine,
    QuarantinedRow,
    RestaurantOrder,
    ShopperActivity,
    SurveyResponse,
)
from pulso.store.tables_audit import AuditLogEntry

RAW = "Ana.Quispe@example.pe"
OTHER = "C000777"


def _pulso(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSO_")}
    env |= {"PULSO_SECRET_KEY": TEST_SECRET, "PULSO_LOG_LEVEL": "DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "pulso", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        input=stdin,
        text=True,
        timeout=120,
        check=False,
    )


def _load(engine: Engine, directory: Path, options) -> None:
    files: dict[str, tuple[list[str], list[list[object]]]] = {
        "diners": (
            ["diner_id", "age_band", "gender", "district", "diet"],
            [[RAW, "25-34", "F", "Miraflores", "vegetariano"], [OTHER, "35-44", "M", "Surco", ""]],
        ),
        "orders": (
            ["restaurant", "order_id", "ordered_at", "dish", "quantity", "unit_price", "diner_id"],
            [
                ["La Mar", "T1", "2026-07-01 13:00", "Ceviche clásico", 2, "39,90", RAW.upper()],
                ["La Mar", "T1", "2026-07-01 13:00", "Chicha morada", 1, "8.00", RAW.upper()],
                ["La Mar", "T2", "2026-07-01 14:00", "Ceviche clásico", 1, "39.90", OTHER],
                ["La Mar", "T3", "2026-07-02 13:00", "Lomo saltado", "dos", "30", RAW],
            ],
        ),
        "feedback": (
            ["restaurant", "created_at", "text", "rating", "diner_id", "dish"],
            [
                [
                    "La Mar",
                    "2026-07-01 15:00",
                    "Soy Ana, el ceviche buenazo",
                    5,
                    RAW,
                    "Ceviche clásico",
                ],
                ["La Mar", "2026-07-01 16:00", "Demoraron un poco", 3, OTHER, ""],
                ["La Mar", "2026-07-03 16:00", "sin fecha válida", "cinco", f" {RAW} ", ""],
            ],
        ),
        "surveys": (
            [
                "survey",
                "respondent_id",
                "submitted_at",
                "question",
                "answer",
                "score",
                "restaurant",
            ],
            [
                ["NPS julio", RAW.lower(), "2026-07-05", "¿Nos recomendaría?", "Sí", 9, "La Mar"],
                ["NPS julio", OTHER, "2026-07-05", "¿Nos recomendaría?", "No", 4, "La Mar"],
            ],
        ),
        "shoppers": (
            ["shopper_id", "retailer", "month", "purchases"],
            [[RAW, "Tottus", "2026-06", 3], [OTHER, "Tottus", "2026-06", 5]],
        ),
    }
    for kind, (header, rows) in files.items():
        path = write_csv(directory / f"{kind}.csv", header, rows)
        ingest_file(engine, kind, path, options=options)
    # A ragged row: kept as text in quarantine, with the id inside.
    ragged = directory / "ragged.csv"
    ragged.write_text(
        f"restaurant,created_at,text,diner_id\nLa Mar,2026-07-04,bien,{RAW},sobra\n",
        encoding="utf-8",
    )
    ingest_file(engine, "feedback", ragged, options=options)


def _where_raw_id_is(engine: Engine) -> set[str]:
    """Tables holding the raw id (any case) in any column."""
    needle = RAW.casefold()
    reflected = MetaData()
    found: set[str] = set()
    with engine.connect() as connection:
        reflected.reflect(bind=connection)
        for name, table in reflected.tables.items():
            for row in connection.execute(select(table)):
                if any(needle in str(value).casefold() for value in row):
                    found.add(name)
    return found


def _count(engine: Engine, model, *where) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


@pytest.mark.slow
def test_export_then_forget_leaves_no_trace_and_is_idempotent(
    engine, tmp_path, ingest_options, caplog
):
    caplog.set_level(logging.DEBUG)
    _load(engine, tmp_path, ingest_options)
    url = engine.url.render_as_string(hide_password=False)
    diner_key = pseudonymise(RAW, key=TEST_SECRET.encode())
    assert _where_raw_id_is(engine) == {"quarantined_row"}  # hashed everywhere else
    assert RAW.casefold() not in caplog.text.casefold()
    lines_before = _count(engine, OrderLine)

    exported = _pulso(
        "privacy", "export", RAW, "--db", url, "--actor", "dpo@pulso.pe", cwd=tmp_path
    )
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    assert RAW.casefold() not in (exported.stdout + exported.stderr).casefold()
    assert document["subject"]["diner_key"] == diner_key
    assert document["diner"]["district"] == "Miraflores"
    assert [o["order_id"] for o in document["orders"]] == ["T1"]
    assert sorted(line["dish"] for line in document["orders"][0]["lines"]) == [
        "Ceviche clásico",
        "Chicha morada",
    ]
    assert [f["text"] for f in document["feedback"]] == ["Soy Ana, el ceviche buenazo"]
    assert [s["answer"] for s in document["survey_responses"]] == ["Sí"]
    assert [s["purchases"] for s in document["shopper_activity"]] == [3]
    assert len(document["quarantined_rows"]) == 3  # bad quantity, bad rating, ragged row
    assert all(diner_key in json.dumps(q["raw"]) for q in document["quarantined_rows"])

    # "-" reads the id from stdin: it stays out of the process list and shell history.
    forgotten = _pulso(
        "privacy", "forget", "-", "--yes", "--json", "--db", url, cwd=tmp_path, stdin=RAW + "\n"
    )
    assert forgotten.returncode == 0, forgotten.stderr
    report = json.loads(forgotten.stdout)
    assert RAW.casefold() not in (forgotten.stdout + forgotten.stderr).casefold()
    assert report["deleted"]["diner"] == 1
    assert report["deleted"]["feedback"] == 1
    assert report["deleted"]["survey_response"] == 1
    assert report["deleted"]["shopper_activity"] == 1
    assert report["anonymised"] == {"restaurant_order": 1, "quarantined_row": 3}

    assert _where_raw_id_is(engine) == set()
    assert _count(engine, Diner, Diner.diner_key == diner_key) == 0
    assert _count(engine, Diner) == 1
    assert _count(engine, RestaurantOrder, RestaurantOrder.external_id == "T1") == 1
    assert _count(engine, RestaurantOrder, RestaurantOrder.diner_id.is_(None)) == 1
    assert _count(engine, OrderLine) == lines_before  # sales figures keep their lines
    assert _count(engine, Feedback) == 1
    assert _count(engine, SurveyResponse) == 1
    assert _count(engine, ShopperActivity) == 1
    assert _count(engine, QuarantinedRow) == 3  # reasons kept, raw content erased

    again = _pulso("privacy", "forget", RAW, "--yes", "--json", "--db", url, cwd=tmp_path)
    assert json.loads(again.stdout)["total"] == 0
    subject = DataSubject(
        (diner_key,), lambda value: pseudonymise(value, key=TEST_SECRET.encode())
    )
    with engine.connect() as connection:
        empty = export_subject(connection, subject)
    assert empty["diner"] is None
    assert empty["orders"] == empty["feedback"] == empty["quarantined_rows"] == []

    with Session(engine) as session:
        audit = session.scalars(select(AuditLogEntry).order_by(AuditLogEntry.id)).all()
    assert [(a.action, a.target) for a in audit] == [
        ("privacy.export", f"diner:{diner_key}"),
        ("privacy.forget", f"diner:{diner_key}"),
        ("privacy.forget", f"diner:{diner_key}"),
    ]
    assert audit[0].actor == "dpo@pulso.pe"
    assert audit[1].actor.startswith("cli:")
    assert audit[1].detail["total"] == report["total"]
    assert audit[2].detail["total"] == 0
