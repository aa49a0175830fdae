"""Response models of the sources endpoints."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

__all__ = ["SourceRunOut"]


class SourceRunOut(BaseModel):
    """One run of a source: ``pulso ingest --json``'s counts plus what was fetched."""

    accepted: int
    quarantined: int
    duplicates: int
    run_id: int | None
    run_ids: list[int]
    rows_read: int
    source: str
    kind: str
    status: str
    fetch: dict[str, Any]
    files: list[dict[str, Any]]
