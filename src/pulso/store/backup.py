"""Back up and restore a Pulso database, with a manifest that proves the round trip.

* **SQLite**: the online backup API copies a consistent snapshot while Pulso keeps running; the
  copy is a plain SQLite file (journal mode DELETE). Restoring copies it back the same way, in
  one write transaction, so a crash mid-restore leaves the old database intact.
* **PostgreSQL**: ``pg_dump --format=custom`` of Pulso's schema, taken from a snapshot exported
  by a ``REPEATABLE READ`` transaction that also computes the manifest, so the dump and its
  checksums describe the same instant. Restoring renames the current schema aside, runs
  ``pg_restore --single-transaction`` into a fresh one and drops the old schema only when that
  succeeded (or puts it back when it failed).

Next to ``PATH`` goes ``PATH.manifest.json``: format, migration revision, the file's SHA-256,
and per table the row count and a SHA-256 of its rows in primary-key order. A restore checks the
file against it first and the restored tables against it last. Backups are written to a
temporary name and renamed, so a crash never leaves a half backup under ``PATH``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, MetaData, Table, select, text

from pulso.errors import ConfigError, InputError, SourceError
from pulso.store.session import create_db_engine, upgrade_database

__all__ = [
    "BackupManifest",
    "TableDigest",
    "backup_database",
    "database_digests",
    "database_is_empty",
    "manifest_path",
    "restore_database",
]

logger = logging.getLogger(__name__)

_SQLITE_MAGIC = b"SQLite format 3\x00"
_PG_DUMP_MAGIC = b"PGDMP"
_MIGRATIONS = Path(__file__).with_name("migrations")
_TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (?!DATA )(\S+) (\S+) ")


@dataclass(frozen=True, slots=True)
class TableDigest:
    """Rows of a table and a SHA-256 of them in primary-key order."""

    rows: int
    sha256: str


@dataclass(frozen=True, slots=True)
class BackupManifest:
    """What a backup holds; written as ``PATH.manifest.json``."""

    format: str
    revision: str | None
    created_at: str
    file_sha256: str
    file_bytes: int
    tables: dict[str, TableDigest]
    schema: str | None = None

    @property
    def total_rows(self) -> int:
        return sum(digest.rows for digest in self.tables.values())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BackupManifest:
        tables = {name: TableDigest(**digest) for name, digest in data["tables"].items()}
        return cls(**(data | {"tables": tables}))


def manifest_path(path: Path) -> Path:
    """Where the manifest of the backup at ``path`` lives."""
    return path.with_name(path.name + ".manifest.json")


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _canonical(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return repr(value)


def _table_digest(connection: Connection, table: Table) -> TableDigest:
    order = list(table.primary_key.columns) or list(table.columns)
    digest = hashlib.sha256()
    rows = 0
    result = connection.execution_options(yield_per=5_000).execute(select(table).order_by(*order))
    for row in result:
        digest.update("\x1f".join(_canonical(value) for value in row).encode("utf-8"))
        digest.update(b"\x1e")
        rows += 1
    return TableDigest(rows, digest.hexdigest())


def database_digests(connection: Connection) -> dict[str, TableDigest]:
    """Row count and checksum of every table of the connection's database (or schema)."""
    reflected = MetaData()
    reflected.reflect(bind=connection)
    return {
        name: _table_digest(connection, table) for name, table in sorted(reflected.tables.items())
    }


def database_is_empty(engine: Engine) -> bool:
    """True when no table but ``alembic_version`` holds a row (a new or freshly migrated DB)."""
    reflected = MetaData()
    with engine.connect() as connection:
        reflected.reflect(bind=connection)
        for name, table in reflected.tables.items():
            if name != "alembic_version" and connection.execute(select(table).limit(1)).first():
                return False
    return True


def _revision(connection: Connection) -> str | None:
    if not connection.dialect.has_table(connection, "alembic_version"):
        return None
    rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return "+".join(sorted(str(row[0]) for row in rows)) or None


def _check_known_revision(revision: str | None, *, path: Path) -> None:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    for part in (revision or "").split("+"):
        try:
            script.get_revision(part)
        except CommandError as exc:
            raise InputError(
                f"backup is at revision {part}, unknown to this version of Pulso (newer?)",
                file=str(path),
            ) from exc


def _manifest(
    *,
    fmt: str,
    path: Path,
    revision: str | None,
    tables: dict[str, TableDigest],
    schema: str | None,
) -> BackupManifest:
    return BackupManifest(
        format=fmt,
        revision=revision,
        created_at=datetime.now(UTC).isoformat(),
        file_sha256=_file_sha256(path),
        file_bytes=path.stat().st_size,
        tables=tables,
        schema=schema,
    )


# --- SQLite ---------------------------------------------------------------------------------


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise ConfigError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _sqlite_backup(engine: Engine, partial: Path) -> tuple[str | None, dict[str, TableDigest]]:
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            target.close()
    finally:
        raw.close()
    copy = create_db_engine(f"sqlite:///{partial}")
    try:
        with copy.connect() as connection:
            return _revision(connection), database_digests(connection)
    finally:
        copy.dispose()


def _check_sqlite_file(path: Path) -> str | None:
    with path.open("rb") as handle:
        if handle.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
            raise InputError(
                "not a SQLite backup (use a PostgreSQL URL for a pg_dump file)", file=str(path)
            )
    copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        status = copy.execute("PRAGMA integrity_check").fetchone()
        if status is None or status[0] != "ok":
            raise InputError(f"backup is damaged: {status}", file=str(path))
        has_version = copy.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        rows = (
            copy.execute("SELECT version_num FROM alembic_version").fetchall()
            if has_version
            else []
        )
    except sqlite3.DatabaseError as exc:
        raise InputError(
            f"backup is not a readable SQLite database: {exc}", file=str(path)
        ) from exc
    finally:
        copy.close()
    return "+".join(sorted(str(row[0]) for row in rows)) or None


def _sqlite_restore(engine: Engine, path: Path) -> None:
    engine.dispose()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    raw = engine.raw_connection()
    try:
        target = raw.driver_connection
        assert isinstance(target, sqlite3.Connection)
        source.backup(target)  # every page in one step: one write transaction on the target
    finally:
        raw.close()
        source.close()
    engine.dispose()


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ConfigError(f"{name} is not installed (install the PostgreSQL client tools)")
    return found


def _pg_environment(engine: Engine) -> dict[str, str]:
    """libpq settings for pg_dump/pg_restore; the password goes in the environment, not argv."""
    url = engine.url
    settings = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": url.query.get("sslmode"),
    }
    values = {key: str(value) for key, value in settings.items() if value}
    return {key: value for key, value in os.environ.items() if not key.startswith("PG")} | values


def _run_pg(command: list[str], engine: Engine) -> str:
    completed = subprocess.run(
        command, env=_pg_environment(engine), capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        tail = completed.stderr.strip().splitlines()[-3:]
        raise SourceError(f"{Path(command[0]).name} failed: {' / '.join(tail)}")
    return completed.stdout


def _current_schema(connection: Connection) -> str:
    return str(connection.execute(text("SELECT current_schema()")).scalar_one())


def _pg_backup(engine: Engine, partial: Path) -> tuple[str | None, dict[str, TableDigest], str]:
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            schema = _current_schema(connection)
            _run_pg(
                [
                    _pg_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--schema={schema}",
                    f"--file={partial}",
                ],
                engine,
            )
            return _revision(connection), database_digests(connection), schema


def _dump_tables(engine: Engine, path: Path) -> dict[str, str]:
    """``{table: schema}`` from the dump's table of contents."""
    listing = _run_pg([_pg_tool("pg_restore"), "--list", str(path)], engine)
    return {
        match.group(2): match.group(1)
        for line in listing.splitlines()
        if (match := _TOC_TABLE.match(line))
    }


def _dump_revision(engine: Engine, path: Path) -> str | None:
    script = _run_pg(
        [_pg_tool("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(path)],
        engine,
    )
    lines = script.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("COPY ")), None)
    if start is None:
        return None
    values = []
    for line in lines[start + 1 :]:
        if line == "\\.":
            break
        values.append(line.strip())
    return "+".join(sorted(values)) or None


def _check_pg_file(engine: Engine, path: Path) -> str | None:
    with path.open("rb") as handle:
        if handle.read(len(_PG_DUMP_MAGIC)) != _PG_DUMP_MAGIC:
            raise InputError(
                "not a pg_dump backup (use a SQLite URL for a SQLite file)", file=str(path)
            )
    with engine.connect() as connection:
        schema = _current_schema(connection)
    schemas = set(_dump_tables(engine, path).values())
    if schemas and schemas != {schema}:
        raise InputError(
            f"backup holds schema {', '.join(sorted(schemas))}; the database uses {schema}",
            file=str(path),
        )
    return _dump_revision(engine, path)


def _pg_restore(engine: Engine, path: Path) -> None:
    with engine.connect() as connection:
        schema = _current_schema(connection)
    aside = f"{schema}_before_restore_{datetime.now(UTC):%Y%m%d%H%M%S}"
    engine.dispose()
    with engine.begin() as connection:
        connection.execute(text(f'ALTER SCHEMA "{schema}" RENAME TO "{aside}"'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        _run_pg(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                f"--dbname={engine.url.database}",
                str(path),
            ],
            engine,
        )
    except SourceError:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'ALTER SCHEMA "{aside}" RENAME TO "{schema}"'))
        raise
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{aside}" CASCADE'))
    engine.dispose()


# --- both -----------------------------------------------------------------------------------


@contextmanager
def _partial_file(path: Path, *, overwrite: bool) -> Iterator[Path]:
    if path.exists() and not overwrite:
        raise InputError("backup file exists (pass overwrite to replace it)", file=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        yield partial
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def backup_database(engine: Engine, path: Path, *, overwrite: bool = False) -> BackupManifest:
    """Write a consistent backup of ``engine``'s database to ``path`` and its manifest."""
    dialect = engine.dialect.name
    with _partial_file(path, overwrite=overwrite) as partial:
        if dialect == "sqlite":
            _sqlite_path(engine)
            revision, tables = _sqlite_backup(engine, partial)
            fmt, schema = "sqlite", None
        elif dialect == "postgresql":
            revision, tables, schema = _pg_backup(engine, partial)
            fmt = "pg_dump"
        else:  # pragma: no cover - Pulso runs on these two
            raise ConfigError(f"backups are not implemented for {dialect}")
        manifest = _manifest(
            fmt=fmt, path=partial, revision=revision, tables=tables, schema=schema
        )
        partial.replace(path)
    manifest_path(path).write_text(json.dumps(manifest.to_dict(), indent=2), encoding="utf-8")
    logger.info(
        "backed up %d tables, %d rows to %s", len(manifest.tables), manifest.total_rows, path
    )
    return manifest


def _read_manifest(path: Path) -> BackupManifest | None:
    where = manifest_path(path)
    if not where.is_file():
        logger.warning("no manifest next to %s: the restore cannot be verified", path)
        return None
    try:
        return BackupManifest.from_dict(json.loads(where.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"unreadable backup manifest: {exc}", file=str(where)) from exc


def _verify(engine: Engine, manifest: BackupManifest, *, path: Path) -> None:
    with engine.connect() as connection:
        restored = database_digests(connection)
    differing = sorted(
        name for name, digest in manifest.tables.items() if restored.get(name) != digest
    )
    if differing:
        raise InputError(
            f"restored tables differ from the manifest: {', '.join(differing[:10])}",
            file=str(path),
        )


def restore_database(
    engine: Engine, path: Path, *, force: bool = False, verify: bool = True
) -> BackupManifest | None:
    """Replace ``engine``'s database with the backup at ``path``, then migrate it to this
    version's schema. Refuses a database that holds data unless ``force``; checks the file
    and (``verify``) the restored tables against the manifest when there is one."""
    if not path.is_file():
        raise InputError("backup file not found", file=str(path))
    manifest = _read_manifest(path)
    if manifest is not None and manifest.file_sha256 != _file_sha256(path):
        raise InputError(
            "backup file does not match its manifest (damaged or replaced)", file=str(path)
        )
    dialect = engine.dialect.name
    revision = _check_sqlite_file(path) if dialect == "sqlite" else _check_pg_file(engine, path)
    _check_known_revision(revision, path=path)
    if not force and not database_is_empty(engine):
        raise InputError(
            "the database holds data; restoring would replace it (use --force)",
            file=str(engine.url.render_as_string(hide_password=True)),
        )
    if dialect == "sqlite":
        _sqlite_path(engine)
        _sqlite_restore(engine, path)
    else:
        _pg_restore(engine, path)
    if verify and manifest is not None:
        _verify(engine, manifest, path=path)
    upgrade_database(engine)
    logger.info("restored %s (revision %s)", path, revision)
    return manifest
