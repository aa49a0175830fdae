"""The relational model: retail, restaurants and shared bookkeeping tables.

Amounts are soles (``*_pen``), datetimes are timezone-aware UTC (:class:`UTCDateTime`), and
every fact row carries the ``run_id`` of the ingest run that wrote it (lineage). Personal data
is never stored in clear: diners and shoppers are keyed hashes (Ley 29733).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pulso.store.types import JSONType, Money, UTCDateTime

__all__ = [
    "Alert",
    "Base",
    "DataSource",
    "Diner",
    "Dish",
    "Feedback",
    "IngestRun",
    "Listing",
    "ModelVersion",
    "OrderLine",
    "OwnPrice",
    "PriceObservation",
    "Product",
    "ProductMatch",
    "Promotion",
    "QuarantinedRow",
    "Restaurant",
    "RestaurantOrder",
    "Retailer",
    "ShopperActivity",
    "Store",
    "SurveyResponse",
]

_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations are stable across engines."""

    metadata = MetaData(naming_convention=_NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
        datetime: UTCDateTime,
    }


# --- shared bookkeeping -------------------------------------------------------------------


class DataSource(Base):
    """A configured source of data: a file folder, a VTEX store, an HTML site..."""

    __tablename__ = "data_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    schedule: Mapped[str | None] = mapped_column(String(120))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class IngestRun(Base):
    """One import of one file or source: counts, status and the file hash (lineage)."""

    __tablename__ = "ingest_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("data_source.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    path: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20), default="running")
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class QuarantinedRow(Base):
    """A rejected input row, kept verbatim with every reason it was rejected."""

    __tablename__ = "quarantined_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("ingest_run.id", ondelete="CASCADE"), index=True
    )
    row_number: Mapped[int] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ModelVersion(Base):
    """A trained model: parameters, metrics, artifact and the data it was trained on."""

    __tablename__ = "model_version"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(20), default="candidate")
    created_at: Mapped[datetime]
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    artifact_uri: Mapped[str | None] = mapped_column(Text)
    data_version: Mapped[str | None] = mapped_column(String(80))


class Alert(Base):
    """Something an analyst should look at; ``dedup_key`` keeps one alert per event."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(index=True)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(120))


# --- retail ---------------------------------------------------------------------------------


class Retailer(Base):
    """A supermarket banner: ours (``is_own``) or a competitor."""

    __tablename__ = "retailer"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    is_own: Mapped[bool] = mapped_column(Boolean, default=False)
    platform: Mapped[str | None] = mapped_column(String(40))
    site_url: Mapped[str | None] = mapped_column(Text)


class Store(Base):
    """A physical store of a retailer."""

    __tablename__ = "store"
    __table_args__ = (UniqueConstraint("retailer_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailer.id"))
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str | None] = mapped_column(String(80))
    district: Mapped[str | None] = mapped_column(String(80))


class Product(Base):
    """A product of our own catalog."""

    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    ean: Mapped[str | None] = mapped_column(String(14), index=True)
    name: Mapped[str] = mapped_column(Text)
    brand: Mapped[str | None] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(120), index=True)
    size_text: Mapped[str | None] = mapped_column(String(60))
    size_value: Mapped[float | None] = mapped_column(Float)
    size_unit: Mapped[str | None] = mapped_column(String(8))
    pack_count: Mapped[int | None] = mapped_column(Integer)
    unit_cost_pen: Mapped[float | None] = mapped_column(Money)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id"))


class Listing(Base):
    """A retailer's product page, named the retailer's way."""

    __tablename__ = "listing"
    __table_args__ = (UniqueConstraint("retailer_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailer.id"))
    external_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(Text)
    brand: Mapped[str | None] = mapped_column(String(120))
    ean: Mapped[str | None] = mapped_column(String(14), index=True)
    category: Mapped[str | None] = mapped_column(String(200))
    size_text: Mapped[str | None] = mapped_column(String(60))
    url: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id"))


class ProductMatch(Base):
    """Listing -> product link: how it was found, its score and whether an analyst confirmed it."""

    __tablename__ = "product_match"
    __table_args__ = (UniqueConstraint("listing_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="auto")
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None]


class PriceObservation(Base):
    """One price of one listing at one moment; regular, offer and card prices kept apart."""

    __tablename__ = "price_observation"
    # The unique key also serves every per-listing history query; pages read insight tables,
    # so no separate index on observed_at (it would slow bulk loads by a third).
    __table_args__ = (UniqueConstraint("listing_id", "observed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id"))
    observed_at: Mapped[datetime]
    regular_price_pen: Mapped[float] = mapped_column(Money)
    offer_price_pen: Mapped[float | None] = mapped_column(Money)
    card_price_pen: Mapped[float | None] = mapped_column(Money)
    card_name: Mapped[str | None] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3), default="PEN")
    in_stock: Mapped[bool | None] = mapped_column(Boolean)
    stock_level: Mapped[int | None] = mapped_column(Integer)
    promo_text: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id"), index=True)


class Promotion(Base):
    """A promotion text seen on a listing, with its parsed type and effective discount."""

    __tablename__ = "promotion"
    __table_args__ = (UniqueConstraint("listing_id", "raw_text", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id"), index=True)
    name: Mapped[str | None] = mapped_column(Text)
    raw_text: Mapped[str] = mapped_column(Text)
    promo_type: Mapped[str | None] = mapped_column(String(40))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    effective_discount: Mapped[float | None] = mapped_column(Float)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id"), index=True)


class OwnPrice(Base):
    """Our own price and units sold per product and day."""

    __tablename__ = "own_price"
    __table_args__ = (UniqueConstraint("product_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    day: Mapped[date] = mapped_column(Date, index=True)
    price_pen: Mapped[float] = mapped_column(Money)
    units_sold: Mapped[int] = mapped_column(Integer)
    revenue_pen: Mapped[float | None] = mapped_column(Money)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id"), index=True)


class ShopperActivity(Base):
    """A loyalty shopper's month at one retailer (seed 000's customer-preference features)."""

    __tablename__ = "shopper_activity"
    __table_args__ = (UniqueConstraint("shopper_key", "retailer_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shopper_key: Mapped[str] = mapped_column(String(64), index=True)
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailer.id"))
    month: Mapped[date] = mapped_column(Date)
    purchases: Mapped[int] = mapped_column(Integer)
    spend_pen: Mapped[float | None] = mapped_column(Money)
    social_engagements: Mapped[int | None] = mapped_column(Integer)
    survey_score: Mapped[float | None] = mapped_column(Float)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id"), index=True)


# --- restaurants ----------------------------------------------------------------------------


class Restaurant(Base):
    """A restaurant (cevichería, pollería, criollo, chifa...)."""

    __tablename__ = "restaurant"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str | None] = mapped_column(String(40))
    district: Mapped[str | None] = mapped_column(String(80))


class Dish(Base):
    """A dish on a restaurant's menu."""

    __tablename__ = "dish"
    __table_args__ = (UniqueConstraint("restaurant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    restaurant_id: Mapped[int] = mapped_column(ForeignKey("restaurant.id"))
    name: Mapped[str] = mapped_column(String(160))
    category: Mapped[str | None] = mapped_column(String(80))
    price_pen: Mapped[float | None] = mapped_column(Money)
    cost_pen: Mapped[float | None] = mapped_column(Money)
    ingredients: Mapped[list[Any]] = mapped_column(default=list)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Diner(Base):
    """A diner, known only by a keyed hash of the id the POS gave (Ley 29733)."""

    __tablename__ = "diner"

    id: Mapped[int] = mapped_column(primary_key=True)
    diner_key: Mapped[str] = mapped_column(String(64), unique=True)
    age_band: Mapped[str | None] = mapped_column(String(20))
    gender: Mapped[str | None] = mapped_column(String(20))
    district: Mapped[str | None] = mapped_column(String(80))
    diet: Mapped[list[Any]] = mapped_column(default=list)


class RestaurantOrder(Base):
    """A POS order (ticket)."""

    __tablename__ = "restaurant_order"
    __table_args__ = (
        UniqueConstraint("restaurant_id", "external_id"),
        Index("ix_restaurant_order_restaurant_ordered", "restaurant_id", "ordered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    restaurant_id: Mapped[int] = mapped_column(ForeignKey("restaurant.id"))
    external_id: Mapped[str] = mapped_column(String(120))
    ordered_at: Mapped[datetime]
    diner_id: Mapped[int | None] = mapped_column(ForeignKey("diner.id"), index=True)
    party_size: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str | None] = mapped_column(String(20))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id"), index=True)


class OrderLine(Base):
    """A dish line of an order."""

    __tablename__ = "order_line"
    __table_args__ = (UniqueConstraint("order_id", "dish_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("restaurant_order.id", ondelete="CASCADE"))
    dish_id: Mapped[int] = mapped_column(ForeignKey("dish.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_pen: Mapped[float] = mapped_column(Money)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id"), index=True)


class Feedback(Base):
    """A review or comment, optionally about a dish and from a known diner."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("restaurant_id", "dedup_key"),
        Index("ix_feedback_restaurant_created", "restaurant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    restaurant_id: Mapped[int] = mapped_column(ForeignKey("restaurant.id"))
    dedup_key: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    diner_id: Mapped[int | None] = mapped_column(ForeignKey("diner.id"), index=True)
    dish_id: Mapped[int | None] = mapped_column(ForeignKey("dish.id"), index=True)
    source: Mapped[str | None] = mapped_column(String(40))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id"), index=True)


class SurveyResponse(Base):
    """One answer of one respondent to one survey question."""

    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("survey", "respondent_key", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey: Mapped[str] = mapped_column(String(160))
    respondent_key: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime]
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    score: Mapped[float | None] = mapped_column(Float)
    restaurant_id: Mapped[int | None] = mapped_column(ForeignKey("restaurant.id"), index=True)
    retailer_id: Mapped[int | None] = mapped_column(ForeignKey("retailer.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id"), index=True)
