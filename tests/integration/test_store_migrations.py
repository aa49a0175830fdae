"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from pulso.store.schema import metadata
from pulso.store.session import current_revision, head_revisions, upgrade_database


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_upgrade_is_idempotent_and_indexes_exist(engine):
    assert upgrade_database(engine) == current_revision(engine) == head_revisions()
    inspector = inspect(engine)
    unique = {
        tuple(c["column_names"]) for c in inspector.get_unique_constraints("price_observation")
    }
    assert ("listing_id", "observed_at") in unique
    indexed = {tuple(i["column_names"]) for i in inspector.get_indexes("price_observation")}
    assert ("run_id",) in indexed
    assert set(metadata.tables) <= set(inspector.get_table_names())
