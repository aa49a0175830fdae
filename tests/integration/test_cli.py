"""The ``pulso`` command as a user runs it: a real process, stdout JSON, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import TEST_SECRET
from tests.factories import BAD_PRICE_ROWS, prices_file, write_csv

from pulso.store.session import head_revisions


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


def test_ingest_json_twice_then_bad_file(tmp_path):
    path = prices_file(tmp_path / "prices.csv", good=97, bad=BAD_PRICE_ROWS)
    db = f"sqlite:///{tmp_path / 'cli.db'}"

    first = _pulso("ingest", "prices", str(path), "--db", db, "--json", cwd=tmp_path)
    second = _pulso("ingest", "prices", str(path), "--db", db, "--json", cwd=tmp_path)
    broken = write_csv(tmp_path / "broken.csv", ["retailer", "name"], [["Wong", "x"]])
    failed = _pulso("ingest", "prices", str(broken), "--db", db, cwd=tmp_path)
    unknown = _pulso("ingest", "recipes", str(broken), "--db", db, cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) | {"run_id": 0} == json.loads(first.stdout) | {
        "accepted": 97,
        "quarantined": 3,
        "duplicates": 0,
        "run_id": 0,
    }
    assert json.loads(second.stdout)["accepted"] == 0
    assert json.loads(second.stdout)["duplicates"] == 97
    assert failed.returncode == 1
    assert failed.stdout == ""
    error_lines = [line for line in failed.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1
    assert (
        "broken.csv: missing required column(s) for prices: external_id, observed_at, regular_price"
        in error_lines[0]
    )
    assert unknown.returncode == 1
    assert "unknown import kind 'recipes'" in unknown.stderr


def test_default_database_is_pulso_db_in_the_working_directory(tmp_path):
    result = _pulso("db", "upgrade", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"revision": head_revisions()}
    assert (tmp_path / "pulso.db").is_file()
