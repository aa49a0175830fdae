"""``GET /metrics``: Prometheus exposition of the process and database metrics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import Engine

from pulso.api.deps import get_engine
from pulso.observability.metrics import render_metrics

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus exposition"}},
)
def metrics(request: Request, engine: Annotated[Engine, Depends(get_engine)]) -> Response:
    body, content_type = render_metrics(engine, accept=request.headers.get("accept", ""))
    return Response(content=body, media_type=content_type)
