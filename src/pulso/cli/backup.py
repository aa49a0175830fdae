"""``pulso backup PATH`` and ``pulso restore PATH``: SQLite online backups, pg_dump/pg_restore."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pulso.cli._common import (
    DbOption,
    JsonOption,
    emit,
    engine_for,
    err,
    errors_as_one_line,
    settings_for,
)
from pulso.cli.privacy import ActorOption, default_actor

if TYPE_CHECKING:
    from pulso.store.backup import BackupManifest

PathArgument = Annotated[Path, typer.Argument(help="Backup file (its manifest goes next to it).")]


def backup(
    path: PathArgument,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace an existing file.")
    ] = False,
    actor: ActorOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Back up the database while Pulso runs (consistent snapshot, checksummed)."""
    from pulso.store.backup import backup_database
    from pulso.store.tables_audit import record_audit

    with errors_as_one_line():
        engine = engine_for(settings_for(db), migrate=False)
        manifest = backup_database(engine, path, overwrite=overwrite)
        with engine.begin() as connection:
            record_audit(
                connection,
                actor=actor or default_actor(),
                action="backup.create",
                target=str(path.resolve()),
                detail=_summary(manifest),
            )
    if as_json:
        emit({"path": str(path), **_summary(manifest)})
    else:
        err.print(
            f"backed up {len(manifest.tables)} tables ({manifest.total_rows} rows, "
            f"{manifest.file_bytes} bytes) to {path}"
        )


def restore(
    path: PathArgument,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a database that already holds data.")
    ] = False,
    actor: ActorOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Restore a backup, check it against its manifest and migrate it to this version."""
    from pulso.store.backup import restore_database
    from pulso.store.tables_audit import record_audit

    with errors_as_one_line():
        engine = engine_for(settings_for(db), migrate=False)
        manifest = restore_database(engine, path, force=force)
        summary = _summary(manifest) if manifest else {"verified": False}
        with engine.begin() as connection:
            record_audit(
                connection,
                actor=actor or default_actor(),
                action="backup.restore",
                target=str(path.resolve()),
                detail=summary,
            )
    if as_json:
        emit({"path": str(path), **summary})
    else:
        err.print(f"restored {path}" + ("" if manifest else " (no manifest: not verified)"))


def _summary(manifest: BackupManifest) -> dict[str, object]:
    return {
        "format": manifest.format,
        "revision": manifest.revision,
        "sha256": manifest.file_sha256,
        "bytes": manifest.file_bytes,
        "tables": len(manifest.tables),
        "rows": manifest.total_rows,
        "verified": True,
    }


def register(app: typer.Typer) -> None:
    """Add ``pulso backup`` and ``pulso restore`` to the main app."""
    app.command("backup")(backup)
    app.command("restore")(restore)
