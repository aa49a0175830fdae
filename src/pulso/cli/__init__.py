"""The ``pulso`` command line (Typer).

Every command accepts ``--db URL``; ``--json`` prints exactly one JSON document on stdout and
everything else goes to stderr. Errors exit non-zero with one line naming the problem.
"""

from __future__ import annotations

import logging
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from pulso.cli import backup as cli_backup
from pulso.cli import models as cli_models
from pulso.cli import privacy as cli_privacy
from pulso.cli import recsys as cli_recsys
from pulso.cli import restaurants as cli_restaurants
from pulso.cli import retail as cli_retail
from pulso.cli import sources as cli_sources
from pulso.cli import users as cli_users
from pulso.cli._common import (
    DbOption,
    JsonOption,
    emit,
    engine_for,
    err,
    errors_as_one_line,
    ingest_options,
    progress_bar,
    settings_for,
)
from pulso.config import Settings

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
pipeline_app = typer.Typer(help="Analytics pipeline steps.", no_args_is_help=True)
app.add_typer(pipeline_app, name="pipeline")


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

    with errors_as_one_line():
        settings = settings_for(db)
        engine = engine_for(settings)
        with progress_bar() as progress:
            task = progress.add_task(f"{kind} {path.name}", total=None)
            result = ingest_file(
                engine,
                kind,
                path,
                options=ingest_options(settings),
                source=source,
                progress=lambda _stage, done, total: progress.update(
                    task, completed=done, total=total
                ),
            )
    if as_json:
        emit(result.to_dict())
    else:
        err.print(
            f"run {result.run_id}: {result.accepted} accepted, {result.quarantined} quarantined, "
            f"{result.duplicates} duplicates (of {result.rows_read} rows)"
        )


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Create or migrate the database schema to the newest revision."""
    from pulso.store.session import create_db_engine, upgrade_database

    with errors_as_one_line():
        settings = settings_for(db)
        revision = upgrade_database(create_db_engine(settings.database_url))
    if as_json:
        emit({"revision": revision})
    else:
        err.print(f"database at revision {revision}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    db: DbOption = None,
) -> None:
    """Serve the API and dashboard with uvicorn."""
    with errors_as_one_line():
        settings = settings_for(db)
        _serve(settings, host=host, port=port)


def _serve(settings: Settings, *, host: str, port: int) -> None:
    import uvicorn

    from pulso.api.app import create_app
    from pulso.api.auth import AuthConfig

    engine = engine_for(settings)
    auth = AuthConfig.for_server(
        settings.secret_key.get_secret_value(), production=settings.env == "prod"
    )
    err.print(f"Pulso at http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(
        create_app(engine, auth=auth), host=host, port=port, log_level=settings.log_level.lower()
    )


@app.command()
def demo(
    scale: Annotated[str, typer.Option(help="small, medium or large.")] = "medium",
    seed: Annotated[int, typer.Option(help="Random seed of the generator.")] = 7,
    end_date: Annotated[
        str | None,
        typer.Option(help="Last day of the demo data (YYYY-MM-DD; default today in Lima)."),
    ] = None,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Stop after loading.")] = False,
    no_pipeline: Annotated[
        bool, typer.Option("--no-pipeline", help="Load the data but do not run the pipeline.")
    ] = False,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Generate realistic Peruvian demo data, load it, and serve the dashboard."""
    from pulso.pipelines.demo import load_demo

    with errors_as_one_line():
        settings = settings_for(db)
        engine = engine_for(settings)
        last_day = date.fromisoformat(end_date) if end_date else None
        with progress_bar() as progress:
            task = progress.add_task("demo", total=None)

            def report(stage: str, done: int, total: int) -> None:
                progress.update(task, description=stage, completed=done, total=total)

            summary = load_demo(
                engine,
                settings.data_dir / "demo",
                scale=scale,
                seed=seed,
                end_date=last_day,
                options=ingest_options(settings),
                progress=report,
            )
    from pulso.api.auth import DEMO_ADMIN_EMAIL, ensure_demo_admin

    password = ensure_demo_admin(engine)
    summary["login"] = {"email": DEMO_ADMIN_EMAIL, "password": password}
    if not as_json:
        err.print(
            f"demo loaded: {summary['accepted']} rows accepted, {summary['quarantined']} quarantined, "
            f"{summary['duplicates']} duplicates in {summary['seconds']:.1f} s"
        )
    if not no_pipeline:
        pipeline_report = _run_pipeline(settings, steps=None, seed=seed)
        summary["pipeline"] = pipeline_report.to_dict()
        if not as_json:
            failed = [o.step for o in pipeline_report.outcomes if o.status != "succeeded"]
            err.print(
                f"pipeline: {len(pipeline_report.outcomes)} step runs"
                + (f", not succeeded: {', '.join(failed)}" if failed else ", all succeeded")
            )
    if as_json:
        emit(summary)
    else:
        err.print(
            f"[bold]log in at http://{host}:{port}/login as {DEMO_ADMIN_EMAIL} / {password}[/]"
        )
    if not no_serve:
        _serve(settings, host=host, port=port)


@promo_app.command("parse")
def promo_parse(
    text: Annotated[
        str, typer.Argument(help='Promotion text, e.g. "50% dscto. en la 2da unidad".')
    ],
    regular_price: Annotated[
        float | None, typer.Option(help="Regular unit price in soles (for amount-based promos).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Parse a Spanish promotion text into its type and effective discount."""
    from pulso.pricing.promo_text import parse_promo

    with errors_as_one_line():
        settings_for(db)
        parsed = parse_promo(text, regular_price_pen=regular_price)
    document = parsed.to_dict()
    if as_json:
        emit(document)
        return
    discount = document["effective_discount"]
    shown = "unknown" if discount is None else f"{discount:.1%}"
    typer.echo(
        f"{document['type']}: effective discount {shown}, minimum units {document['min_units']}"
    )


@pipeline_app.command("run")
def pipeline_run(
    steps: Annotated[list[str] | None, typer.Argument(help="Steps to run (default: all).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed for model training.")] = 7,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run the pipeline steps in dependency order and record each in pipeline_run."""
    report = _run_pipeline(settings_for(db), steps=steps or None, seed=seed)
    if as_json:
        emit(report.to_dict())
    else:
        for outcome in report.outcomes:
            where = f" [{outcome.partition}]" if outcome.partition else ""
            err.print(
                f"{outcome.status:9s} {outcome.step}{where}: {outcome.rows_written} rows "
                f"in {outcome.duration_seconds:.1f} s"
                + (f" ({outcome.error})" if outcome.error else "")
            )
    if not report.succeeded:
        raise typer.Exit(code=1)


def _run_pipeline(settings: Settings, *, steps: list[str] | None, seed: int) -> Any:
    from pulso.pipelines.registry import StepContext
    from pulso.pipelines.runner import run_pipeline

    with errors_as_one_line():
        engine = engine_for(settings)
        context = StepContext(
            engine=engine,
            data_dir=settings.data_dir,
            run_key="",
            today=datetime.now(ZoneInfo(settings.ingest.timezone)).date(),
            seed=seed,
        )
        with progress_bar() as progress:
            task = progress.add_task("pipeline", total=None)
            return run_pipeline(
                context,
                steps=steps,
                progress=lambda stage, done, total: progress.update(
                    task, description=stage, completed=done, total=total
                ),
            )


@pipeline_app.command("list")
def pipeline_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the registered steps in run order."""
    from pulso.pipelines.registry import order_steps
    from pulso.pipelines.runner import run_pipeline  # noqa: F401 - registers steps

    settings_for(db)
    steps = [
        {"step": s.name, "area": s.area, "after": list(s.after), "description": s.description}
        for s in order_steps()
    ]
    if as_json:
        emit({"steps": steps})
    else:
        for item in steps:
            typer.echo(f"{item['step']:28s} {item['area']:12s} {item['description']}")


for _area in (
    cli_retail,
    cli_restaurants,
    cli_recsys,
    cli_sources,
    cli_users,
    cli_models,
    cli_privacy,
    cli_backup,
):
    _area.register(app)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.exit(130)
