"""Sources tables (written by the pipeline or connectors, read by the API)."""

from __future__ import annotations

from pulso.store.tables import Base

__all__: list[str] = []

_ = Base
