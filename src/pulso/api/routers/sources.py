"""``/api/v1/sources``: configured data sources, and running one now."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from sqlalchemy import Engine

from pulso.api.deps import PageDep, SessionDep, get_engine
from pulso.api.schemas import DataSourceOut, PageOut
from pulso.api.schemas_sources import SourceRunOut
from pulso.ingest.connectors.sources import SourceRuntime, run_source
from pulso.ingest.runner import IngestOptions
from pulso.store.queries import ingest as queries

__all__ = ["get_ingest_options", "get_source_runtime", "router"]

router = APIRouter(prefix="/api/v1", tags=["sources"])


def get_ingest_options() -> IngestOptions:
    """Ingest options from the settings (overridden in tests)."""
    from pulso.config import get_settings

    settings = get_settings()
    return IngestOptions(
        pseudonym_key=settings.secret_key.get_secret_value().encode(),
        own_retailer=settings.own_retailer,
        timezone=settings.ingest.timezone,
        max_future_days=settings.ingest.max_future_days,
        batch_rows=settings.ingest.batch_rows,
    )


def get_source_runtime() -> SourceRuntime:
    """How source runs fetch (the default polite HTTP policy; overridden in tests)."""
    return SourceRuntime()


@router.get("/sources", response_model=PageOut[DataSourceOut], summary="Configured data sources")
def list_sources(session: SessionDep, paging: PageDep) -> PageOut[DataSourceOut]:
    page = queries.list_sources(session, page=paging.page, page_size=paging.page_size)
    return PageOut[DataSourceOut].model_validate(page, from_attributes=True)


@router.post(
    "/sources/{name}/run",
    response_model=SourceRunOut,
    summary="Run a source now (synchronously) and return the ingest counts",
)
def run_source_now(
    name: Annotated[str, Path(max_length=120)],
    engine: Annotated[Engine, Depends(get_engine)],
    options: Annotated[IngestOptions, Depends(get_ingest_options)],
    runtime: Annotated[SourceRuntime, Depends(get_source_runtime)],
) -> SourceRunOut:
    """404 for an unknown source, 502 when the site fails (an alert is raised as well)."""
    result = run_source(engine, name, options=options, runtime=runtime)
    return SourceRunOut.model_validate(result.to_dict())
