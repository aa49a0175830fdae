"""``pulso sentiment`` as a user runs it: TEXT, train and evaluate in real processes."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.conftest import TEST_SECRET
from tests.unit.customers.customers_tables import read_feedback_table

from pulso.store.session import create_db_engine
from pulso.store.tables import ModelVersion


def _pulso(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSO_")}
    env |= {
        "PULSO_SECRET_KEY": TEST_SECRET,
        "PULSO_DATA_DIR": str(cwd / ".pulso"),
        "PULSO_DATABASE_URL": f"sqlite:///{cwd / 'pulso.db'}",
    }
    return subprocess.run(
        [sys.executable, "-m", "pulso", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _labelled_csv(path: Path, table: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows((row.text, row.label) for row in read_feedback_table(table))
    return path


def test_text_and_evaluate_use_the_lexicon_until_a_model_is_trained(tmp_path):
    holdout = _labelled_csv(tmp_path / "holdout.csv", "customers_feedback_holdout.tsv")
    spanish = _pulso("sentiment", "No estaba rico, y encima una estafa", "--json", cwd=tmp_path)
    lexicon = _pulso("sentiment", "evaluate", "--labeled", str(holdout), "--json", cwd=tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nRico,excelente\n", encoding="utf-8")
    failed = _pulso("sentiment", "train", "--labeled", str(bad), "--json", cwd=tmp_path)

    assert spanish.returncode == 0, spanish.stderr
    document = json.loads(spanish.stdout)
    assert set(document) == {"label", "score", "aspects"}
    assert document["label"] == "negative"
    assert -1 <= document["score"] < 0
    assert lexicon.returncode == 0, lexicon.stderr
    measured = json.loads(lexicon.stdout)
    assert measured["model"] == "lexicon"
    assert set(measured) >= {"n", "accuracy", "macro_f1", "majority_accuracy", "per_class"}
    assert measured["n"] == 40
    assert measured["accuracy"] > measured["majority_accuracy"]
    assert failed.returncode == 1
    assert failed.stdout == ""
    errors = [line for line in failed.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "row 2" in errors[0]
    assert "label" in errors[0]


@pytest.mark.slow
def test_train_versions_the_active_model_and_evaluate_measures_it(tmp_path):
    train = _labelled_csv(tmp_path / "train.csv", "customers_feedback_train.tsv")
    holdout = _labelled_csv(tmp_path / "holdout.csv", "customers_feedback_holdout.tsv")

    first = _pulso("sentiment", "train", "--labeled", str(train), "--json", cwd=tmp_path)
    second = _pulso("sentiment", "train", "--labeled", str(train), "--json", cwd=tmp_path)
    after = _pulso("sentiment", "evaluate", "--labeled", str(holdout), "--json", cwd=tmp_path)
    english = _pulso(
        "sentiment",
        "analyze",
        "--lang",
        "en",
        "--json",
        "Great food but slow service",
        cwd=tmp_path,
    )

    assert first.returncode == 0, first.stderr
    trained = json.loads(first.stdout)
    assert trained["version"] == 1
    assert trained["cross_validation"]["n"] == trained["n"]
    assert json.loads(second.stdout)["version"] == 2
    assert json.loads(second.stdout)["previous_versions"] == [1]
    models = tmp_path / ".pulso" / "models" / "sentiment"
    assert (models / "ACTIVE").read_text(encoding="utf-8").strip() == "2"
    assert (models / "1" / "model.pkl").is_file()
    measured = json.loads(after.stdout)
    assert measured["model"] == "sentiment v2"
    assert measured["n"] == 40
    assert measured["accuracy"] > measured["majority_accuracy"]
    assert english.returncode == 0, english.stderr
    found = {(a["aspect"], a["label"]) for a in json.loads(english.stdout)["aspects"]}
    assert {("food", "positive"), ("service", "negative")} <= found
    engine = create_db_engine(f"sqlite:///{tmp_path / 'pulso.db'}")
    with engine.connect() as connection:
        rows = connection.execute(
            select(ModelVersion.version, ModelVersion.stage).where(
                ModelVersion.name == "sentiment"
            )
        ).all()
    engine.dispose()
    assert sorted(rows) == [(1, "archived"), (2, "production")]
