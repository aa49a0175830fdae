"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 16:53:01.640925
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pulso.store.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedup_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column(
            "detail",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", pulso.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", pulso.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_alert_dedup_key")),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_created_at"), ["created_at"], unique=False)

    op.create_table(
        "data_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column(
            "config",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("schedule", sa.String(length=120), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", pulso.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_source")),
        sa.UniqueConstraint("name", name=op.f("uq_data_source_name")),
    )
    op.create_table(
        "diner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("diner_key", sa.String(length=64), nullable=False),
        sa.Column("age_band", sa.String(length=20), nullable=True),
        sa.Column("gender", sa.String(length=20), nullable=True),
        sa.Column("district", sa.String(length=80), nullable=True),
        sa.Column(
            "diet",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diner")),
        sa.UniqueConstraint("diner_key", name=op.f("uq_diner_diner_key")),
    )
    op.create_table(
        "model_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("created_at", pulso.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "params",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "metrics",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("artifact_uri", sa.Text(), nullable=True),
        sa.Column("data_version", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_version")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_model_version_name")),
    )
    op.create_table(
        "restaurant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("district", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restaurant")),
        sa.UniqueConstraint("slug", name=op.f("uq_restaurant_slug")),
    )
    op.create_table(
        "retailer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("is_own", sa.Boolean(), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=True),
        sa.Column("site_url", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retailer")),
        sa.UniqueConstraint("slug", name=op.f("uq_retailer_slug")),
    )
    op.create_table(
        "dish",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("restaurant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=True),
        sa.Column("price_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True),
        sa.Column("cost_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True),
        sa.Column(
            "ingredients",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["restaurant_id"], ["restaurant.id"], name=op.f("fk_dish_restaurant_id_restaurant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dish")),
        sa.UniqueConstraint("restaurant_id", "name", name=op.f("uq_dish_restaurant_id")),
    )
    op.create_table(
        "ingest_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", pulso.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", pulso.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"], ["data_source.id"], name=op.f("fk_ingest_run_source_id_data_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_run")),
    )
    with op.batch_alter_table("ingest_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ingest_run_file_sha256"), ["file_sha256"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ingest_run_source_id"), ["source_id"], unique=False)

    op.create_table(
        "store",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=True),
        sa.Column("district", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["retailer_id"], ["retailer.id"], name=op.f("fk_store_retailer_id_retailer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store")),
        sa.UniqueConstraint("retailer_id", "name", name=op.f("uq_store_retailer_id")),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("restaurant_id", sa.Integer(), nullable=False),
        sa.Column("dedup_key", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column("created_at", pulso.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("diner_id", sa.Integer(), nullable=True),
        sa.Column("dish_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["diner_id"], ["diner.id"], name=op.f("fk_feedback_diner_id_diner")
        ),
        sa.ForeignKeyConstraint(["dish_id"], ["dish.id"], name=op.f("fk_feedback_dish_id_dish")),
        sa.ForeignKeyConstraint(
            ["restaurant_id"], ["restaurant.id"], name=op.f("fk_feedback_restaurant_id_restaurant")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_run.id"], name=op.f("fk_feedback_run_id_ingest_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("restaurant_id", "dedup_key", name=op.f("uq_feedback_restaurant_id")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_diner_id"), ["diner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_dish_id"), ["dish_id"], unique=False)
        batch_op.create_index(
            "ix_feedback_restaurant_created", ["restaurant_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_feedback_run_id"), ["run_id"], unique=False)

    op.create_table(
        "listing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("brand", sa.String(length=120), nullable=True),
        sa.Column("ean", sa.String(length=14), nullable=True),
        sa.Column("category", sa.String(length=200), nullable=True),
        sa.Column("size_text", sa.String(length=60), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("first_seen_at", pulso.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["retailer_id"], ["retailer.id"], name=op.f("fk_listing_retailer_id_retailer")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_run.id"], name=op.f("fk_listing_run_id_ingest_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing")),
        sa.UniqueConstraint("retailer_id", "external_id", name=op.f("uq_listing_retailer_id")),
    )
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listing_ean"), ["ean"], unique=False)

    op.create_table(
        "product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("ean", sa.String(length=14), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("brand", sa.String(length=120), nullable=True),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("size_text", sa.String(length=60), nullable=True),
        sa.Column("size_value", sa.Float(), nullable=True),
        sa.Column("size_unit", sa.String(length=8), nullable=True),
        sa.Column("pack_count", sa.Integer(), nullable=True),
        sa.Column(
            "unit_cost_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True
        ),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_run.id"], name=op.f("fk_product_run_id_ingest_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product")),
        sa.UniqueConstraint("sku", name=op.f("uq_product_sku")),
    )
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_product_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_product_ean"), ["ean"], unique=False)

    op.create_table(
        "quarantined_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("column", sa.String(length=80), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ingest_run.id"],
            name=op.f("fk_quarantined_row_run_id_ingest_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantined_row")),
    )
    with op.batch_alter_table("quarantined_row", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantined_row_run_id"), ["run_id"], unique=False)

    op.create_table(
        "restaurant_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("restaurant_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=False),
        sa.Column("ordered_at", pulso.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("diner_id", sa.Integer(), nullable=True),
        sa.Column("party_size", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["diner_id"], ["diner.id"], name=op.f("fk_restaurant_order_diner_id_diner")
        ),
        sa.ForeignKeyConstraint(
            ["restaurant_id"],
            ["restaurant.id"],
            name=op.f("fk_restaurant_order_restaurant_id_restaurant"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_run.id"], name=op.f("fk_restaurant_order_run_id_ingest_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restaurant_order")),
        sa.UniqueConstraint(
            "restaurant_id", "external_id", name=op.f("uq_restaurant_order_restaurant_id")
        ),
    )
    with op.batch_alter_table("restaurant_order", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_restaurant_order_diner_id"), ["diner_id"], unique=False
        )
        batch_op.create_index(
            "ix_restaurant_order_restaurant_ordered", ["restaurant_id", "ordered_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_restaurant_order_run_id"), ["run_id"], unique=False)

    op.create_table(
        "shopper_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shopper_key", sa.String(length=64), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("purchases", sa.Integer(), nullable=False),
        sa.Column("spend_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True),
        sa.Column("social_engagements", sa.Integer(), nullable=True),
        sa.Column("survey_score", sa.Float(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["retailer_id"], ["retailer.id"], name=op.f("fk_shopper_activity_retailer_id_retailer")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_run.id"], name=op.f("fk_shopper_activity_run_id_ingest_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shopper_activity")),
        sa.UniqueConstraint(
            "shopper_key", "retailer_id", "month", name=op.f("uq_shopper_activity_shopper_key")
        ),
    )
    with op.batch_alter_table("shopper_activity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shopper_activity_run_id"), ["run_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_shopper_activity_shopper_key"), ["shopper_key"], unique=False
        )

    op.create_table(
        "survey_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey", sa.String(length=160), nullable=False),
        sa.Column("respondent_key", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", pulso.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("restaurant_id", sa.Integer(), nullable=True),
        sa.Column("retailer_id", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["restaurant_id"],
            ["restaurant.id"],
            name=op.f("fk_survey_response_restaurant_id_restaurant"),
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"], ["retailer.id"], name=op.f("fk_survey_response_retailer_id_retailer")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_run.id"], name=op.f("fk_survey_response_run_id_ingest_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response")),
        sa.UniqueConstraint(
            "survey", "respondent_key", "question", name=op.f("uq_survey_response_survey")
        ),
    )
    with op.batch_alter_table("survey_response", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_response_restaurant_id"), ["restaurant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_response_retailer_id"), ["retailer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_survey_response_run_id"), ["run_id"], unique=False)

    op.create_table(
        "order_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("dish_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column(
            "unit_price_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=False
        ),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["dish_id"], ["dish.id"], name=op.f("fk_order_line_dish_id_dish")),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["restaurant_order.id"],
            name=op.f("fk_order_line_order_id_restaurant_order"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_run.id"], name=op.f("fk_order_line_run_id_ingest_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_line")),
        sa.UniqueConstraint("order_id", "dish_id", name=op.f("uq_order_line_order_id")),
    )
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_line_dish_id"), ["dish_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_order_line_run_id"), ["run_id"], unique=False)

    op.create_table(
        "own_price",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("price_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=False),
        sa.Column("units_sold", sa.Integer(), nullable=False),
        sa.Column(
            "revenue_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True
        ),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_own_price_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_run.id"], name=op.f("fk_own_price_run_id_ingest_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_own_price")),
        sa.UniqueConstraint("product_id", "day", name=op.f("uq_own_price_product_id")),
    )
    with op.batch_alter_table("own_price", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_own_price_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_own_price_run_id"), ["run_id"], unique=False)

    op.create_table(
        "price_observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("observed_at", pulso.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "regular_price_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=False
        ),
        sa.Column(
            "offer_price_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True
        ),
        sa.Column(
            "card_price_pen", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True
        ),
        sa.Column("card_name", sa.String(length=40), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("in_stock", sa.Boolean(), nullable=True),
        sa.Column("stock_level", sa.Integer(), nullable=True),
        sa.Column("promo_text", sa.Text(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listing.id"], name=op.f("fk_price_observation_listing_id_listing")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_run.id"], name=op.f("fk_price_observation_run_id_ingest_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_observation")),
        sa.UniqueConstraint(
            "listing_id", "observed_at", name=op.f("uq_price_observation_listing_id")
        ),
    )
    with op.batch_alter_table("price_observation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_price_observation_run_id"), ["run_id"], unique=False)

    op.create_table(
        "product_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", pulso.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listing.id"], name=op.f("fk_product_match_listing_id_listing")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_product_match_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_match")),
        sa.UniqueConstraint("listing_id", "product_id", name=op.f("uq_product_match_listing_id")),
    )
    with op.batch_alter_table("product_match", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_product_match_listing_id"), ["listing_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_product_match_product_id"), ["product_id"], unique=False
        )

    op.create_table(
        "promotion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("promo_type", sa.String(length=40), nullable=True),
        sa.Column(
            "parameters",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("effective_discount", sa.Float(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listing.id"], name=op.f("fk_promotion_listing_id_listing")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_run.id"], name=op.f("fk_promotion_run_id_ingest_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion")),
        sa.UniqueConstraint(
            "listing_id", "raw_text", "starts_on", name=op.f("uq_promotion_listing_id")
        ),
    )
    with op.batch_alter_table("promotion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_promotion_listing_id"), ["listing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_promotion_run_id"), ["run_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("promotion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_promotion_run_id"))
        batch_op.drop_index(batch_op.f("ix_promotion_listing_id"))

    op.drop_table("promotion")
    with op.batch_alter_table("product_match", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_match_product_id"))
        batch_op.drop_index(batch_op.f("ix_product_match_listing_id"))

    op.drop_table("product_match")
    with op.batch_alter_table("price_observation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_price_observation_run_id"))

    op.drop_table("price_observation")
    with op.batch_alter_table("own_price", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_own_price_run_id"))
        batch_op.drop_index(batch_op.f("ix_own_price_day"))

    op.drop_table("own_price")
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_line_run_id"))
        batch_op.drop_index(batch_op.f("ix_order_line_dish_id"))

    op.drop_table("order_line")
    with op.batch_alter_table("survey_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_response_run_id"))
        batch_op.drop_index(batch_op.f("ix_survey_response_retailer_id"))
        batch_op.drop_index(batch_op.f("ix_survey_response_restaurant_id"))

    op.drop_table("survey_response")
    with op.batch_alter_table("shopper_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shopper_activity_shopper_key"))
        batch_op.drop_index(batch_op.f("ix_shopper_activity_run_id"))

    op.drop_table("shopper_activity")
    with op.batch_alter_table("restaurant_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_restaurant_order_run_id"))
        batch_op.drop_index("ix_restaurant_order_restaurant_ordered")
        batch_op.drop_index(batch_op.f("ix_restaurant_order_diner_id"))

    op.drop_table("restaurant_order")
    with op.batch_alter_table("quarantined_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantined_row_run_id"))

    op.drop_table("quarantined_row")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_ean"))
        batch_op.drop_index(batch_op.f("ix_product_category"))

    op.drop_table("product")
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_ean"))

    op.drop_table("listing")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_run_id"))
        batch_op.drop_index("ix_feedback_restaurant_created")
        batch_op.drop_index(batch_op.f("ix_feedback_dish_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_diner_id"))

    op.drop_table("feedback")
    op.drop_table("store")
    with op.batch_alter_table("ingest_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ingest_run_source_id"))
        batch_op.drop_index(batch_op.f("ix_ingest_run_file_sha256"))

    op.drop_table("ingest_run")
    op.drop_table("dish")
    op.drop_table("retailer")
    op.drop_table("restaurant")
    op.drop_table("model_version")
    op.drop_table("diner")
    op.drop_table("data_source")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_created_at"))

    op.drop_table("alert")
