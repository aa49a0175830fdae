"""``pulso match ...``: match two listing files, and work the review queue of proposed matches.

* ``pulso match LEFT.csv RIGHT.csv [--json]``: each file has ``id,name`` and optional
  ``brand,ean,size`` (CSV, .xlsx or JSON records); prints the matched pairs
  ``{"matches": [{"left": id, "right": id, "score": float}]}``.
* ``pulso match review``: the pairs waiting for an analyst (``status="pending"``).
* ``pulso match confirm MATCH_ID`` / ``pulso match reject MATCH_ID``: record a decision (who
  and when); the next ``pulso pipeline run match_listings`` trains on it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from pulso.cli._common import (
    DbOption,
    JsonOption,
    emit,
    engine_for,
    errors_as_one_line,
    settings_for,
)

__all__ = ["register"]

_PAIRS_COMMAND = "pairs"


class _MatchGroup(TyperGroup):
    """``pulso match A B`` runs the ``pairs`` command; ``pulso match review`` a subcommand."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        positional = [arg for arg in args if not arg.startswith("-")]
        if positional and positional[0] not in self.commands:
            args = [_PAIRS_COMMAND, *args]
        return super().parse_args(ctx, args)


match_app = typer.Typer(
    cls=_MatchGroup,
    help="Match listings to products; review, confirm and reject proposed matches.",
    no_args_is_help=True,
)

ByOption = Annotated[str, typer.Option("--by", help="Who decides (stored as decided_by).")]


def register(app: typer.Typer) -> None:
    """Add ``pulso match`` to the main app."""
    app.add_typer(match_app, name="match")


@match_app.command(_PAIRS_COMMAND, hidden=True)
def match_files(
    left: Annotated[Path, typer.Argument(help="Listings with id,name[,brand,ean,size].")],
    right: Annotated[Path, typer.Argument(help="Listings to match against LEFT.")],
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Lowest score of a reported pair.")
    ] = 0.5,
    model: Annotated[
        Path | None, typer.Option(help="A trained match classifier (joblib) instead of rules.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Match the listings of LEFT.csv and RIGHT.csv one to one."""
    from pulso.pricing.matching import MatchClassifier, match_listings

    with errors_as_one_line():
        classifier = MatchClassifier.load(model) if model is not None else None
        frames = [_read_listings(path) for path in (left, right)]
        matches = match_listings(*frames, classifier=classifier, threshold=threshold)
    pairs = [
        {"left": left_id, "right": right_id, "score": round(float(score), 4)}
        for left_id, right_id, score in zip(
            matches["left_id"], matches["right_id"], matches["score"], strict=True
        )
    ]
    if as_json:
        emit({"matches": pairs})
        return
    for pair in pairs:
        typer.echo(f"{pair['left']}\t{pair['right']}\t{pair['score']:.4f}")


@match_app.command("review")
def review(
    competitor: Annotated[
        str | None, typer.Option(help="Only this retailer (id, slug or name).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="How many pairs to show.")] = 20,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the pairs waiting for review (best scores first)."""
    from pulso.store.queries import retail as queries
    from pulso.store.session import session_scope

    with errors_as_one_line():
        engine = engine_for(settings_for(db))
        with session_scope(engine) as session:
            filters = queries.RetailFilters(
                retailer_id=queries.resolve_retailer(session, competitor)
            )
            page = queries.list_matches(
                session, filters, page=1, page_size=limit, status="pending"
            )
    items = [_public(row) for row in page.items]
    if as_json:
        emit({"total": page.total, "items": items})
        return
    typer.echo(f"{page.total} pairs wait for review")
    for row in items:
        typer.echo(
            f"#{row['id']}  {row['score']:.2f}  {row['retailer_name']}: {row['listing_name']}"
            f"  ->  {row['sku']} {row['product_name']}"
        )


@match_app.command("confirm")
def confirm(
    match_id: Annotated[int, typer.Argument(help="The id shown by `pulso match review`.")],
    by: ByOption = "cli",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Confirm a proposed pair."""
    _decide(match_id, decision="confirmed", by=by, db=db, as_json=as_json)


@match_app.command("reject")
def reject(
    match_id: Annotated[int, typer.Argument(help="The id shown by `pulso match review`.")],
    by: ByOption = "cli",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reject a proposed pair (it is never proposed again)."""
    _decide(match_id, decision="rejected", by=by, db=db, as_json=as_json)


def _decide(match_id: int, *, decision: str, by: str, db: str | None, as_json: bool) -> None:
    from pulso.store.queries import retail as queries
    from pulso.store.session import session_scope

    with errors_as_one_line():
        engine = engine_for(settings_for(db))
        with session_scope(engine) as session:
            row = queries.decide_match(
                session, match_id, decision=decision, decided_by=by, now=datetime.now(UTC)
            )
    if as_json:
        emit(_public(row))
        return
    typer.echo(f"match #{match_id} {decision}: {row['listing_name']} -> {row['product_name']}")


def _read_listings(path: Path) -> Any:
    from pulso.errors import InputError
    from pulso.ingest.readers import read_table

    table = read_table(path)
    if table.malformed:
        first = table.malformed[0]
        raise InputError(first.reason, file=str(path), row=first.row_number)
    return table.frame


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in row.items()
    }
