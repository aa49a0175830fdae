"""Map Pulso's errors to RFC 9457 problem+json responses (the API's one error boundary)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pulso.errors import (
    ConfigError,
    InputError,
    ModelNotFittedError,
    NotFoundError,
    PulsoError,
    SourceError,
)

__all__ = ["install_problem_handlers", "problem"]

logger = logging.getLogger(__name__)

_STATUS: dict[type[PulsoError], int] = {
    InputError: 422,
    NotFoundError: 404,
    SourceError: 502,
    ConfigError: 500,
    ModelNotFittedError: 409,
}


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """A problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


async def _pulso_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PulsoError)
    status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 500)
    if status >= 500:
        logger.error("request failed: %s", exc)
    return problem(status, type(exc).__name__, str(exc))


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return problem(exc.status_code, "HTTPError", str(exc.detail))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
        for error in exc.errors()
    ]
    detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors)
    return problem(422, "RequestValidationError", detail, errors=errors)


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(PulsoError, _pulso_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
