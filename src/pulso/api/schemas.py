"""Response models of the REST API (the OpenAPI contract)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

__all__ = ["DataSourceOut", "Health", "IngestRunOut", "PageOut", "QuarantinedRowOut"]

T = TypeVar("T")


class PageOut(BaseModel, Generic[T]):
    """A page of items with the total that matched."""

    items: list[T]
    total: int
    page: int
    page_size: int


class Health(BaseModel):
    """Liveness and database reachability."""

    status: str
    database: str
    version: str
    schema_revision: str | None


class DataSourceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    config: dict[str, Any]
    schedule: str | None
    enabled: bool
    created_at: datetime


class IngestRunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source_id: int | None
    kind: str
    path: str
    file_sha256: str | None
    status: str
    started_at: datetime
    finished_at: datetime | None
    rows_read: int
    accepted: int
    quarantined: int
    duplicates: int
    error: str | None


class QuarantinedRowOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    run_id: int
    row_number: int
    column: str | None
    reason: str
    reasons: list[dict[str, Any]]
    raw: dict[str, Any]
