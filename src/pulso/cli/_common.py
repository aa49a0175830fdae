"""Shared pieces of the CLI: settings from ``--db``, engines, JSON output, one-line errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from pulso.config import Settings, get_settings
from pulso.errors import PulsoError
from pulso.observability.logs import configure_logging

__all__ = [
    "DbOption",
    "JsonOption",
    "emit",
    "engine_for",
    "err",
    "errors_as_one_line",
    "ingest_options",
    "progress_bar",
    "settings_for",
]

err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: PULSO_DATABASE_URL or sqlite:///pulso.db)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


def settings_for(db: str | None) -> Settings:
    settings = get_settings()
    if db is not None:
        settings = settings.model_copy(update={"database_url": db})
    configure_logging(settings.log_level)
    return settings


def engine_for(settings: Settings, *, migrate: bool = True) -> Engine:
    from pulso.store.session import create_db_engine, upgrade_database

    engine = create_db_engine(settings.database_url)
    if migrate:
        upgrade_database(engine)
    return engine


def emit(document: Any) -> None:
    typer.echo(json.dumps(document, ensure_ascii=False, default=str))


@contextmanager
def errors_as_one_line() -> Iterator[None]:
    try:
        yield
    except PulsoError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from exc


def ingest_options(settings: Settings) -> Any:
    from pulso.ingest.runner import IngestOptions

    return IngestOptions(
        pseudonym_key=settings.secret_key.get_secret_value().encode(),
        own_retailer=settings.own_retailer,
        timezone=settings.ingest.timezone,
        max_future_days=settings.ingest.max_future_days,
        batch_rows=settings.ingest.batch_rows,
    )


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
