"""Retail reads and analyst decisions: frames for the pipeline, pages for the API.

* Frame loaders (``load_*``) read what the retail pipeline steps need into pandas frames with
  the column names of :mod:`pulso.pricing.schemas`. Large reads bypass the ORM: SQLite rows come
  straight from the driver's cursor and PostgreSQL rows through ``COPY ... TO STDOUT``.
* Page queries (``list_*``) serve the ``/api/v1/retail`` endpoints: filtered, ordered, paged.
* Decisions (:func:`decide_match`, :func:`link_listing`, :func:`acknowledge_alert`) record what
  an analyst said, with who and when.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    Integer,
    Select,
    String,
    and_,
    cast,
    delete,
    extract,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session, aliased

from pulso.errors import InputError, NotFoundError
from pulso.store.queries.ingest import Page
from pulso.store.tables import (
    Alert,
    Base,
    Listing,
    OwnPrice,
    PriceObservation,
    Product,
    ProductMatch,
    Promotion,
    Retailer,
)
from pulso.store.tables_retail import (
    InsightListingActivity,
    InsightPriceAnomaly,
    InsightPriceGap,
    InsightPriceIndex,
    InsightPromoCalendar,
    InsightPromoStats,
    InsightStrategyCluster,
)

__all__ = [
    "DECISIONS",
    "RetailFilters",
    "acknowledge_alert",
    "decide_match",
    "get_product",
    "latest_observation",
    "link_listing",
    "list_alerts",
    "list_clusters",
    "list_listing_activity",
    "list_matches",
    "list_price_gaps",
    "list_price_index",
    "list_promo_calendar",
    "list_promo_stats",
    "list_promotions",
    "load_activity",
    "load_anomalies",
    "load_listings",
    "load_matches",
    "load_observations",
    "load_own_sales",
    "load_price_index",
    "load_products",
    "load_promo_stats",
    "load_promo_texts",
    "load_promotions",
    "product_history",
    "read_frame",
    "read_numbers",
    "resolve_retailer",
    "summarise_listing_activity",
]

#: Analyst decisions on a proposed match.
DECISIONS = ("confirmed", "rejected")

_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"
_CHUNK_ROWS = 100_000

#: A select of any columns (the API and loaders build many shapes).
AnySelect: TypeAlias = Select[*tuple[Any, ...]]


# --- fast frame reads ---------------------------------------------------------------------


def _compiled(connection: Connection, statement: AnySelect) -> tuple[str, Any]:
    """The statement's SQL for this connection and its parameters in the driver's style."""
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    if connection.dialect.name == "postgresql":
        return compiled.string, params
    return compiled.string, tuple(params[name] for name in compiled.positiontup or [])


def _copy_csv(connection: Connection, sql: str, params: Any) -> io.BytesIO:
    buffer = io.BytesIO()
    raw = connection.connection.driver_connection
    copy_sql = f"COPY ({sql}) TO STDOUT (FORMAT csv)"
    with raw.cursor() as cursor, cursor.copy(copy_sql, params) as copy:  # type: ignore[union-attr]
        for block in copy:
            buffer.write(block)
    buffer.seek(0)
    return buffer


def read_frame(connection: Connection, statement: AnySelect) -> pd.DataFrame:
    """Run ``statement`` and return its rows as a frame, without per-row ORM processing.

    Values come as the driver gives them: datetimes as text on SQLite, numbers as floats on
    PostgreSQL (``COPY`` to CSV); the loaders below convert the columns they read.
    """
    names = list(statement.selected_columns.keys())
    sql, params = _compiled(connection, statement)
    if connection.dialect.name == "postgresql":
        buffer = _copy_csv(connection, sql, params)
        if not buffer.getbuffer().nbytes:
            return pd.DataFrame(columns=names)
        texts = {
            name: object
            for name, column in zip(names, statement.selected_columns, strict=True)
            if isinstance(column.type, String)
        }
        return pd.read_csv(buffer, names=names, header=None, na_values=[""], dtype=texts)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(sql, params)
    return pd.DataFrame.from_records(cursor.fetchall(), columns=names)


def read_numbers(connection: Connection, statement: AnySelect) -> pd.DataFrame:
    """Like :func:`read_frame` for statements that select numbers only: float64 columns
    (NULL is NaN), built chunk by chunk with numpy (several times faster on large reads)."""
    names = list(statement.selected_columns.keys())
    sql, params = _compiled(connection, statement)
    if connection.dialect.name == "postgresql":
        buffer = _copy_csv(connection, sql, params)
        if not buffer.getbuffer().nbytes:
            return pd.DataFrame({name: pd.Series(dtype=np.float64) for name in names})
        return pd.read_csv(buffer, names=names, header=None, dtype=np.float64)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(sql, params)
    parts = [np.empty((0, len(names)), dtype=np.float64)]
    while chunk := cursor.fetchmany(_CHUNK_ROWS):
        parts.append(np.array(chunk, dtype=np.float64))
    return pd.DataFrame(np.concatenate(parts), columns=names)


def _utc(values: pd.Series) -> pd.Series:
    if values.empty:
        return pd.Series(pd.DatetimeIndex([], tz="UTC"), index=values.index)
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.to_datetime(values, utc=True)
    return pd.to_datetime(values, utc=True, format="ISO8601")


def _boolean(values: pd.Series) -> pd.Series:
    mapping = {1: True, 0: False, "t": True, "f": False, "true": True, "false": False}
    return values.map(mapping).astype("boolean")


def _day(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.normalize()


def _bind_time(connection: Connection, value: datetime) -> Any:
    """A datetime bound directly by the driver: naive UTC text on SQLite (as stored)."""
    if connection.dialect.name == "sqlite":
        return value.astimezone(UTC).replace(tzinfo=None).strftime(_SQLITE_TIME)
    return value


def load_products(connection: Connection) -> pd.DataFrame:
    """Our catalog: ``product_id, sku, name, brand, ean, category, size_text``."""
    frame = read_frame(
        connection,
        select(
            Product.id.label("product_id"),
            Product.sku,
            Product.name,
            Product.brand,
            Product.ean,
            Product.category,
            Product.size_text,
        ).order_by(Product.id),
    )
    return frame.astype({"sku": str, "ean": object})


def load_listings(connection: Connection) -> pd.DataFrame:
    """Every listing with its retailer: ``listing_id, retailer_id, is_own, retailer_name,
    external_id, name, brand, ean, listing_category, size_text``."""
    frame = read_frame(
        connection,
        select(
            Listing.id.label("listing_id"),
            Listing.retailer_id,
            Retailer.is_own,
            Retailer.name.label("retailer_name"),
            Listing.external_id,
            Listing.name,
            Listing.brand,
            Listing.ean,
            Listing.category.label("listing_category"),
            Listing.size_text,
        )
        .join(Retailer, Retailer.id == Listing.retailer_id)
        .order_by(Listing.id),
    )
    frame["is_own"] = _boolean(frame["is_own"]).fillna(False).astype(bool)
    return frame.astype({"external_id": str, "ean": object})


def load_matches(
    connection: Connection, *, statuses: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Stored listing -> product pairs: ``match_id, listing_id, product_id, method, score,
    status, decided_by``."""
    statement = select(
        ProductMatch.id.label("match_id"),
        ProductMatch.listing_id,
        ProductMatch.product_id,
        ProductMatch.method,
        ProductMatch.score,
        ProductMatch.status,
        ProductMatch.decided_by,
    ).order_by(ProductMatch.id)
    if statuses is not None:
        statement = statement.where(ProductMatch.status.in_(statuses))
    return read_frame(connection, statement)


def load_observations(connection: Connection, *, since: datetime | None = None) -> pd.DataFrame:
    """Price observations (optionally from ``since`` on) in :class:`ObservationSchema` form,
    plus ``has_promo_text``."""
    statement = select(
        PriceObservation.listing_id,
        extract("epoch", PriceObservation.observed_at).label("observed_at"),
        PriceObservation.regular_price_pen,
        PriceObservation.offer_price_pen,
        PriceObservation.card_price_pen,
        cast(PriceObservation.in_stock, Integer).label("in_stock"),
        cast(PriceObservation.promo_text.is_not(None), Integer).label("has_promo_text"),
    )
    if since is not None:
        statement = statement.where(PriceObservation.observed_at >= _bind_time(connection, since))
    frame = read_numbers(connection, statement)
    return frame.assign(
        listing_id=frame["listing_id"].astype(np.int64),
        observed_at=pd.to_datetime(frame["observed_at"], unit="s", utc=True),
        in_stock=(frame["in_stock"] > 0).astype("boolean").mask(frame["in_stock"].isna()),
        has_promo_text=frame["has_promo_text"] > 0,
    )


def load_promo_texts(connection: Connection) -> pd.DataFrame:
    """Observations that showed a promotion text: ``listing_id, observed_at, promo_text,
    regular_price_pen, offer_price_pen, card_price_pen``."""
    frame = read_frame(
        connection,
        select(
            PriceObservation.listing_id,
            extract("epoch", PriceObservation.observed_at).label("observed_at"),
            PriceObservation.promo_text,
            PriceObservation.regular_price_pen,
            PriceObservation.offer_price_pen,
            PriceObservation.card_price_pen,
        ).where(PriceObservation.promo_text.is_not(None)),
    )
    frame["observed_at"] = pd.to_datetime(pd.to_numeric(frame["observed_at"]), unit="s", utc=True)
    for column in ("regular_price_pen", "offer_price_pen", "card_price_pen"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def load_promotions(connection: Connection) -> pd.DataFrame:
    """Stored promotions: ``promotion_id, listing_id, name, raw_text, promo_type,
    effective_discount, starts_on, ends_on, run_id``."""
    frame = read_frame(
        connection,
        select(
            Promotion.id.label("promotion_id"),
            Promotion.listing_id,
            Promotion.name,
            Promotion.raw_text,
            Promotion.promo_type,
            Promotion.effective_discount,
            Promotion.starts_on,
            Promotion.ends_on,
            Promotion.run_id,
        ).order_by(Promotion.id),
    )
    frame["starts_on"] = _day(frame["starts_on"])
    frame["ends_on"] = _day(frame["ends_on"])
    frame["effective_discount"] = pd.to_numeric(frame["effective_discount"], errors="coerce")
    return frame


def load_own_sales(connection: Connection, *, since: date | None = None) -> pd.DataFrame:
    """Our daily sales: ``product_id, day, price_pen, units_sold``."""
    statement = select(
        OwnPrice.product_id,
        extract("epoch", OwnPrice.day).label("day"),
        OwnPrice.price_pen,
        OwnPrice.units_sold,
    )
    if since is not None:
        statement = statement.where(OwnPrice.day >= since)
    frame = read_numbers(connection, statement)
    return frame.assign(
        product_id=frame["product_id"].astype(np.int64),
        day=pd.to_datetime(frame["day"], unit="s").dt.normalize(),
        units_sold=frame["units_sold"].fillna(0).astype(np.int64),
    )


def load_activity(connection: Connection) -> pd.DataFrame:
    """The ``insight_listing_activity`` table."""
    columns = [c for c in InsightListingActivity.__table__.columns if c.name != "id"]
    return read_frame(connection, select(*columns))


def load_price_index(connection: Connection) -> pd.DataFrame:
    """The ``insight_price_index`` table."""
    columns = [c for c in InsightPriceIndex.__table__.columns if c.name != "id"]
    return read_frame(connection, select(*columns))


def load_promo_stats(connection: Connection) -> pd.DataFrame:
    """The ``insight_promo_stats`` table (``type_mix`` as dicts)."""
    frame = read_frame(connection, select(*InsightPromoStats.__table__.columns))
    frame["type_mix"] = [_json(value) for value in frame["type_mix"]]
    return frame


def load_anomalies(connection: Connection) -> pd.DataFrame:
    """The ``insight_price_anomaly`` table."""
    columns = [c for c in InsightPriceAnomaly.__table__.columns if c.name != "id"]
    frame = read_frame(connection, select(*columns))
    frame["day"] = _day(frame["day"])
    return frame


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


# --- API pages ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetailFilters:
    """The filters every retail list accepts (``None`` = no filter)."""

    category: str | None = None
    retailer_id: int | None = None
    product_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def resolve_retailer(session: Session, competitor: str | None) -> int | None:
    """The id of a retailer given by id, slug or name; raises NotFoundError when unknown."""
    if competitor is None or not competitor.strip():
        return None
    text = competitor.strip()
    condition = (
        Retailer.id == int(text)
        if text.isdigit()
        else or_(Retailer.slug == text.lower(), func.lower(Retailer.name) == text.lower())
    )
    found = session.scalar(select(Retailer.id).where(condition))
    if found is None:
        raise NotFoundError(f"retailer {competitor!r} does not exist")
    return int(found)


def _flat(row: Row[Any]) -> dict[str, Any]:
    """A result row as one flat dict: an entity's columns, then the labelled extras."""
    flat: dict[str, Any] = {}
    for key, value in row._mapping.items():
        if isinstance(value, Base):
            flat |= {
                column.key: getattr(value, column.key) for column in value.__mapper__.column_attrs
            }
        else:
            flat[str(key)] = value
    return flat


def _page(
    session: Session, statement: AnySelect, *, page: int, page_size: int
) -> Page[dict[str, Any]]:
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = session.execute(statement.limit(page_size).offset((page - 1) * page_size)).all()
    return Page([_flat(row) for row in rows], int(total or 0), page, page_size)


def _match_columns() -> list[Any]:
    return [
        ProductMatch.id,
        ProductMatch.listing_id,
        ProductMatch.product_id,
        ProductMatch.method,
        ProductMatch.score,
        ProductMatch.status,
        ProductMatch.decided_by,
        ProductMatch.decided_at,
        Listing.retailer_id,
        Retailer.name.label("retailer_name"),
        Listing.external_id,
        Listing.name.label("listing_name"),
        Listing.ean.label("listing_ean"),
        Product.sku,
        Product.name.label("product_name"),
        Product.category,
        Product.size_text.label("product_size"),
    ]


def list_matches(
    session: Session,
    filters: RetailFilters,
    *,
    page: int,
    page_size: int,
    status: str | None = None,
    min_score: float | None = None,
    max_score: float | None = None,
) -> Page[dict[str, Any]]:
    """Listing -> product pairs with both names; the review queue is ``status="pending"``
    (best scores first there, so the easiest decisions come first)."""
    statement = (
        select(*_match_columns())
        .join(Listing, Listing.id == ProductMatch.listing_id)
        .join(Retailer, Retailer.id == Listing.retailer_id)
        .join(Product, Product.id == ProductMatch.product_id)
        .order_by(ProductMatch.score.desc(), ProductMatch.id)
    )
    conditions = [
        Product.category == filters.category if filters.category else None,
        Listing.retailer_id == filters.retailer_id if filters.retailer_id else None,
        ProductMatch.product_id == filters.product_id if filters.product_id else None,
        ProductMatch.status == status if status else None,
        ProductMatch.score >= min_score if min_score is not None else None,
        ProductMatch.score < max_score if max_score is not None else None,
    ]
    return _page(session, _where(statement, conditions), page=page, page_size=page_size)


def _where(statement: AnySelect, conditions: list[Any]) -> AnySelect:
    present = [condition for condition in conditions if condition is not None]
    return statement.where(and_(true(), *present)) if present else statement


def _match_row(session: Session, match_id: int) -> dict[str, Any]:
    statement = (
        select(*_match_columns())
        .join(Listing, Listing.id == ProductMatch.listing_id)
        .join(Retailer, Retailer.id == Listing.retailer_id)
        .join(Product, Product.id == ProductMatch.product_id)
        .where(ProductMatch.id == match_id)
    )
    return _flat(session.execute(statement).one())


def decide_match(
    session: Session, match_id: int, *, decision: str, decided_by: str, now: datetime
) -> dict[str, Any]:
    """Confirm or reject a proposed pair; return the updated row (with names).

    Confirming a pair drops the other undecided proposals of the same listing. Decisions
    are labels for the next training of the match classifier.
    """
    if decision not in DECISIONS:
        raise InputError(
            f"decision must be one of {DECISIONS}, got {decision!r}", column="decision"
        )
    match = session.get(ProductMatch, match_id)
    if match is None:
        raise NotFoundError(f"product match {match_id} does not exist")
    match.status, match.decided_by, match.decided_at = decision, decided_by, now
    if decision == "confirmed":
        session.execute(
            delete(ProductMatch).where(
                ProductMatch.listing_id == match.listing_id,
                ProductMatch.id != match.id,
                ProductMatch.status.in_(("auto", "pending")),
            )
        )
    session.flush()
    return _match_row(session, match_id)


def link_listing(
    session: Session, *, listing_id: int, product_id: int, decided_by: str, now: datetime
) -> dict[str, Any]:
    """Record an analyst's own pair (a confirmed match found by hand); return its row."""
    if session.get(Listing, listing_id) is None:
        raise NotFoundError(f"listing {listing_id} does not exist")
    if session.get(Product, product_id) is None:
        raise NotFoundError(f"product {product_id} does not exist")
    existing = session.scalar(
        select(ProductMatch).where(
            ProductMatch.listing_id == listing_id, ProductMatch.product_id == product_id
        )
    )
    if existing is None:
        existing = ProductMatch(
            listing_id=listing_id,
            product_id=product_id,
            method="manual",
            score=1.0,
            status="confirmed",
            decided_by=decided_by,
            decided_at=now,
        )
        session.add(existing)
        session.flush()
    return decide_match(session, existing.id, decision="confirmed", decided_by=decided_by, now=now)


def list_price_gaps(
    session: Session,
    filters: RetailFilters,
    *,
    page: int,
    page_size: int,
    key_items_only: bool = False,
) -> Page[dict[str, Any]]:
    """Latest gaps per product and competitor listing, with names; biggest undercuts first."""
    statement = (
        select(
            InsightPriceGap,
            Product.sku,
            Product.name.label("product_name"),
            Retailer.name.label("retailer_name"),
            Listing.name.label("listing_name"),
        )
        .join(Product, Product.id == InsightPriceGap.product_id)
        .join(Retailer, Retailer.id == InsightPriceGap.retailer_id)
        .join(Listing, Listing.id == InsightPriceGap.listing_id)
        .order_by(
            InsightPriceGap.gap_shelf_pct.is_(None),
            InsightPriceGap.gap_shelf_pct,
            InsightPriceGap.id,
        )
    )
    conditions = [
        InsightPriceGap.category == filters.category if filters.category else None,
        InsightPriceGap.retailer_id == filters.retailer_id if filters.retailer_id else None,
        InsightPriceGap.product_id == filters.product_id if filters.product_id else None,
        InsightPriceGap.observed_on >= filters.date_from if filters.date_from else None,
        InsightPriceGap.observed_on <= filters.date_to if filters.date_to else None,
        InsightPriceGap.key_item.is_(True) if key_items_only else None,
    ]
    return _page(session, _where(statement, conditions), page=page, page_size=page_size)


def list_price_index(
    session: Session, filters: RetailFilters, *, page: int, page_size: int
) -> Page[dict[str, Any]]:
    """Weekly index rows by competitor, category and week (``category="*"``: all)."""
    statement = (
        select(InsightPriceIndex, Retailer.name.label("retailer_name"))
        .join(Retailer, Retailer.id == InsightPriceIndex.retailer_id)
        .order_by(
            InsightPriceIndex.retailer_id, InsightPriceIndex.category, InsightPriceIndex.week
        )
    )
    conditions = [
        InsightPriceIndex.category == filters.category if filters.category else None,
        InsightPriceIndex.retailer_id == filters.retailer_id if filters.retailer_id else None,
        InsightPriceIndex.week >= filters.date_from if filters.date_from else None,
        InsightPriceIndex.week <= filters.date_to if filters.date_to else None,
    ]
    return _page(session, _where(statement, conditions), page=page, page_size=page_size)


def list_listing_activity(
    session: Session, filters: RetailFilters, *, page: int, page_size: int
) -> Page[dict[str, Any]]:
    """Per-listing availability and price-change summaries (most stock-outs first)."""
    statement = (
        select(
            InsightListingActivity,
            Retailer.name.label("retailer_name"),
            Listing.name.label("listing_name"),
        )
        .join(Retailer, Retailer.id == InsightListingActivity.retailer_id)
        .join(Listing, Listing.id == InsightListingActivity.listing_id)
        .order_by(InsightListingActivity.stockout_rate.desc(), InsightListingActivity.id)
    )
    conditions = [
        InsightListingActivity.category == filters.category if filters.category else None,
        InsightListingActivity.retailer_id == filters.retailer_id if filters.retailer_id else None,
        InsightListingActivity.product_id == filters.product_id if filters.product_id else None,
        InsightListingActivity.last_day >= filters.date_from if filters.date_from else None,
        InsightListingActivity.first_day <= filters.date_to if filters.date_to else None,
    ]
    return _page(session, _where(statement, conditions), page=page, page_size=page_size)


def summarise_listing_activity(
    session: Session, filters: RetailFilters, *, page: int, page_size: int
) -> Page[dict[str, Any]]:
    """Stock-out rates and price changes per retailer and category (means over listings)."""
    activity = InsightListingActivity
    statement = (
        select(
            activity.retailer_id,
            Retailer.name.label("retailer_name"),
            activity.category,
            func.count().label("listings"),
            func.avg(activity.stockout_rate).label("stockout_rate"),
            func.sum(activity.stockout_runs).label("stockout_runs"),
            func.sum(activity.price_changes).label("price_changes"),
            func.sum(activity.price_increases).label("price_increases"),
            func.sum(activity.price_decreases).label("price_decreases"),
            func.avg(activity.mean_abs_change_pct).label("mean_abs_change_pct"),
            func.avg(activity.promo_day_share).label("promo_day_share"),
            func.sum(activity.days_observed).label("days_observed"),
        )
        .join(Retailer, Retailer.id == activity.retailer_id)
        .group_by(activity.retailer_id, Retailer.name, activity.category)
        .order_by(activity.retailer_id, activity.category)
    )
    conditions = [
        activity.category == filters.category if filters.category else None,
        activity.retailer_id == filters.retailer_id if filters.retailer_id else None,
    ]
    return _page(session, _where(statement, conditions), page=page, page_size=page_size)


def get_product(session: Session, product_id: int) -> Product:
    """One product of our catalog; raises NotFoundError."""
    product = session.get(Product, product_id)
    if product is None:
        raise NotFoundError(f"product {product_id} does not exist")
    return product


def product_history(
    session: Session,
    product_id: int,
    *,
    retailer_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[dict[str, Any]]:
    """Daily prices of every listing matched (auto or confirmed) to one product, ours
    included, oldest first: rows of ``listing_id, retailer_id, retailer_name, is_own,
    observed_at, regular/offer/card prices, in_stock, promo_text``."""
    statement = (
        select(
            PriceObservation.listing_id,
            Listing.retailer_id,
            Retailer.name.label("retailer_name"),
            Retailer.is_own,
            PriceObservation.observed_at,
            PriceObservation.regular_price_pen,
            PriceObservation.offer_price_pen,
            PriceObservation.card_price_pen,
            PriceObservation.in_stock,
            PriceObservation.promo_text,
        )
        .join(ProductMatch, ProductMatch.listing_id == PriceObservation.listing_id)
        .join(Listing, Listing.id == PriceObservation.listing_id)
        .join(Retailer, Retailer.id == Listing.retailer_id)
        .where(
            ProductMatch.product_id == product_id, ProductMatch.status.in_(("auto", "confirmed"))
        )
        .order_by(PriceObservation.listing_id, PriceObservation.observed_at)
    )
    conditions = [
        Listing.retailer_id == retailer_id if retailer_id else None,
        PriceObservation.observed_at >= _start_of(date_from) if date_from else None,
        PriceObservation.observed_at < _start_of(date_to, next_day=True) if date_to else None,
    ]
    return [dict(row._mapping) for row in session.execute(_where(statement, conditions))]


def _start_of(day: date, *, next_day: bool = False) -> datetime:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start + timedelta(days=1) if next_day else start


def list_promotions(
    session: Session,
    filters: RetailFilters,
    *,
    page: int,
    page_size: int,
    promo_type: str | None = None,
) -> Page[dict[str, Any]]:
    """Promotions overlapping the date range, newest first, with listing and retailer names
    and our category (through the listing's match)."""
    matched = aliased(ProductMatch)
    statement = (
        select(
            Promotion,
            Listing.retailer_id,
            Retailer.name.label("retailer_name"),
            Listing.name.label("listing_name"),
            matched.product_id,
            Product.category,
        )
        .join(Listing, Listing.id == Promotion.listing_id)
        .join(Retailer, Retailer.id == Listing.retailer_id)
        .outerjoin(
            matched,
            and_(
                matched.listing_id == Promotion.listing_id,
                matched.status.in_(("auto", "confirmed")),
            ),
        )
        .outerjoin(Product, Product.id == matched.product_id)
        .order_by(Promotion.starts_on.desc(), Promotion.id)
    )
    conditions = [
        Product.category == filters.category if filters.category else None,
        Listing.retailer_id == filters.retailer_id if filters.retailer_id else None,
        matched.product_id == filters.product_id if filters.product_id else None,
        or_(Promotion.ends_on.is_(None), Promotion.ends_on >= filters.date_from)
        if filters.date_from
        else None,
        Promotion.starts_on <= filters.date_to if filters.date_to else None,
        Promotion.promo_type == promo_type if promo_type else None,
    ]
    return _page(session, _where(statement, conditions), page=page, page_size=page_size)


def list_promo_calendar(
    session: Session, filters: RetailFilters, *, page: int, page_size: int
) -> Page[dict[str, Any]]:
    """Weekly promotion counts per competitor and category (``"*"``: all categories)."""
    statement = (
        select(InsightPromoCalendar, Retailer.name.label("retailer_name"))
        .join(Retailer, Retailer.id == InsightPromoCalendar.retailer_id)
        .order_by(
            InsightPromoCalendar.week,
            InsightPromoCalendar.retailer_id,
            InsightPromoCalendar.category,
        )
    )
    conditions = [
        InsightPromoCalendar.category == filters.category if filters.category else None,
        InsightPromoCalendar.retailer_id == filters.retailer_id if filters.retailer_id else None,
        InsightPromoCalendar.week >= filters.date_from if filters.date_from else None,
        InsightPromoCalendar.week <= filters.date_to if filters.date_to else None,
    ]
    return _page(session, _where(statement, conditions), page=page, page_size=page_size)


def list_promo_stats(
    session: Session, filters: RetailFilters, *, page: int, page_size: int
) -> Page[dict[str, Any]]:
    """Promotion depth, duration and frequency per competitor and category."""
    statement = (
        select(InsightPromoStats, Retailer.name.label("retailer_name"))
        .join(Retailer, Retailer.id == InsightPromoStats.retailer_id)
        .order_by(InsightPromoStats.retailer_id, InsightPromoStats.category)
    )
    conditions = [
        InsightPromoStats.category == filters.category if filters.category else None,
        InsightPromoStats.retailer_id == filters.retailer_id if filters.retailer_id else None,
    ]
    return _page(session, _where(statement, conditions), page=page, page_size=page_size)


def list_clusters(
    session: Session, filters: RetailFilters, *, page: int, page_size: int
) -> Page[dict[str, Any]]:
    """Strategy clusters per competitor (``category="*"``) and competitor-category."""
    statement = (
        select(InsightStrategyCluster, Retailer.name.label("retailer_name"))
        .join(Retailer, Retailer.id == InsightStrategyCluster.retailer_id)
        .order_by(InsightStrategyCluster.retailer_id, InsightStrategyCluster.category)
    )
    conditions = [
        InsightStrategyCluster.category == filters.category if filters.category else None,
        InsightStrategyCluster.retailer_id == filters.retailer_id if filters.retailer_id else None,
    ]
    return _page(session, _where(statement, conditions), page=page, page_size=page_size)


def list_alerts(
    session: Session,
    filters: RetailFilters,
    *,
    page: int,
    page_size: int,
    kind: str | None = None,
    severity: str | None = None,
    acknowledged: bool | None = None,
) -> Page[Alert]:
    """Alerts, newest first; competitor and product filters read the alert's detail."""
    statement = select(Alert).order_by(Alert.created_at.desc(), Alert.id.desc())
    conditions = [
        Alert.kind == kind if kind else None,
        Alert.severity == severity if severity else None,
        (Alert.acknowledged_at.is_not(None) if acknowledged else Alert.acknowledged_at.is_(None))
        if acknowledged is not None
        else None,
        Alert.detail["retailer_id"].as_integer() == filters.retailer_id
        if filters.retailer_id
        else None,
        Alert.detail["product_id"].as_integer() == filters.product_id
        if filters.product_id
        else None,
        Alert.detail["day"].as_string() >= filters.date_from.isoformat()
        if filters.date_from
        else None,
        Alert.detail["day"].as_string() <= filters.date_to.isoformat()
        if filters.date_to
        else None,
    ]
    total = session.scalar(
        select(func.count()).select_from(_where(statement, conditions).order_by(None).subquery())
    )
    rows = session.scalars(
        _where(statement, conditions).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return Page(list(rows), int(total or 0), page, page_size)


def acknowledge_alert(session: Session, alert_id: int, *, by: str, now: datetime) -> Alert:
    """Mark an alert as seen (again: keeps the first acknowledgement)."""
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFoundError(f"alert {alert_id} does not exist")
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, by
        session.flush()
    return alert


def latest_observation(connection: Connection) -> datetime | None:
    """When the newest price observation was made (UTC), or None without observations."""
    value = connection.scalar(select(func.max(PriceObservation.observed_at)))
    return value if isinstance(value, datetime) else None
