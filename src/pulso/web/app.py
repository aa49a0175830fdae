"""Mounting the dashboard on the FastAPI app: pages, static files and the bundled plotly.js."""

from __future__ import annotations

from pathlib import Path

import plotly
from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request

from pulso.web.context import LoginRequiredError
from pulso.web.login import login_redirect
from pulso.web.login import router as login_router
from pulso.web.pages import PAGE_ROUTERS

__all__ = ["PLOTLY_JS", "install_web"]

_STATIC = Path(__file__).with_name("static")
#: plotly.js as shipped inside the ``plotly`` Python package (never a CDN).
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
_vendor = APIRouter(include_in_schema=False)


@_vendor.get("/vendor/plotly.min.js")
def plotly_js() -> Response:
    """The bundled plotly.js (cached by browsers for a day)."""
    return FileResponse(
        PLOTLY_JS,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


async def _security_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
    response = await call_next(request)
    if response.headers.get("content-type", "").startswith("text/html"):
        response.headers.setdefault("Content-Security-Policy", _CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def install_web(app: FastAPI) -> None:
    """Add the dashboard's pages, the login page, static files and security headers."""
    app.include_router(login_router)
    for router in PAGE_ROUTERS:
        app.include_router(router)
    app.include_router(_vendor)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    app.add_exception_handler(LoginRequiredError, login_redirect)
    app.add_middleware(BaseHTTPMiddleware, dispatch=_security_headers)
