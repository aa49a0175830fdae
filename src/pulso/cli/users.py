"""``pulso user ...``: dashboard and API users."""

from __future__ import annotations

from typing import Annotated

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

user_app = typer.Typer(help="Dashboard and API users.", no_args_is_help=True)


@user_app.command("create")
def create(
    email: Annotated[str, typer.Argument(help="The user's email (their login).")],
    role: Annotated[str, typer.Option(help="admin, analyst or viewer.")] = "viewer",
    password: Annotated[
        str | None,
        typer.Option(help="At least 8 characters (asked for when left out)."),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a user who can log in to the dashboard and ask for API tokens."""
    from pulso.api.auth import create_user
    from pulso.store.session import session_scope

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with errors_as_one_line():
        engine = engine_for(settings_for(db))
        with session_scope(engine) as session:
            user = create_user(session, email, role=role, password=password)
            document = {"id": user.id, "email": user.email, "role": user.role}
    if as_json:
        emit(document)
    else:
        err.print(f"created {document['role']} {document['email']}")


@user_app.command("list")
def list_(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the users and their roles."""
    from pulso.store.queries.auth import list_users
    from pulso.store.session import session_scope

    with errors_as_one_line():
        engine = engine_for(settings_for(db))
        with session_scope(engine) as session:
            users = [
                {
                    "email": user.email,
                    "role": user.role,
                    "active": user.active,
                    "last_login_at": user.last_login_at.isoformat()
                    if user.last_login_at
                    else None,
                }
                for user in list_users(session)
            ]
    if as_json:
        emit({"users": users})
    else:
        for user in users:
            typer.echo(f"{user['email']:40s} {user['role']:8s} last login {user['last_login_at']}")


def register(app: typer.Typer) -> None:
    """Add ``pulso user`` to the main app."""
    app.add_typer(user_app, name="user")
