"""retail insights: price gaps, price index, listing activity, anomalies, promotions, clusters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 17:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pulso.store.types

revision = "0003"
down_revision = "0002"
branch_labels = ("retail",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insight_price_index",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("index_regular", sa.Float(), nullable=False),
        sa.Column("index_shelf", sa.Float(), nullable=False),
        sa.Column("n_products", sa.Integer(), nullable=False),
        sa.Column("weight_share", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailer.id"],
            name=op.f("fk_insight_price_index_retailer_id_retailer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_price_index")),
        sa.UniqueConstraint(
            "week", "category", "retailer_id", name=op.f("uq_insight_price_index_week")
        ),
    )
    op.create_index(
        "ix_insight_price_index_retailer_category",
        "insight_price_index",
        ["retailer_id", "category"],
        unique=False,
    )
    op.create_index(
        op.f("ix_insight_price_index_week"), "insight_price_index", ["week"], unique=False
    )
    op.create_table(
        "insight_promo_calendar",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("promotions_active", sa.Integer(), nullable=False),
        sa.Column("promotions_started", sa.Integer(), nullable=False),
        sa.Column("listings_on_promo", sa.Integer(), nullable=False),
        sa.Column("listing_share", sa.Float(), nullable=False),
        sa.Column("mean_depth", sa.Float(), nullable=True),
        sa.Column(
            "campaigns",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailer.id"],
            name=op.f("fk_insight_promo_calendar_retailer_id_retailer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_promo_calendar")),
        sa.UniqueConstraint(
            "week", "retailer_id", "category", name=op.f("uq_insight_promo_calendar_week")
        ),
    )
    op.create_index(
        "ix_insight_promo_calendar_retailer_category",
        "insight_promo_calendar",
        ["retailer_id", "category"],
        unique=False,
    )
    op.create_index(
        op.f("ix_insight_promo_calendar_week"), "insight_promo_calendar", ["week"], unique=False
    )
    op.create_table(
        "insight_promo_stats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("listings", sa.Integer(), nullable=False),
        sa.Column("promotions", sa.Integer(), nullable=False),
        sa.Column("promos_per_listing_month", sa.Float(), nullable=False),
        sa.Column("promo_day_share", sa.Float(), nullable=False),
        sa.Column("mean_depth", sa.Float(), nullable=True),
        sa.Column("median_depth", sa.Float(), nullable=True),
        sa.Column("max_depth", sa.Float(), nullable=True),
        sa.Column("mean_duration_days", sa.Float(), nullable=True),
        sa.Column("median_duration_days", sa.Float(), nullable=True),
        sa.Column("unknown_share", sa.Float(), nullable=False),
        sa.Column(
            "type_mix",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailer.id"],
            name=op.f("fk_insight_promo_stats_retailer_id_retailer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_promo_stats")),
        sa.UniqueConstraint(
            "retailer_id", "category", name=op.f("uq_insight_promo_stats_retailer_id")
        ),
    )
    op.create_index(
        op.f("ix_insight_promo_stats_category"), "insight_promo_stats", ["category"], unique=False
    )
    op.create_table(
        "insight_strategy_cluster",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("cluster", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column(
            "features",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("model_version", sa.Integer(), nullable=True),
        sa.Column("computed_at", pulso.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailer.id"],
            name=op.f("fk_insight_strategy_cluster_retailer_id_retailer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_strategy_cluster")),
        sa.UniqueConstraint(
            "retailer_id", "category", name=op.f("uq_insight_strategy_cluster_retailer_id")
        ),
    )
    op.create_table(
        "insight_listing_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=120), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("days_observed", sa.Integer(), nullable=False),
        sa.Column("stockout_rate", sa.Float(), nullable=False),
        sa.Column("stockout_runs", sa.Integer(), nullable=False),
        sa.Column("price_changes", sa.Integer(), nullable=False),
        sa.Column("price_increases", sa.Integer(), nullable=False),
        sa.Column("price_decreases", sa.Integer(), nullable=False),
        sa.Column("mean_abs_change_pct", sa.Float(), nullable=True),
        sa.Column("promo_day_share", sa.Float(), nullable=False),
        sa.Column("volatility", sa.Float(), nullable=False),
        sa.Column(
            "mean_regular_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=False
        ),
        sa.Column(
            "latest_regular_pen",
            sa.Numeric(precision=12, scale=2, asdecimal=False),
            nullable=False,
        ),
        sa.Column(
            "latest_shelf_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=False
        ),
        sa.Column("latest_in_stock", sa.Boolean(), nullable=True),
        sa.Column("anomalies", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_insight_listing_activity_listing_id_listing"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_insight_listing_activity_product_id_product"),
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailer.id"],
            name=op.f("fk_insight_listing_activity_retailer_id_retailer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_listing_activity")),
        sa.UniqueConstraint("listing_id", name=op.f("uq_insight_listing_activity_listing_id")),
    )
    op.create_index(
        op.f("ix_insight_listing_activity_category"),
        "insight_listing_activity",
        ["category"],
        unique=False,
    )
    op.create_index(
        op.f("ix_insight_listing_activity_product_id"),
        "insight_listing_activity",
        ["product_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_insight_listing_activity_retailer_id"),
        "insight_listing_activity",
        ["retailer_id"],
        unique=False,
    )
    op.create_table(
        "insight_price_anomaly",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("price_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=False),
        sa.Column(
            "expected_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=False
        ),
        sa.Column("robust_z", sa.Float(), nullable=False),
        sa.Column("ratio", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_insight_price_anomaly_listing_id_listing"),
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailer.id"],
            name=op.f("fk_insight_price_anomaly_retailer_id_retailer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_price_anomaly")),
        sa.UniqueConstraint("listing_id", "day", name=op.f("uq_insight_price_anomaly_listing_id")),
    )
    op.create_index(
        op.f("ix_insight_price_anomaly_day"), "insight_price_anomaly", ["day"], unique=False
    )
    op.create_index(
        op.f("ix_insight_price_anomaly_retailer_id"),
        "insight_price_anomaly",
        ["retailer_id"],
        unique=False,
    )
    op.create_table(
        "insight_price_gap",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("match_status", sa.String(length=20), nullable=False),
        sa.Column("key_item", sa.Boolean(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("our_observed_on", sa.Date(), nullable=True),
        sa.Column(
            "our_regular_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True
        ),
        sa.Column(
            "our_shelf_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True
        ),
        sa.Column(
            "our_card_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True
        ),
        sa.Column(
            "their_regular_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=False
        ),
        sa.Column(
            "their_shelf_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=False
        ),
        sa.Column(
            "their_card_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=False
        ),
        sa.Column("their_card_name", sa.String(length=40), nullable=True),
        sa.Column("their_in_stock", sa.Boolean(), nullable=True),
        sa.Column(
            "gap_regular_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True
        ),
        sa.Column("gap_regular_pct", sa.Float(), nullable=True),
        sa.Column(
            "gap_shelf_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True
        ),
        sa.Column("gap_shelf_pct", sa.Float(), nullable=True),
        sa.Column(
            "gap_card_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True
        ),
        sa.Column("gap_card_pct", sa.Float(), nullable=True),
        sa.Column("unit_measure", sa.String(length=4), nullable=True),
        sa.Column("our_size_text", sa.String(length=60), nullable=True),
        sa.Column("their_size_text", sa.String(length=60), nullable=True),
        sa.Column("our_unit_price_pen", sa.Float(), nullable=True),
        sa.Column("their_unit_price_pen", sa.Float(), nullable=True),
        sa.Column("gap_unit_pct", sa.Float(), nullable=True),
        sa.Column("size_differs", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listing.id"], name=op.f("fk_insight_price_gap_listing_id_listing")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_insight_price_gap_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailer.id"],
            name=op.f("fk_insight_price_gap_retailer_id_retailer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_price_gap")),
        sa.UniqueConstraint(
            "product_id", "listing_id", name=op.f("uq_insight_price_gap_product_id")
        ),
    )
    op.create_index(
        op.f("ix_insight_price_gap_category"), "insight_price_gap", ["category"], unique=False
    )
    op.create_index(
        op.f("ix_insight_price_gap_product_id"), "insight_price_gap", ["product_id"], unique=False
    )
    op.create_index(
        op.f("ix_insight_price_gap_retailer_id"),
        "insight_price_gap",
        ["retailer_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_insight_price_gap_category"), table_name="insight_price_gap")
    op.drop_index(op.f("ix_insight_price_gap_product_id"), table_name="insight_price_gap")
    op.drop_index(op.f("ix_insight_price_gap_retailer_id"), table_name="insight_price_gap")
    op.drop_table("insight_price_gap")
    op.drop_index(op.f("ix_insight_price_anomaly_day"), table_name="insight_price_anomaly")
    op.drop_index(op.f("ix_insight_price_anomaly_retailer_id"), table_name="insight_price_anomaly")
    op.drop_table("insight_price_anomaly")
    op.drop_index(
        op.f("ix_insight_listing_activity_category"), table_name="insight_listing_activity"
    )
    op.drop_index(
        op.f("ix_insight_listing_activity_product_id"), table_name="insight_listing_activity"
    )
    op.drop_index(
        op.f("ix_insight_listing_activity_retailer_id"), table_name="insight_listing_activity"
    )
    op.drop_table("insight_listing_activity")
    op.drop_table("insight_strategy_cluster")
    op.drop_index(op.f("ix_insight_promo_stats_category"), table_name="insight_promo_stats")
    op.drop_table("insight_promo_stats")
    op.drop_index(
        "ix_insight_promo_calendar_retailer_category", table_name="insight_promo_calendar"
    )
    op.drop_index(op.f("ix_insight_promo_calendar_week"), table_name="insight_promo_calendar")
    op.drop_table("insight_promo_calendar")
    op.drop_index("ix_insight_price_index_retailer_category", table_name="insight_price_index")
    op.drop_index(op.f("ix_insight_price_index_week"), table_name="insight_price_index")
    op.drop_table("insight_price_index")
