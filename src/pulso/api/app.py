"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI
from sqlalchemy import Engine

from pulso import __version__
from pulso.api.auth import AuthConfig, install_auth_handlers, require_api_user
from pulso.api.problems import install_problem_handlers
from pulso.api.routers import auth as auth_routes
from pulso.api.routers import (
    health,
    ingest,
    metrics,
    recommendations,
    restaurants,
    retail,
    retail_forecasts,
    sources,
)
from pulso.web import install_web

__all__ = ["create_app"]

_DESCRIPTION = """
Pulso's REST API: competitor prices and promotions for supermarkets, diner preferences and
dish recommendations for restaurants. Lists are paged with `page` and `page_size`; errors are
`application/problem+json`. Every `/api/v1` route needs a bearer token from
`POST /api/v1/auth/token` (or a dashboard session); viewers may read but not change data.
"""

#: Routers whose every route needs a logged-in user (and an admin or analyst to change data).
_PROTECTED: tuple[APIRouter, ...] = (
    ingest.router,
    sources.router,
    retail.router,
    retail_forecasts.router,
    restaurants.router,
    recommendations.router,
)


def create_app(engine: Engine, *, auth: AuthConfig | None = None) -> FastAPI:
    """Build the app around ``engine`` (created by the caller from settings).

    With ``auth`` every page and ``/api/v1`` route needs a session cookie or a bearer token,
    except ``/health``, ``/metrics`` and the login page; without it the app is open.
    """
    app = FastAPI(title="Pulso", version=__version__, description=_DESCRIPTION)
    app.state.engine = engine
    app.state.auth = auth
    install_problem_handlers(app)
    install_auth_handlers(app)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(auth_routes.router)
    guard = [Depends(require_api_user)] if auth is not None else []
    for router in _PROTECTED:
        app.include_router(router, dependencies=guard)
    install_web(app)
    return app
