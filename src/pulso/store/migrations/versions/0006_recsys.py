"""recsys insights: the recommender's serving index and diner vectors

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-23 17:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pulso.store.types

revision = "0006"
down_revision = "0002"
branch_labels = ("recsys",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insight_recommender_diner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("diner_id", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("group_index", sa.Integer(), nullable=False),
        sa.Column(
            "history",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["diner_id"], ["diner.id"], name=op.f("fk_insight_recommender_diner_diner_id_diner")
        ),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_version.id"],
            name=op.f("fk_insight_recommender_diner_model_version_id_model_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_recommender_diner")),
        sa.UniqueConstraint(
            "model_version_id",
            "diner_id",
            name=op.f("uq_insight_recommender_diner_model_version_id"),
        ),
    )
    with op.batch_alter_table("insight_recommender_diner", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_insight_recommender_diner_diner_id"), ["diner_id"], unique=False
        )

    op.create_table(
        "insight_recommender_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", pulso.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dishes", sa.Integer(), nullable=False),
        sa.Column("diners", sa.Integer(), nullable=False),
        sa.Column(
            "weights",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_version.id"],
            name=op.f("fk_insight_recommender_state_model_version_id_model_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_recommender_state")),
        sa.UniqueConstraint(
            "model_version_id", name=op.f("uq_insight_recommender_state_model_version_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("insight_recommender_state")
    with op.batch_alter_table("insight_recommender_diner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insight_recommender_diner_diner_id"))

    op.drop_table("insight_recommender_diner")
