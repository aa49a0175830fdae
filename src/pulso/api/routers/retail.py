"""``/api/v1/retail``: matches and their review queue, price comparison, price index, product
history, promotions, strategy clusters and alerts (JSON read from the insight tables).

Lists are paged (``page``, ``page_size``) and filtered by ``category``, ``competitor`` (id, slug
or name), ``product_id`` and a ``date_from``/``date_to`` range where it applies.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import groupby
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from pulso.api.deps import PageDep, SessionDep
from pulso.api.schemas import PageOut
from pulso.api.schemas_retail import (
    AcknowledgeIn,
    ActivitySummaryOut,
    AlertOut,
    ClusterOut,
    DecisionIn,
    ListingActivityOut,
    ManualMatchIn,
    MatchOut,
    PriceGapOut,
    PriceIndexOut,
    PricePointOut,
    ProductHistoryOut,
    PromoCalendarOut,
    PromoStatsOut,
    PromotionOut,
    RetailerSeriesOut,
)
from pulso.errors import InputError
from pulso.store.queries import retail as queries

router = APIRouter(prefix="/api/v1/retail", tags=["retail"])

Category = Annotated[str | None, Query(max_length=120, description='our category; "*" = all')]
Competitor = Annotated[str | None, Query(max_length=120, description="retailer id, slug or name")]
ProductId = Annotated[int | None, Query(ge=1)]
DateFrom = Annotated[date | None, Query(description="first day (inclusive)")]
DateTo = Annotated[date | None, Query(description="last day (inclusive)")]


def _filters(
    session: SessionDep,
    category: Category = None,
    competitor: Competitor = None,
    product_id: ProductId = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> queries.RetailFilters:
    if date_from and date_to and date_from > date_to:
        raise InputError(f"date_from {date_from} is after date_to {date_to}", column="date_from")
    return queries.RetailFilters(
        category=category,
        retailer_id=queries.resolve_retailer(session, competitor),
        product_id=product_id,
        date_from=date_from,
        date_to=date_to,
    )


FiltersDep = Annotated[queries.RetailFilters, Depends(_filters)]


def _now() -> datetime:
    return datetime.now(UTC)


# --- matches ------------------------------------------------------------------------------


@router.get("/matches", response_model=PageOut[MatchOut], summary="Listing -> product matches")
def list_matches(
    session: SessionDep,
    paging: PageDep,
    filters: FiltersDep,
    status: Annotated[str | None, Query(pattern="^(auto|pending|confirmed|rejected)$")] = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    max_score: Annotated[float | None, Query(ge=0, le=1)] = None,
) -> PageOut[MatchOut]:
    page = queries.list_matches(
        session,
        filters,
        page=paging.page,
        page_size=paging.page_size,
        status=status,
        min_score=min_score,
        max_score=max_score,
    )
    return PageOut[MatchOut].model_validate(page, from_attributes=True)


@router.get(
    "/matches/review-queue",
    response_model=PageOut[MatchOut],
    summary="Pairs waiting for an analyst (status pending), best scores first",
)
def review_queue(session: SessionDep, paging: PageDep, filters: FiltersDep) -> PageOut[MatchOut]:
    page = queries.list_matches(
        session, filters, page=paging.page, page_size=paging.page_size, status="pending"
    )
    return PageOut[MatchOut].model_validate(page, from_attributes=True)


@router.post(
    "/matches/{match_id}/confirm",
    response_model=MatchOut,
    summary="Confirm a pair (a label for the next training of the match classifier)",
)
def confirm_match(session: SessionDep, match_id: int, body: DecisionIn) -> MatchOut:
    row = queries.decide_match(
        session, match_id, decision="confirmed", decided_by=body.decided_by, now=_now()
    )
    return MatchOut.model_validate(row)


@router.post(
    "/matches/{match_id}/reject",
    response_model=MatchOut,
    summary="Reject a pair (never proposed again; a negative label for training)",
)
def reject_match(session: SessionDep, match_id: int, body: DecisionIn) -> MatchOut:
    row = queries.decide_match(
        session, match_id, decision="rejected", decided_by=body.decided_by, now=_now()
    )
    return MatchOut.model_validate(row)


@router.post(
    "/matches", response_model=MatchOut, status_code=201, summary="Link a listing by hand"
)
def create_match(session: SessionDep, body: ManualMatchIn) -> MatchOut:
    row = queries.link_listing(
        session,
        listing_id=body.listing_id,
        product_id=body.product_id,
        decided_by=body.decided_by,
        now=_now(),
    )
    return MatchOut.model_validate(row)


# --- prices -------------------------------------------------------------------------------


@router.get(
    "/price-comparison",
    response_model=PageOut[PriceGapOut],
    summary="Latest competitor prices against ours (regular, shelf and card kept apart)",
)
def price_comparison(
    session: SessionDep,
    paging: PageDep,
    filters: FiltersDep,
    key_items_only: bool = False,
) -> PageOut[PriceGapOut]:
    page = queries.list_price_gaps(
        session,
        filters,
        page=paging.page,
        page_size=paging.page_size,
        key_items_only=key_items_only,
    )
    return PageOut[PriceGapOut].model_validate(page, from_attributes=True)


@router.get(
    "/price-index",
    response_model=PageOut[PriceIndexOut],
    summary="Weekly price index per competitor and category (ours = 100)",
)
def price_index(
    session: SessionDep, paging: PageDep, filters: FiltersDep
) -> PageOut[PriceIndexOut]:
    page = queries.list_price_index(session, filters, page=paging.page, page_size=paging.page_size)
    return PageOut[PriceIndexOut].model_validate(page, from_attributes=True)


@router.get(
    "/price-activity",
    response_model=PageOut[ListingActivityOut],
    summary="Stock-outs and price changes per listing",
)
def price_activity(
    session: SessionDep, paging: PageDep, filters: FiltersDep
) -> PageOut[ListingActivityOut]:
    page = queries.list_listing_activity(
        session, filters, page=paging.page, page_size=paging.page_size
    )
    return PageOut[ListingActivityOut].model_validate(page, from_attributes=True)


@router.get(
    "/price-activity/summary",
    response_model=PageOut[ActivitySummaryOut],
    summary="Stock-out rates and price changes per competitor and category",
)
def price_activity_summary(
    session: SessionDep, paging: PageDep, filters: FiltersDep
) -> PageOut[ActivitySummaryOut]:
    page = queries.summarise_listing_activity(
        session, filters, page=paging.page, page_size=paging.page_size
    )
    return PageOut[ActivitySummaryOut].model_validate(page, from_attributes=True)


@router.get(
    "/products/{product_id}/history",
    response_model=ProductHistoryOut,
    summary="One product's prices at every retailer, ours included",
)
def product_history(
    session: SessionDep,
    product_id: int,
    competitor: Competitor = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> ProductHistoryOut:
    product = queries.get_product(session, product_id)
    rows = queries.product_history(
        session,
        product_id,
        retailer_id=queries.resolve_retailer(session, competitor),
        date_from=date_from,
        date_to=date_to,
    )
    series = [
        RetailerSeriesOut(
            retailer_id=points[0]["retailer_id"],
            retailer_name=points[0]["retailer_name"],
            is_own=points[0]["is_own"],
            listing_id=listing_id,
            points=[PricePointOut.model_validate(point) for point in points],
        )
        for listing_id, group in groupby(rows, key=lambda row: row["listing_id"])
        for points in [list(group)]
    ]
    return ProductHistoryOut(
        product_id=product.id,
        sku=product.sku,
        name=product.name,
        category=product.category,
        series=series,
    )


# --- promotions ---------------------------------------------------------------------------


@router.get(
    "/promotions",
    response_model=PageOut[PromotionOut],
    summary="Promotions with parsed type and effective discount, newest first",
)
def list_promotions(
    session: SessionDep,
    paging: PageDep,
    filters: FiltersDep,
    promo_type: Annotated[str | None, Query(max_length=40)] = None,
) -> PageOut[PromotionOut]:
    page = queries.list_promotions(
        session, filters, page=paging.page, page_size=paging.page_size, promo_type=promo_type
    )
    return PageOut[PromotionOut].model_validate(page, from_attributes=True)


@router.get(
    "/promotions/calendar",
    response_model=PageOut[PromoCalendarOut],
    summary="Weekly promotion calendar per competitor and category",
)
def promo_calendar(
    session: SessionDep, paging: PageDep, filters: FiltersDep
) -> PageOut[PromoCalendarOut]:
    page = queries.list_promo_calendar(
        session, filters, page=paging.page, page_size=paging.page_size
    )
    return PageOut[PromoCalendarOut].model_validate(page, from_attributes=True)


@router.get(
    "/promotions/stats",
    response_model=PageOut[PromoStatsOut],
    summary="Promotion depth, duration and frequency per competitor and category",
)
def promo_stats(
    session: SessionDep, paging: PageDep, filters: FiltersDep
) -> PageOut[PromoStatsOut]:
    page = queries.list_promo_stats(session, filters, page=paging.page, page_size=paging.page_size)
    return PageOut[PromoStatsOut].model_validate(page, from_attributes=True)


# --- clusters and alerts ------------------------------------------------------------------


@router.get(
    "/clusters",
    response_model=PageOut[ClusterOut],
    summary="Competitor pricing-strategy clusters (category * = the whole competitor)",
)
def list_clusters(
    session: SessionDep, paging: PageDep, filters: FiltersDep
) -> PageOut[ClusterOut]:
    page = queries.list_clusters(session, filters, page=paging.page, page_size=paging.page_size)
    return PageOut[ClusterOut].model_validate(page, from_attributes=True)


@router.get("/alerts", response_model=PageOut[AlertOut], summary="Alerts, newest first")
def list_alerts(
    session: SessionDep,
    paging: PageDep,
    filters: FiltersDep,
    kind: Annotated[str | None, Query(max_length=60)] = None,
    severity: Annotated[str | None, Query(pattern="^(low|medium|high)$")] = None,
    acknowledged: bool | None = None,
) -> PageOut[AlertOut]:
    page = queries.list_alerts(
        session,
        filters,
        page=paging.page,
        page_size=paging.page_size,
        kind=kind,
        severity=severity,
        acknowledged=acknowledged,
    )
    return PageOut[AlertOut].model_validate(page, from_attributes=True)


@router.post(
    "/alerts/{alert_id}/acknowledge", response_model=AlertOut, summary="Acknowledge an alert"
)
def acknowledge_alert(session: SessionDep, alert_id: int, body: AcknowledgeIn) -> AlertOut:
    alert = queries.acknowledge_alert(session, alert_id, by=body.acknowledged_by, now=_now())
    return AlertOut.model_validate(alert)
