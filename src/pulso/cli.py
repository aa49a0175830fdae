"""The ``pulso`` command line (Typer).

Every command accepts ``--db URL``; ``--json`` prints exactly one JSON document on stdout and
everything else goes to stderr. Errors exit non-zero with one line naming the problem.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from pulso.config import Settings, get_settings
from pulso.errors import PulsoError
from pulso.observability.logs import configure_logging

__all__ = ["app", "main"]

logger = logging.getLogger(__name__)

app = typer.Typer(
    name="pulso",
    help="Pulso: market and customer intelligence for Peru's food business.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")
promo_app = typer.Typer(help="Promotion texts.", no_args_is_help=True)
app.add_typer(promo_app, name="promo")

err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: PULSO_DATABASE_URL or sqlite:///pulso.db)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]

F = TypeVar("F", bound=Callable[..., Any])


def _settings(db: str | None) -> Settings:
    settings = get_settings()
    if db is not None:
        settings = settings.model_copy(update={"database_url": db})
    configure_logging(settings.log_level)
    return settings


def _engine(settings: Settings, *, migrate: bool = True) -> Engine:
    from pulso.store.session import create_db_engine, upgrade_database

    engine = create_db_engine(settings.database_url)
    if migrate:
        upgrade_database(engine)
    return engine


def _emit(document: Any) -> None:
    typer.echo(json.dumps(document, ensure_ascii=False, default=str))


@contextmanager
def _errors_as_one_line() -> Iterator[None]:
    try:
        yield
    except PulsoError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from exc


def _ingest_options(settings: Settings) -> Any:
    from pulso.ingest.runner import IngestOptions

    return IngestOptions(
        pseudonym_key=settings.secret_key.get_secret_value().encode(),
        own_retailer=settings.own_retailer,
        timezone=settings.ingest.timezone,
        max_future_days=settings.ingest.max_future_days,
        batch_rows=settings.ingest.batch_rows,
    )


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


@app.command()
def ingest(
    kind: Annotated[
        str,
        typer.Argument(
            help="prices, catalog, sales, promotions, orders, menu, feedback, surveys, diners, shoppers"
        ),
    ],
    path: Annotated[Path, typer.Argument(help="CSV, .xlsx or JSON file")],
    source: Annotated[
        str | None, typer.Option(help="Name of the data source this file comes from.")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Validate and load one file; bad rows go to quarantine with their reasons."""
    from pulso.ingest.runner import ingest_file

    with _errors_as_one_line():
        settings = _settings(db)
        engine = _engine(settings)
        with _progress() as progress:
            task = progress.add_task(f"{kind} {path.name}", total=None)
            result = ingest_file(
                engine,
                kind,
                path,
                options=_ingest_options(settings),
                source=source,
                progress=lambda _stage, done, total: progress.update(
                    task, completed=done, total=total
                ),
            )
    if as_json:
        _emit(result.to_dict())
    else:
        err.print(
            f"run {result.run_id}: {result.accepted} accepted, {result.quarantined} quarantined, "
            f"{result.duplicates} duplicates (of {result.rows_read} rows)"
        )


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Create or migrate the database schema to the newest revision."""
    from pulso.store.session import create_db_engine, upgrade_database

    with _errors_as_one_line():
        settings = _settings(db)
        revision = upgrade_database(create_db_engine(settings.database_url))
    if as_json:
        _emit({"revision": revision})
    else:
        err.print(f"database at revision {revision}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    db: DbOption = None,
) -> None:
    """Serve the API and dashboard with uvicorn."""
    with _errors_as_one_line():
        settings = _settings(db)
        _serve(settings, host=host, port=port)


def _serve(settings: Settings, *, host: str, port: int) -> None:
    import uvicorn

    from pulso.api.app import create_app

    engine = _engine(settings)
    err.print(f"Pulso at http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(create_app(engine), host=host, port=port, log_level=settings.log_level.lower())


@app.command()
def demo(
    scale: Annotated[str, typer.Option(help="small, medium or large.")] = "medium",
    seed: Annotated[int, typer.Option(help="Random seed of the generator.")] = 7,
    end_date: Annotated[
        str | None,
        typer.Option(help="Last day of the demo data (YYYY-MM-DD; default today in Lima)."),
    ] = None,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Stop after loading.")] = False,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Generate realistic Peruvian demo data, load it, and serve the dashboard."""
    from pulso.pipelines.demo import load_demo

    with _errors_as_one_line():
        settings = _settings(db)
        engine = _engine(settings)
        last_day = date.fromisoformat(end_date) if end_date else None
        with _progress() as progress:
            task = progress.add_task("demo", total=None)

            def report(stage: str, done: int, total: int) -> None:
                progress.update(task, description=stage, completed=done, total=total)

            summary = load_demo(
                engine,
                settings.data_dir / "demo",
                scale=scale,
                seed=seed,
                end_date=last_day,
                options=_ingest_options(settings),
                progress=report,
            )
    if as_json:
        _emit(summary)
    else:
        err.print(
            f"demo loaded: {summary['accepted']} rows accepted, {summary['quarantined']} quarantined, "
            f"{summary['duplicates']} duplicates in {summary['seconds']:.1f} s"
        )
    if not no_serve:
        _serve(settings, host=host, port=port)


@promo_app.command("parse")
def promo_parse(
    text: Annotated[str, typer.Argument(help='Promotion text, e.g. "50% dscto. en la 2da unidad".')],
    regular_price: Annotated[
        float | None, typer.Option(help="Regular unit price in soles (for amount-based promos).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Parse a Spanish promotion text into its type and effective discount."""
    from pulso.pricing.promo_text import parse_promo  # noqa: PLC0415

    with _errors_as_one_line():
        _settings(db)
        parsed = parse_promo(text, regular_price_pen=regular_price)
    document = parsed.to_dict()
    if as_json:
        _emit(document)
        return
    discount = document["effective_discount"]
    shown = "unknown" if discount is None else f"{discount:.1%}"
    typer.echo(f"{document['type']}: effective discount {shown}, minimum units {document['min_units']}")


@app.command()
def sentiment(
    text: Annotated[str, typer.Argument(help='A review, e.g. "Buenazo el ceviche pero caro".')],
    lang: Annotated[str, typer.Option(help="es, en or auto.")] = "auto",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Overall and per-aspect sentiment of a review (offline)."""
    from pulso.customers.sentiment import analyze_feedback  # noqa: PLC0415

    if lang not in {"es", "en", "auto"}:
        err.print(f"[bold red]error:[/] --lang must be es, en or auto, got {lang!r}")
        raise typer.Exit(code=1)
    with _errors_as_one_line():
        _settings(db)
        result = analyze_feedback(text, lang=lang).to_dict()
    if as_json:
        _emit(result)
        return
    typer.echo(f"{result['label']} ({result['score']:+.2f})")
    for aspect in result["aspects"]:
        typer.echo(f"  {aspect['aspect']}: {aspect['label']}  «{aspect['evidence']}»")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.exit(130)
