"""sources: connector state (circuit breakers, HTTP cache, seen files)

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-23 17:25:09.569389
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pulso.store.types

revision = "0007"
down_revision = "0002"
branch_labels = ("sources",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "http_cache_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("url_key", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("etag", sa.String(length=200), nullable=True),
        sa.Column("last_modified", sa.String(length=64), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("fetched_at", pulso.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["data_source.id"],
            name=op.f("fk_http_cache_entry_source_id_data_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_http_cache_entry")),
        sa.UniqueConstraint("source_id", "url_key", name=op.f("uq_http_cache_entry_source_id")),
    )
    op.create_table(
        "source_state",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column(
            "breaker_opened_at", pulso.store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("last_run_at", pulso.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", pulso.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["data_source.id"],
            name=op.f("fk_source_state_source_id_data_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_source_state")),
    )
    op.create_table(
        "source_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("seen_at", pulso.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ingest_run.id"],
            name=op.f("fk_source_file_run_id_ingest_run"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["data_source.id"],
            name=op.f("fk_source_file_source_id_data_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_file")),
        sa.UniqueConstraint("source_id", "file_sha256", name=op.f("uq_source_file_source_id")),
    )


def downgrade() -> None:
    op.drop_table("source_file")
    op.drop_table("source_state")
    op.drop_table("http_cache_entry")
