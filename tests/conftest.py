"""Shared fixtures: settings that never read the environment, and a fresh database per test.

PostgreSQL tests run against ``PULSO_TEST_PG_URL``; each test gets its own schema. They are
skipped only when the variable is unset; when it is set and the server is down they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, text

from pulso.config import Settings
from pulso.ingest.runner import IngestOptions
from pulso.store.session import create_db_engine, upgrade_database

PG_URL = os.environ.get("PULSO_TEST_PG_URL", "")
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's PULSO_* settings."""
    for name in list(os.environ):
        if name.startswith("PULSO_") and name != "PULSO_TEST_PG_URL":
            monkeypatch.delenv(name)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        database_url=f"sqlite:///{tmp_path / 'pulso.db'}",
        data_dir=tmp_path / ".pulso",
        secret_key=SecretStr(TEST_SECRET),
    )


@pytest.fixture
def ingest_options() -> IngestOptions:
    return IngestOptions(pseudonym_key=TEST_SECRET.encode())


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'pulso.db'}")
    upgrade_database(engine)
    yield engine
    engine.dispose()


def pg_schema_url(schema: str) -> str:
    """``PULSO_TEST_PG_URL`` with ``search_path`` set to ``schema``."""
    separator = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    if not PG_URL:
        pytest.skip("PULSO_TEST_PG_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_db_engine(pg_schema_url(schema))
    upgrade_database(engine)
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """A fresh, migrated database on each engine Pulso supports."""
    name = "sqlite_engine" if request.param == "sqlite" else "pg_engine"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]
