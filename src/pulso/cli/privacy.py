"""``pulso privacy ...``: a diner's right of access and of cancellation (Ley 29733).

The diner id is given as the source systems know it (a POS customer code, an e-mail); it is
hashed here with the settings' secret key, exactly as imports hash it, and never stored, logged
or printed. Pass ``-`` to read it from standard input (keeps it out of shell history).
"""

from __future__ import annotations

import getpass
import sys
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
from pulso.config import Settings
from pulso.errors import InputError

if TYPE_CHECKING:
    from pulso.store.privacy import DataSubject

privacy_app = typer.Typer(
    help="Personal data of diners: access, erasure, audit log.", no_args_is_help=True
)

DinerArgument = Annotated[
    str, typer.Argument(help="The diner's id as the sources give it; '-' reads it from stdin.")
]
ActorOption = Annotated[
    str | None, typer.Option(help="Who asks, for the audit log (default: cli:<os user>).")
]


def default_actor() -> str:
    """``cli:<login name>`` of whoever runs the command."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in some containers
        return "cli:unknown"


def _subject(raw_id: str, settings: Settings) -> DataSubject:
    from pulso.ingest.values import pseudonymise
    from pulso.store.privacy import DataSubject

    if raw_id == "-":
        raw_id = sys.stdin.readline()
    if not raw_id.strip():
        raise InputError("the diner id is empty")
    key = settings.secret_key.get_secret_value().encode()

    def hash_identifier(value: str) -> str:
        return pseudonymise(value, key=key)

    diner_key = hash_identifier(raw_id)
    # Google Forms respondents are keyed by a hash of their e-mail (connectors/exports.py).
    forms_key = hash_identifier("gf-" + diner_key[:32])
    return DataSubject((diner_key, forms_key), hash_identifier)


@privacy_app.command("export")
def export(diner_id: DinerArgument, actor: ActorOption = None, db: DbOption = None) -> None:
    """Print every row linked to a diner as one JSON document (right of access)."""
    from pulso.store.privacy import export_subject
    from pulso.store.tables_audit import record_audit

    with errors_as_one_line():
        settings = settings_for(db)
        subject = _subject(diner_id, settings)
        with engine_for(settings).begin() as connection:
            document = export_subject(connection, subject)
            counts = {k: len(v) for k, v in document.items() if isinstance(v, list)}
            record_audit(
                connection,
                actor=actor or default_actor(),
                action="privacy.export",
                target=f"diner:{subject.diner_key}",
                detail={"rows": counts},
            )
    emit(document)


@privacy_app.command("forget")
def forget(
    diner_id: DinerArgument,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    actor: ActorOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Erase a diner's personal data (right of cancellation); safe to repeat."""
    from pulso.store.privacy import forget_subject
    from pulso.store.tables_audit import record_audit

    with errors_as_one_line():
        settings = settings_for(db)
        subject = _subject(diner_id, settings)
        if not yes and not typer.confirm(
            "Erase this diner's data? This cannot be undone", err=True
        ):
            raise typer.Exit(code=1)
        with engine_for(settings).begin() as connection:
            report = forget_subject(connection, subject)
            audit_id = record_audit(
                connection,
                actor=actor or default_actor(),
                action="privacy.forget",
                target=f"diner:{subject.diner_key}",
                detail=report.to_dict(),
            )
    document = {"diner_key": subject.diner_key, "audit_id": audit_id, **report.to_dict()}
    if as_json:
        emit(document)
    else:
        err.print(
            f"erased {sum(report.deleted.values())} rows and unlinked "
            f"{sum(report.anonymised.values())} (audit entry {audit_id})"
        )


@privacy_app.command("audit")
def audit(
    action: Annotated[
        str | None, typer.Option(help="Only this action, e.g. privacy.forget.")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many entries, newest first.")] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the audit log: who exported, erased, backed up or restored what."""
    from pulso.store.session import session_scope
    from pulso.store.tables_audit import list_audit_entries

    with errors_as_one_line():
        engine = engine_for(settings_for(db))
        with session_scope(engine) as session:
            entries = [
                {
                    "id": entry.id,
                    "occurred_at": entry.occurred_at.isoformat(),
                    "actor": entry.actor,
                    "action": entry.action,
                    "target": entry.target,
                    "detail": entry.detail,
                }
                for entry in list_audit_entries(session, action=action, limit=limit)
            ]
    if as_json:
        emit({"entries": entries})
    else:
        for entry in entries:
            typer.echo(
                f"{entry['occurred_at']}  {entry['actor']:24s} {entry['action']:16s} {entry['target']}"
            )


def register(app: typer.Typer) -> None:
    """Add ``pulso privacy`` to the main app."""
    app.add_typer(privacy_app, name="privacy")
