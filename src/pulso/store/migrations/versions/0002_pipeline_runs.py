"""pipeline runs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:15:44.175556
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pulso.store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pipeline_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_key", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=80), nullable=False),
        sa.Column("partition", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("started_at", pulso.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", pulso.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("rows_written", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_run")),
    )
    with op.batch_alter_table("pipeline_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pipeline_run_run_key"), ["run_key"], unique=False)
        batch_op.create_index("ix_pipeline_run_step_started", ["step", "started_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pipeline_run", schema=None) as batch_op:
        batch_op.drop_index("ix_pipeline_run_step_started")
        batch_op.drop_index(batch_op.f("ix_pipeline_run_run_key"))

    op.drop_table("pipeline_run")
