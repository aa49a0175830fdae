"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from pulso.store.session import current_revision, upgrade_database
from pulso.store.tables import Base


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrade_is_idempotent_and_indexes_exist(engine):
    assert upgrade_database(engine) == current_revision(engine) == "0001"
    inspector = inspect(engine)
    unique = {
        tuple(c["column_names"]) for c in inspector.get_unique_constraints("price_observation")
    }
    assert ("listing_id", "observed_at") in unique
    indexed = {tuple(i["column_names"]) for i in inspector.get_indexes("price_observation")}
    assert ("run_id",) in indexed
    assert set(Base.metadata.tables) <= set(inspector.get_table_names())
