"""Shared fixtures: settings that never read the environment, and a fresh database per test.

PostgreSQL tests run against ``PULSO_TEST_PG_URL``; each test gets its own schema. They are
skipped only when the variable is unset; when it is set and the server is down they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, text

from pulso.config import Settings
from pulso.ingest.runner import IngestOptions
from pulso.pipelines.demo import load_demo
from pulso.store.session import create_db_engine, upgrade_database
from pulso.synth import DemoManifest

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


#: The small demo's last day in tests (fixed, so figures do not move with the calendar).
DEMO_END_DATE = date(2026, 11, 15)


@pytest.fixture(scope="session")
def small_demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo data set, generated once per test session (read-only for tests)."""
    directory = tmp_path_factory.mktemp("small-demo")
    from pulso.synth import generate_demo

    generate_demo(directory, scale="small", seed=7, end_date=DEMO_END_DATE)
    return directory


@pytest.fixture(scope="session")
def small_demo_manifest(small_demo_dir: Path) -> DemoManifest:
    return DemoManifest.read(small_demo_dir)


@pytest.fixture(scope="session")
def _small_demo_sqlite_template(
    tmp_path_factory: pytest.TempPathFactory, small_demo_dir: Path
) -> Path:
    path = tmp_path_factory.mktemp("small-demo-db") / "demo.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    load_demo(
        engine,
        small_demo_dir,
        scale="small",
        seed=7,
        end_date=DEMO_END_DATE,
        options=IngestOptions(pseudonym_key=TEST_SECRET.encode()),
        regenerate=False,
    )
    engine.dispose()
    return path


@pytest.fixture
def demo_sqlite_engine(tmp_path: Path, _small_demo_sqlite_template: Path) -> Iterator[Engine]:
    """A fresh copy of a SQLite database holding the loaded small demo (cheap per test)."""
    path = tmp_path / "demo.db"
    shutil.copyfile(_small_demo_sqlite_template, path)
    engine = create_db_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def demo_pg_engine(pg_engine: Engine, small_demo_dir: Path) -> Engine:
    """A fresh PostgreSQL schema holding the loaded small demo."""
    load_demo(
        pg_engine,
        small_demo_dir,
        scale="small",
        seed=7,
        end_date=DEMO_END_DATE,
        options=IngestOptions(pseudonym_key=TEST_SECRET.encode()),
        regenerate=False,
    )
    return pg_engine


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def demo_engine(request: pytest.FixtureRequest) -> Engine:
    """The loaded small demo on each engine."""
    name = "demo_sqlite_engine" if request.param == "sqlite" else "demo_pg_engine"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]
