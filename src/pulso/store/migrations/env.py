"""Alembic environment: runs against the engine handed over by ``upgrade_database``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from pulso.store.schema import metadata

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):  # pragma: no cover - guarded by upgrade_database
    raise RuntimeError("run migrations through pulso.store.session.upgrade_database")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
