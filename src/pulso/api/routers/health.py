"""``GET /health``: is the service up and can it reach its database."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.exc import SQLAlchemyError

from pulso import __version__
from pulso.api.deps import SessionDep
from pulso.api.schemas import Health
from pulso.store.session import current_revision

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Liveness and database check")
def health(session: SessionDep) -> Health:
    try:
        engine = session.get_bind()
        revision = current_revision(engine)  # type: ignore[arg-type]
        database = "ok"
    except SQLAlchemyError:
        revision, database = None, "unreachable"
    status = "ok" if database == "ok" else "degraded"
    return Health(status=status, database=database, version=__version__, schema_revision=revision)
