"""Fuzz-test fixtures: one migrated database per engine and module, and the session tally.

Every example of a module's tests shares its database: the oracle checks what each import
added, so earlier examples do not matter (and make later rows duplicates, which is exercised
too).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from tests.conftest import PG_URL, pg_schema_url
from tests.fuzz.fuzz_oracle import REFUSALS, TALLY

from pulso.store.session import create_db_engine, upgrade_database


@pytest.fixture(scope="module")
def _fuzz_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("fuzz-db") / "fuzz.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def _fuzz_pg() -> Iterator[Engine]:
    if not PG_URL:
        pytest.skip("PULSO_TEST_PG_URL is not set")
    schema = f"fuzz_{uuid.uuid4().hex[:12]}"
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
def fuzz_engine(request: pytest.FixtureRequest) -> Engine:
    """The module's database on each engine Pulso supports."""
    name = "_fuzz_sqlite" if request.param == "sqlite" else "_fuzz_pg"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-files")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY:
        return
    failed = [r for r in terminalreporter.stats.get("failed", []) if "tests/fuzz/" in r.nodeid]
    terminalreporter.write_line(
        f"fuzzed imports: {TALLY['imported'] + TALLY['refused']} files "
        f"({TALLY['imported']} imported, {TALLY['refused']} refused with InputError, "
        f"{TALLY['rows']} rows read); failing fuzz tests: {len(failed)}"
    )
    for reason, count in REFUSALS.most_common():
        terminalreporter.write_line(f"  refused {count:5d}: {reason}")
