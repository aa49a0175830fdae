"""The review queue: unsure pairs wait, analysts decide, and the next run learns from them.

Also ``pulso match`` (files, review, confirm, reject) as a user runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.conftest import DEMO_END_DATE, TEST_SECRET
from typer.testing import CliRunner

from pulso.cli import app
from pulso.pipelines.registry import StepContext
from pulso.pipelines.runner import run_pipeline
from pulso.store.queries import retail as queries
from pulso.store.session import session_scope
from pulso.store.tables import ModelVersion, ProductMatch

pytestmark = pytest.mark.slow


def _context(engine, tmp_path: Path, demo_dir: Path, **params) -> StepContext:
    return StepContext(
        engine=engine,
        data_dir=tmp_path / ".pulso",
        run_key="",
        today=DEMO_END_DATE + timedelta(days=1),
        params={"demo_dir": str(demo_dir), **params},
    )


def _statuses(engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(ProductMatch.status, func.count()).group_by(ProductMatch.status)
        ).all()
    return {status: int(count) for status, count in rows}


def test_decisions_feed_the_next_training_and_are_never_undone(
    demo_sqlite_engine, tmp_path, small_demo_dir
):
    engine = demo_sqlite_engine
    strict = _context(engine, tmp_path, small_demo_dir, accept_threshold=1.01)
    first = run_pipeline(strict, steps=["match_listings"], backoff_seconds=0)
    detail = first.outcomes[0].detail or {}
    assert detail["pending"] > 0  # nothing but EAN and SKU pairs is sure enough now
    assert _statuses(engine)["pending"] == detail["pending"]

    with session_scope(engine) as session:
        queue = queries.list_matches(
            session, queries.RetailFilters(), page=1, page_size=3, status="pending"
        )
        good, bad, undecided = queue.items
        now = datetime.now(UTC)
        queries.decide_match(session, good["id"], decision="confirmed", decided_by="ana", now=now)
        queries.decide_match(session, bad["id"], decision="rejected", decided_by="ana", now=now)
    second = run_pipeline(strict, steps=["match_listings"], backoff_seconds=0)

    again = second.outcomes[0].detail or {}
    assert again["training_pairs"] == detail["training_pairs"] + 1
    assert again["model_version"] == detail["model_version"] + 1  # new labels, new model
    with engine.connect() as connection:
        kept = {
            (row.listing_id, row.product_id): row
            for row in connection.execute(
                select(ProductMatch).where(ProductMatch.decided_by == "ana")
            )
        }
        stages = dict(connection.execute(select(ModelVersion.version, ModelVersion.stage)).all())
        proposed_again = connection.scalar(
            select(func.count())
            .select_from(ProductMatch)
            .where(
                ProductMatch.listing_id == bad["listing_id"],
                ProductMatch.product_id == bad["product_id"],
                ProductMatch.status != "rejected",
            )
        )
    assert kept[(good["listing_id"], good["product_id"])].status == "confirmed"
    assert kept[(bad["listing_id"], bad["product_id"])].status == "rejected"
    assert kept[(bad["listing_id"], bad["product_id"])].decided_at is not None
    assert proposed_again == 0
    with session_scope(engine) as session:
        same = session.get(ProductMatch, undecided["id"])  # ids survive a re-run
        assert same is not None
        assert (same.listing_id, same.product_id) == (
            undecided["listing_id"],
            undecided["product_id"],
        )
    assert stages == {1: "archived", 2: "production"}


def _pulso(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSO_")}
    env |= {"PULSO_SECRET_KEY": TEST_SECRET, "PULSO_DATA_DIR": str(cwd / ".pulso")}
    return subprocess.run(
        [sys.executable, "-m", "pulso", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_pulso_match_prints_the_pairs_of_two_files(tmp_path):
    (tmp_path / "ours.csv").write_text(
        "id,name,brand,size\n"
        "A1,Gaseosa INCA KOLA Botella 1.5L,Inca Kola,1.5 L\n"
        "A2,Leche GLORIA Evaporada Entera 400g,Gloria,400 g\n"
        "A3,Gaseosa INCA KOLA Zero Botella 1.5L,Inca Kola,1.5 L\n",
        encoding="utf-8",
    )
    (tmp_path / "theirs.csv").write_text(
        'id,name\nB1,"Inca Kola 1,5 lt"\nB2,LECHE EVAP GLORIA ENTERA 400 GR\nB3,Inca Kola 500 ml\n',
        encoding="utf-8",
    )
    (tmp_path / "ragged.csv").write_text("id,name\nB1,Inca Kola 1,5 lt\n", encoding="utf-8")

    done = _pulso("match", "ours.csv", "theirs.csv", "--json", cwd=tmp_path)
    ragged = CliRunner().invoke(
        app, ["match", str(tmp_path / "ours.csv"), str(tmp_path / "ragged.csv"), "--json"]
    )

    assert done.returncode == 0, done.stderr
    pairs = json.loads(done.stdout)["matches"]
    assert {(pair["left"], pair["right"]) for pair in pairs} == {("A1", "B1"), ("A2", "B2")}
    assert all(0.5 <= pair["score"] <= 1.0 for pair in pairs)
    assert ragged.exit_code == 1
    assert ragged.stdout == ""
    assert "ragged.csv, row 2: row has 3 fields" in ragged.stderr


def test_review_confirm_and_reject_commands(demo_sqlite_engine, tmp_path, small_demo_dir):
    engine = demo_sqlite_engine
    run_pipeline(
        _context(engine, tmp_path, small_demo_dir, accept_threshold=1.01),
        steps=["match_listings"],
        backoff_seconds=0,
    )
    db = ["--db", str(engine.url)]
    runner = CliRunner()

    review = runner.invoke(app, ["match", "review", "--competitor", "tottus", "--json", *db])
    queue = json.loads(review.stdout)
    first, second = queue["items"][:2]
    confirm = runner.invoke(
        app, ["match", "confirm", str(first["id"]), "--by", "ana", "--json", *db]
    )
    reject = runner.invoke(app, ["match", "reject", str(second["id"]), "--by", "ana", *db])
    missing = runner.invoke(app, ["match", "reject", "999999", *db])

    assert review.exit_code == 0, review.output
    assert queue["total"] >= 2
    assert {item["retailer_name"] for item in queue["items"]} == {"Tottus"}
    assert json.loads(confirm.stdout)["status"] == "confirmed"
    assert reject.exit_code == 0
    assert "rejected" in reject.stdout
    assert missing.exit_code == 1
    assert _statuses(engine)["confirmed"] >= 2
