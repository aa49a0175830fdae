"""``/api/v1/retail``: retail forecasts endpoints (JSON read from insight tables)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/retail", tags=["retail forecasts"])
