"""Backups round-trip exactly: per-table row counts and checksums of ordered rows match."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, text, update
from tests.conftest import TEST_SECRET
from tests.factories import BAD_PRICE_ROWS, prices_file, write_csv

from pulso.errors import InputError
from pulso.ingest.runner import ingest_file
from pulso.store.backup import (
    backup_database,
    database_digests,
    database_is_empty,
    manifest_path,
    restore_database,
)
from pulso.store.session import create_db_engine, upgrade_database
from pulso.store.tables import PriceObservation, Retailer


def _load(engine: Engine, directory: Path, options) -> None:
    ingest_file(
        engine,
        "prices",
        prices_file(directory / "prices.csv", good=2_000, bad=BAD_PRICE_ROWS, listings=40),
        options=options,
    )
    orders = write_csv(
        directory / "orders.csv",
        ["restaurant", "order_id", "ordered_at", "dish", "quantity", "unit_price", "diner_id"],
        [
            ["La Mar", f"T{i}", "2026-07-01 13:00", "Ceviche", 1 + i % 3, "39,90", f"C{i % 7}"]
            for i in range(50)
        ],
    )
    ingest_file(engine, "orders", orders, options=options)


def _digests(engine: Engine):
    with engine.connect() as connection:
        return database_digests(connection)


def _empty_twin(engine: Engine, tmp_path: Path) -> Engine:
    """An empty database that ``engine``'s backup may be restored into."""
    if engine.dialect.name == "sqlite":
        return create_db_engine(f"sqlite:///{tmp_path / 'restored.db'}")
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    engine.dispose()
    with engine.begin() as connection:  # same schema name: pg_restore cannot rename schemas
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    return engine


@pytest.mark.slow
def test_backup_restores_every_row_on_each_engine(engine, tmp_path, ingest_options):
    _load(engine, tmp_path, ingest_options)
    before = _digests(engine)
    path = tmp_path / "backups" / "pulso.backup"

    manifest = backup_database(engine, path)

    assert manifest.tables == before
    assert manifest.tables["price_observation"].rows == 2_000
    assert manifest.tables["quarantined_row"].rows == len(BAD_PRICE_ROWS)
    assert json.loads(manifest_path(path).read_text())["file_sha256"] == manifest.file_sha256
    assert not list(path.parent.glob(".*.partial"))
    with pytest.raises(InputError, match="backup file exists"):
        backup_database(engine, path)

    with pytest.raises(InputError, match="holds data"):
        restore_database(engine, path)
    with engine.begin() as connection:  # damage the live data, then restore over it
        connection.execute(delete(PriceObservation).where(PriceObservation.id % 3 == 0))
        connection.execute(update(Retailer).values(name="X"))
    assert _digests(engine) != before
    restore_database(engine, path, force=True)
    assert _digests(engine) == before

    target = _empty_twin(engine, tmp_path)
    if target.dialect.name == "sqlite":
        upgrade_database(target)  # a freshly migrated database is empty too
    assert database_is_empty(target)
    restore_database(target, path)
    assert _digests(target) == before
    target.dispose()


def test_damaged_or_foreign_backups_are_refused(sqlite_engine, tmp_path, ingest_options):
    _load(sqlite_engine, tmp_path, ingest_options)
    path = tmp_path / "pulso.backup"
    backup_database(sqlite_engine, path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="does not match its manifest"):
        restore_database(sqlite_engine, path, force=True)
    manifest_path(path).unlink()
    foreign = tmp_path / "dump.backup"
    foreign.write_bytes(b"PGDMP" + b"\0" * 100)
    with pytest.raises(InputError, match="not a SQLite backup"):
        restore_database(sqlite_engine, foreign, force=True)
    with pytest.raises(InputError, match="not found"):
        restore_database(sqlite_engine, tmp_path / "missing.backup")


def _pulso(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSO_")}
    env |= {"PULSO_SECRET_KEY": TEST_SECRET}
    return subprocess.run(
        [sys.executable, "-m", "pulso", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_cli_backup_and_restore_are_audited(sqlite_engine, tmp_path, ingest_options):
    _load(sqlite_engine, tmp_path, ingest_options)
    source = sqlite_engine.url.render_as_string(hide_password=False)
    target = f"sqlite:///{tmp_path / 'target.db'}"
    path = tmp_path / "nightly.backup"

    made = _pulso("backup", str(path), "--db", source, "--json", cwd=tmp_path)
    restored = _pulso("restore", str(path), "--db", target, "--json", cwd=tmp_path)
    refused = _pulso("restore", str(path), "--db", target, cwd=tmp_path)

    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["rows"] > 2_000
    assert restored.returncode == 0, restored.stderr
    assert json.loads(restored.stdout)["verified"] is True
    assert refused.returncode == 1
    assert [line for line in refused.stderr.splitlines() if line.startswith("error:")] == [
        "error: sqlite:///" + str(tmp_path / "target.db") + ": the database holds data; "
        "restoring would replace it (use --force)"
    ]
    for db, expected in ((source, ["backup.create"]), (target, ["backup.restore"])):
        listed = _pulso("privacy", "audit", "--json", "--db", db, cwd=tmp_path)
        entries = json.loads(listed.stdout)["entries"]
        assert [entry["action"] for entry in entries] == expected
        assert entries[0]["target"] == str(path.resolve())
