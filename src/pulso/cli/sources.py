"""``pulso source ...``: add, list and run data sources (VTEX, Falabella, HTML, folders)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer

from pulso.cli._common import (
    DbOption,
    JsonOption,
    emit,
    engine_for,
    err,
    errors_as_one_line,
    ingest_options,
    settings_for,
)
from pulso.errors import InputError

__all__ = ["register"]

source_app = typer.Typer(help="Data sources: VTEX stores, Falabella, HTML pages, folders.")
add_app = typer.Typer(help="Add a source (stored in the database with its schedule).")
source_app.add_typer(add_app, name="add")

ScheduleOption = Annotated[
    str | None,
    typer.Option(help='Cron schedule, e.g. "0 6 * * *" (America/Lima) or @daily.'),
]
RetailerOption = Annotated[
    str | None, typer.Option(help="Retailer name the prices are stored under.")
]
PeriodOption = Annotated[
    str,
    typer.Option(help="One observation per listing per day, hour or run (re-runs dedupe)."),
]


def register(app: typer.Typer) -> None:
    """Add ``pulso source`` to the main app."""
    app.add_typer(source_app, name="source")


def _add(
    kind: str,
    name: str,
    config: dict[str, Any],
    *,
    schedule: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    from pulso.ingest.connectors.sources import add_source

    with errors_as_one_line():
        engine = engine_for(settings_for(db))
        info = add_source(engine, kind, name, config=config, schedule=schedule)
    if as_json:
        emit(info.to_dict())
    else:
        err.print(
            f"added {kind} source {info.name}" + (f" ({info.schedule})" if info.schedule else "")
        )


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, [], ())}


@add_app.command("vtex")
def add_vtex(
    name: Annotated[str, typer.Argument(help="Unique source name.")],
    base_url: Annotated[
        str | None, typer.Option(help="Store URL, e.g. https://www.wong.pe.")
    ] = None,
    preset: Annotated[
        str | None, typer.Option(help="plazavea, wong, metro, vivanda or makro (URL and channel).")
    ] = None,
    retailer: RetailerOption = None,
    query: Annotated[str | None, typer.Option(help="Free-text search (ft).")] = None,
    sales_channel: Annotated[
        int | None, typer.Option(help="Sales channel (sc); Makro uses 9.")
    ] = None,
    category: Annotated[
        list[str] | None, typer.Option(help="Category id path such as 1/10/100 (repeatable).")
    ] = None,
    ean: Annotated[list[str] | None, typer.Option(help="EAN to look up (repeatable).")] = None,
    fq: Annotated[
        list[str] | None, typer.Option(help="Extra VTEX fq filter (repeatable).")
    ] = None,
    full_crawl: Annotated[
        bool, typer.Option("--full-crawl", help="Walk the whole category tree.")
    ] = False,
    period: PeriodOption = "day",
    schedule: ScheduleOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A VTEX store (Plaza Vea, Wong, Metro, Vivanda, Makro): catalog search API."""
    from pulso.ingest.connectors.vtex import VTEX_PRESETS

    with errors_as_one_line():
        chosen = None
        if preset is not None:
            chosen = VTEX_PRESETS.get(preset.lower())
            if chosen is None:
                raise InputError(
                    f"unknown VTEX preset {preset!r}; known: {', '.join(VTEX_PRESETS)}"
                )
        elif base_url is not None:
            host = urlsplit(base_url).netloc
            chosen = next(
                (p for p in VTEX_PRESETS.values() if urlsplit(p.base_url).netloc == host), None
            )
        url = base_url or (chosen.base_url if chosen else None)
        if url is None:
            raise InputError("give --base-url or --preset")
    config = _drop_none(
        {
            "retailer": retailer or (chosen.retailer if chosen else name),
            "base_url": url,
            "sales_channel": sales_channel
            if sales_channel is not None
            else (chosen.sales_channel if chosen else None),
            "query": query,
            "categories": category or [],
            "eans": ean or [],
            "fq": fq or [],
            "full_crawl": full_crawl,
            "period": period,
        }
    )
    _add("vtex", name, config, schedule=schedule, db=db, as_json=as_json)


@add_app.command("falabella")
def add_falabella(
    name: Annotated[str, typer.Argument(help="Unique source name.")],
    category_url: Annotated[
        list[str],
        typer.Option(help="Category listing URL, absolute or from the base (repeatable)."),
    ],
    base_url: Annotated[str, typer.Option(help="Site URL.")] = "https://tottus.falabella.com.pe",
    retailer: RetailerOption = None,
    max_pages: Annotated[int, typer.Option(help="Pages per category at most.")] = 100,
    period: PeriodOption = "day",
    schedule: ScheduleOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A Falabella-platform site (Tottus): listing pages with embedded __NEXT_DATA__."""
    config = {
        "retailer": retailer or "Tottus",
        "base_url": base_url,
        "category_urls": category_url,
        "max_pages": max_pages,
        "period": period,
    }
    _add("falabella", name, config, schedule=schedule, db=db, as_json=as_json)


@add_app.command("html")
def add_html(
    name: Annotated[str, typer.Argument(help="Unique source name.")],
    config_file: Annotated[
        Path, typer.Option("--config", help="YAML file with the CSS selectors.")
    ],
    schedule: ScheduleOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """HTML listing pages described by CSS selectors (the YAML is stored with the source)."""
    from pulso.ingest.connectors.html import load_html_config

    with errors_as_one_line():
        if not config_file.is_file():
            raise InputError("file not found", file=str(config_file))
        config = load_html_config(config_file.read_text(encoding="utf-8"), file=str(config_file))
    _add("html", name, config.model_dump(mode="json"), schedule=schedule, db=db, as_json=as_json)


@add_app.command("folder")
def add_folder(
    name: Annotated[str, typer.Argument(help="Unique source name.")],
    path: Annotated[Path, typer.Option(help="Directory to watch.")],
    kind: Annotated[
        str,
        typer.Option(
            help="Import kind (prices, orders, feedback, surveys...) or survey-export, "
            "review-export, pos-export."
        ),
    ],
    pattern: Annotated[str, typer.Option(help="File name pattern.")] = "*",
    mapping: Annotated[Path | None, typer.Option(help="POS mapping YAML (pos-export).")] = None,
    restaurant: Annotated[str | None, typer.Option(help="Restaurant of the exports.")] = None,
    survey: Annotated[str | None, typer.Option(help="Survey name (default: file name).")] = None,
    platform: Annotated[
        str | None, typer.Option(help="Review platform: google, tripadvisor.")
    ] = None,
    schedule: ScheduleOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A folder: each new file is imported once (by content)."""
    from pulso.ingest.connectors.exports import load_pos_mapping

    with errors_as_one_line():
        mapping_config = None
        if mapping is not None:
            if not mapping.is_file():
                raise InputError("file not found", file=str(mapping))
            mapping_config = load_pos_mapping(
                mapping.read_text(encoding="utf-8"), file=str(mapping)
            )
    config = _drop_none(
        {
            "path": str(path.expanduser().resolve()),
            "kind": kind,
            "pattern": pattern,
            "mapping": mapping_config.model_dump(mode="json") if mapping_config else None,
            "restaurant": restaurant,
            "survey": survey,
            "platform": platform,
        }
    )
    _add("folder", name, config, schedule=schedule, db=db, as_json=as_json)


@source_app.command("list")
def list_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List sources with their schedule, last run and breaker."""
    from pulso.ingest.connectors.sources import list_sources

    with errors_as_one_line():
        sources = list_sources(engine_for(settings_for(db)))
    if as_json:
        emit({"sources": [info.to_dict() for info in sources]})
        return
    for info in sources:
        last = info.last_run_at.isoformat(timespec="minutes") if info.last_run_at else "never"
        state = (
            "breaker OPEN" if info.breaker_open else ("ok" if not info.last_error else "failed")
        )
        typer.echo(
            f"{info.name:24s} {info.kind:10s} {info.schedule or '-':14s} last run {last:22s} {state}"
        )


@source_app.command("run")
def run_command(
    name: Annotated[str, typer.Argument(help="Source to run now.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run a source now; prints ingest's counts (accepted, quarantined, duplicates, run_id)."""
    from pulso.ingest.connectors.sources import run_source

    with errors_as_one_line():
        settings = settings_for(db)
        result = run_source(engine_for(settings), name, options=ingest_options(settings))
    document = result.to_dict()
    if as_json:
        emit(document)
    else:
        err.print(
            f"source {name}: {document['accepted']} accepted, {document['quarantined']} "
            f"quarantined, {document['duplicates']} duplicates (run {document['run_id']})"
        )
