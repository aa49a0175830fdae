"""Sources as data: add, list and run the sources stored in ``data_source``.

A source has a unique name, a kind (``vtex``, ``falabella``, ``html``, ``folder``), a config
(JSON, checked against the kind's model when added and again when run) and an optional cron
schedule. Running a source records an ``ingest_run`` through the same path as a file import
(:func:`~pulso.ingest.runner.ingest_frame`), so its bad records are quarantined with reasons
and a re-run within the same observation period only adds what is new.

When a run fails, the source's state keeps the error and the circuit breaker, an ``alert`` of
kind ``source_failed`` is raised (one per source and day), and the error propagates: callers
that run several sources catch it per source, so one failing site never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine, Table, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from pulso.errors import InputError, NotFoundError
from pulso.ingest.connectors.falabella import FalabellaConfig, crawl_falabella
from pulso.ingest.connectors.folder import FolderConfig, run_folder
from pulso.ingest.connectors.harvest import Harvest, observation_time
from pulso.ingest.connectors.html import HtmlConfig, crawl_html
from pulso.ingest.connectors.http import CircuitBreaker, HttpPolicy, PoliteClient
from pulso.ingest.connectors.schedule import is_due, parse_cron
from pulso.ingest.connectors.state import DbResponseCache, load_status, save_status
from pulso.ingest.connectors.vtex import VtexConfig, crawl_vtex
from pulso.ingest.readers import RawTable
from pulso.ingest.runner import IngestOptions, IngestResult, ingest_frame
from pulso.store.tables import Alert, DataSource
from pulso.store.tables_sources import SourceState

__all__ = [
    "SOURCE_KINDS",
    "SourceInfo",
    "SourceRunResult",
    "SourceRuntime",
    "add_source",
    "check_config",
    "due_sources",
    "get_source",
    "list_sources",
    "run_source",
]

logger = logging.getLogger(__name__)

_CONFIGS: dict[str, type[BaseModel]] = {
    "vtex": VtexConfig,
    "falabella": FalabellaConfig,
    "html": HtmlConfig,
    "folder": FolderConfig,
}
#: Kinds of source that ``run_source`` can run (``file`` sources only name imported files).
SOURCE_KINDS: tuple[str, ...] = tuple(_CONFIGS)

Crawler = Callable[[PoliteClient, Any, datetime], Harvest]
_CRAWLERS: dict[str, Crawler] = {
    "vtex": lambda client, config, at: crawl_vtex(client, config, observed_at=at),
    "falabella": lambda client, config, at: crawl_falabella(client, config, observed_at=at),
    "html": lambda client, config, at: crawl_html(client, config, observed_at=at),
}


@dataclass(frozen=True, slots=True)
class SourceRuntime:
    """How runs fetch: the HTTP policy, an optional transport, and the clock."""

    policy: HttpPolicy = field(default_factory=HttpPolicy)
    transport: httpx.BaseTransport | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """A configured source and where it stands."""

    id: int
    name: str
    kind: str
    config: dict[str, Any]
    schedule: str | None
    enabled: bool
    created_at: datetime
    last_run_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    breaker_open: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "config": self.config,
            "schedule": self.schedule,
            "enabled": self.enabled,
            "created_at": self.created_at.isoformat(),
            "last_run_at": _iso(self.last_run_at),
            "last_success_at": _iso(self.last_success_at),
            "last_error": self.last_error,
            "consecutive_failures": self.consecutive_failures,
            "breaker_open": self.breaker_open,
        }


@dataclass(frozen=True, slots=True)
class SourceRunResult:
    """One run of a source; ``to_dict`` extends ``pulso ingest --json``'s document."""

    source: str
    kind: str
    results: tuple[IngestResult, ...]
    fetch: dict[str, Any] = field(default_factory=dict)
    files: tuple[dict[str, Any], ...] = ()

    @property
    def accepted(self) -> int:
        return sum(result.accepted for result in self.results)

    @property
    def quarantined(self) -> int:
        return sum(result.quarantined for result in self.results)

    @property
    def duplicates(self) -> int:
        return sum(result.duplicates for result in self.results)

    def to_dict(self) -> dict[str, Any]:
        run_ids = [result.run_id for result in self.results]
        return {
            "accepted": self.accepted,
            "quarantined": self.quarantined,
            "duplicates": self.duplicates,
            "run_id": run_ids[-1] if run_ids else None,
            "run_ids": run_ids,
            "rows_read": sum(result.rows_read for result in self.results),
            "source": self.source,
            "kind": self.kind,
            "status": "succeeded",
            "fetch": self.fetch,
            "files": list(self.files),
        }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def check_config(kind: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """The config of a ``kind`` source, checked and completed with defaults (JSON-ready)."""
    if kind not in _CONFIGS:
        raise InputError(f"unknown source kind {kind!r}; known kinds: {', '.join(SOURCE_KINDS)}")
    try:
        model = _CONFIGS[kind].model_validate(dict(config))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'config'}: {error['msg']}"
            for error in exc.errors()
        )
        raise InputError(f"invalid {kind} source config: {problems}") from exc
    return model.model_dump(mode="json")


def add_source(
    engine: Engine,
    kind: str,
    name: str,
    *,
    config: Mapping[str, Any],
    schedule: str | None = None,
    enabled: bool = True,
) -> SourceInfo:
    """Store a new source; :class:`InputError` for a taken name, bad config or schedule."""
    name = name.strip()
    if not name or len(name) > 120:
        raise InputError("a source name has 1 to 120 characters")
    checked = check_config(kind, config)
    if schedule:
        parse_cron(schedule)
    with engine.begin() as connection:
        taken = connection.scalar(select(DataSource.id).where(DataSource.name == name))
        if taken is not None:
            raise InputError(f"a source named {name!r} already exists")
        connection.execute(
            insert(DataSource).values(
                name=name,
                kind=kind,
                config=checked,
                schedule=schedule or None,
                enabled=enabled,
                created_at=datetime.now(UTC),
            )
        )
    logger.info("added %s source %s", kind, name)
    return get_source(engine, name)


def _info(source: DataSource, state: SourceState | None) -> SourceInfo:
    return SourceInfo(
        id=source.id,
        name=source.name,
        kind=source.kind,
        config=dict(source.config or {}),
        schedule=source.schedule,
        enabled=source.enabled,
        created_at=source.created_at,
        last_run_at=state.last_run_at if state else None,
        last_success_at=state.last_success_at if state else None,
        last_error=state.last_error if state else None,
        consecutive_failures=state.consecutive_failures if state else 0,
        breaker_open=state is not None and state.breaker_opened_at is not None,
    )


def _sources(engine: Engine, name: str | None = None) -> list[SourceInfo]:
    statement = (
        select(DataSource, SourceState)
        .outerjoin(SourceState, SourceState.source_id == DataSource.id)
        .order_by(DataSource.name)
    )
    if name is not None:
        statement = statement.where(DataSource.name == name)
    with Session(engine) as session:
        return [_info(source, state) for source, state in session.execute(statement)]


def get_source(engine: Engine, name: str) -> SourceInfo:
    """The source called ``name``; :class:`NotFoundError` when there is none."""
    found = _sources(engine, name)
    if not found:
        raise NotFoundError(f"no source named {name!r}")
    return found[0]


def list_sources(engine: Engine) -> list[SourceInfo]:
    """Every source, by name (``file`` sources of imported files included)."""
    return _sources(engine)


def due_sources(engine: Engine, *, now: datetime, timezone: str = "America/Lima") -> list[str]:
    """Names of the enabled runnable sources whose schedule has come (see ``schedule``)."""
    return [
        info.name
        for info in list_sources(engine)
        if info.enabled
        and info.kind in SOURCE_KINDS
        and is_due(info.schedule, last_run=info.last_run_at, now=now, timezone=timezone)
    ]


def run_source(
    engine: Engine,
    name: str,
    *,
    options: IngestOptions,
    runtime: SourceRuntime | None = None,
) -> SourceRunResult:
    """Run one source now (whatever its schedule); see the module docstring for failures."""
    runtime = runtime or SourceRuntime()
    info = get_source(engine, name)
    if info.kind not in SOURCE_KINDS:
        raise InputError(
            f"source {name!r} is a {info.kind!r} source (it names imported files) and cannot "
            f"be run; runnable kinds: {', '.join(SOURCE_KINDS)}"
        )
    ran_at = runtime.clock()
    policy = runtime.policy
    breaker = CircuitBreaker(
        threshold=policy.breaker_threshold,
        cooldown_seconds=policy.breaker_cooldown_seconds,
        state=load_status(engine, info.id).breaker,
        clock=runtime.clock,
    )
    try:
        config = _CONFIGS[info.kind].model_validate(info.config)
        if isinstance(config, FolderConfig):
            result = _run_folder(engine, info, config, options=options)
        else:
            result = _run_site(
                engine, info, config, options=options, runtime=runtime, breaker=breaker, at=ran_at
            )
    except Exception as exc:
        save_status(engine, info.id, breaker=breaker.snapshot(), ran_at=ran_at, error=str(exc))
        _raise_alert(engine, info, exc, at=ran_at, timezone=options.timezone)
        raise
    save_status(engine, info.id, breaker=breaker.snapshot(), ran_at=ran_at, error=None)
    return result


def _run_folder(
    engine: Engine, info: SourceInfo, config: FolderConfig, *, options: IngestOptions
) -> SourceRunResult:
    outcomes = run_folder(
        engine, source=info.name, source_id=info.id, config=config, options=options
    )
    return SourceRunResult(
        info.name,
        info.kind,
        tuple(outcome.result for outcome in outcomes if outcome.result is not None),
        files=tuple(outcome.to_dict() for outcome in outcomes),
    )


def _run_site(
    engine: Engine,
    info: SourceInfo,
    config: Any,
    *,
    options: IngestOptions,
    runtime: SourceRuntime,
    breaker: CircuitBreaker,
    at: datetime,
) -> SourceRunResult:
    observed_at = observation_time(at, period=config.period, timezone=options.timezone)
    crawl = _CRAWLERS[info.kind]
    harvests: list[Harvest] = []
    with PoliteClient(
        runtime.policy,
        breaker=breaker,
        cache=DbResponseCache(engine, info.id),
        transport=runtime.transport,
    ) as client:

        def produce() -> RawTable:
            harvests.append(crawl(client, config, observed_at))
            return harvests[-1].table

        result = ingest_frame(
            engine,
            "prices",
            produce,
            options=options,
            source=info.name,
            label=f"{info.kind}:{_where(config)}",
        )
        fetch = harvests[-1].to_dict() | {"requests": client.requests_sent}
    return SourceRunResult(info.name, info.kind, (result,), fetch=fetch)


def _where(config: Any) -> str:
    if isinstance(config, HtmlConfig):
        return config.start_urls[0]
    return str(config.base_url)


def _raise_alert(
    engine: Engine, info: SourceInfo, error: BaseException, *, at: datetime, timezone: str
) -> None:
    day = at.astimezone(ZoneInfo(timezone)).date().isoformat()
    table = Alert.__table__
    assert isinstance(table, Table)
    insert_for = sqlite_insert if engine.dialect.name == "sqlite" else pg_insert
    statement = (
        insert_for(table)
        .values(
            dedup_key=f"source_failed:{info.name}:{day}"[:200],
            kind="source_failed",
            severity="warning",
            title=f"Source {info.name} failed: {error}"[:500],
            detail={
                "source": info.name,
                "kind": info.kind,
                "error": str(error)[:2000],
                "error_type": type(error).__name__,
                "failed_at": at.isoformat(),
            },
            created_at=at,
        )
        .on_conflict_do_nothing(index_elements=["dedup_key"])
    )
    with engine.begin() as connection:
        connection.execute(statement)
    logger.warning("source %s failed: %s", info.name, error)
