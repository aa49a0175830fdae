"""The dashboard's pages, one module per page or group of pages."""

from __future__ import annotations

from fastapi import APIRouter

from pulso.web.pages import (
    alerts,
    competitors,
    data,
    forecasts,
    models,
    overview,
    prices,
    promotions,
    recommendations,
    restaurants,
)

__all__ = ["PAGE_ROUTERS"]

PAGE_ROUTERS: tuple[APIRouter, ...] = (
    overview.router,
    prices.router,
    promotions.router,
    competitors.router,
    forecasts.router,
    alerts.router,
    restaurants.router,
    recommendations.router,
    data.router,
    models.router,
)
