"""``/api/v1/ingest-runs`` and ``/api/v1/quarantine`` (sources are in ``routers/sources.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from pulso.api.deps import PageDep, SessionDep
from pulso.api.schemas import IngestRunOut, PageOut, QuarantinedRowOut
from pulso.errors import NotFoundError
from pulso.store.queries import ingest as queries

router = APIRouter(prefix="/api/v1", tags=["data"])


@router.get(
    "/ingest-runs", response_model=PageOut[IngestRunOut], summary="Ingest runs, newest first"
)
def list_ingest_runs(
    session: SessionDep,
    paging: PageDep,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    source_id: Annotated[int | None, Query(ge=1)] = None,
) -> PageOut[IngestRunOut]:
    page = queries.list_ingest_runs(
        session,
        page=paging.page,
        page_size=paging.page_size,
        kind=kind,
        status=status,
        source_id=source_id,
    )
    return PageOut[IngestRunOut].model_validate(page, from_attributes=True)


@router.get("/ingest-runs/{run_id}", response_model=IngestRunOut, summary="One ingest run")
def get_ingest_run(session: SessionDep, run_id: int) -> IngestRunOut:
    run = queries.get_ingest_run(session, run_id)
    if run is None:
        raise NotFoundError(f"ingest run {run_id} does not exist")
    return IngestRunOut.model_validate(run)


@router.get(
    "/quarantine",
    response_model=PageOut[QuarantinedRowOut],
    summary="Quarantined rows with reasons",
)
def list_quarantine(
    session: SessionDep,
    paging: PageDep,
    run_id: Annotated[int | None, Query(ge=1)] = None,
    column: Annotated[str | None, Query(max_length=80)] = None,
) -> PageOut[QuarantinedRowOut]:
    page = queries.list_quarantine(
        session, page=paging.page, page_size=paging.page_size, run_id=run_id, column=column
    )
    return PageOut[QuarantinedRowOut].model_validate(page, from_attributes=True)
