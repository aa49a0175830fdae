"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from pulso import __version__
from pulso.api.problems import install_problem_handlers
from pulso.api.routers import (
    health,
    ingest,
    recommendations,
    restaurants,
    retail,
    retail_forecasts,
    sources,
)

__all__ = ["create_app"]

_DESCRIPTION = """
Pulso's REST API: competitor prices and promotions for supermarkets, diner preferences and
dish recommendations for restaurants. Lists are paged with `page` and `page_size`; errors are
`application/problem+json`.
"""


def create_app(engine: Engine) -> FastAPI:
    """Build the app around ``engine`` (created by the caller from settings)."""
    app = FastAPI(title="Pulso", version=__version__, description=_DESCRIPTION)
    app.state.engine = engine
    install_problem_handlers(app)
    app.include_router(health.router)
    app.include_router(ingest.router)
    app.include_router(sources.router)
    app.include_router(retail.router)
    app.include_router(retail_forecasts.router)
    app.include_router(restaurants.router)
    app.include_router(recommendations.router)
    return app
