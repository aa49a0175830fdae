"""``pulso`` commands of the restaurants area."""

from __future__ import annotations

from typing import Annotated

import typer

from pulso.cli._common import DbOption, JsonOption, emit, err, errors_as_one_line, settings_for


def register(app: typer.Typer) -> None:
    """Add this area's commands and sub-apps to the main ``pulso`` app."""
    app.command()(sentiment)


def sentiment(
    text: Annotated[str, typer.Argument(help='A review, e.g. "Buenazo el ceviche pero caro".')],
    lang: Annotated[str, typer.Option(help="es, en or auto.")] = "auto",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Overall and per-aspect sentiment of a review (offline)."""
    from pulso.customers.sentiment import analyze_feedback

    if lang not in {"es", "en", "auto"}:
        err.print(f"[bold red]error:[/] --lang must be es, en or auto, got {lang!r}")
        raise typer.Exit(code=1)
    with errors_as_one_line():
        settings_for(db)
        result = analyze_feedback(text, lang=lang).to_dict()
    if as_json:
        emit(result)
        return
    typer.echo(f"{result['label']} ({result['score']:+.2f})")
    for aspect in result["aspects"]:
        typer.echo(f"  {aspect['aspect']}: {aspect['label']}  «{aspect['evidence']}»")
