"""Every table of Pulso, imported in one place (for migrations and schema checks).

Tables live in ``tables.py`` (core data) and ``tables_<area>.py`` (insight and operations
tables of each area); all share :class:`~pulso.store.tables.Base`.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from pulso.store import (  # noqa: F401 - imported for their tables
    tables_audit,
    tables_auth,
    tables_forecast,
    tables_ops,
    tables_recsys,
    tables_restaurants,
    tables_retail,
    tables_sources,
)
from pulso.store.tables import Base

__all__ = ["metadata"]

metadata: MetaData = Base.metadata
