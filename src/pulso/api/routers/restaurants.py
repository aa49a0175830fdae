"""``/api/v1/restaurants``: sentiment, topics, dining patterns, segments, menu engineering.

Everything is read from the insight tables the ``restaurants`` pipeline steps write; lists are
paged (``page``, ``page_size``) and filter by date range, aspect, label, dish, period...
Routes without a restaurant id come first so ``/segments`` is never read as an id.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from pulso.api.deps import PageDep, SessionDep
from pulso.api.schemas import PageOut
from pulso.api.schemas_restaurants import (
    AspectOut,
    DinerSegmentOut,
    DiningPatternsOut,
    DishSentimentOut,
    DishTopicsOut,
    DistributionOut,
    HeatmapCellOut,
    HolidayOut,
    MenuItemOut,
    MenuPeriodOut,
    MenuSuggestionOut,
    MonthOut,
    RestaurantOut,
    ReviewOut,
    SegmentDinerOut,
    SegmentMixOut,
    SentimentPeriodOut,
    ShopperSegmentOut,
    SummaryOut,
    TopicOut,
    TopicShareOut,
    TopicTrendOut,
)
from pulso.errors import InputError, NotFoundError
from pulso.store.queries import restaurants as queries

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/restaurants", tags=["restaurants"])

RestaurantId = Annotated[int, Path(ge=1, description="Restaurant id")]
DateFrom = Annotated[date | None, Query(description="First day (YYYY-MM-DD)")]
DateTo = Annotated[date | None, Query(description="Last day (YYYY-MM-DD)")]
DishId = Annotated[int | None, Query(ge=1, description="Only this dish")]
Aspect = Literal["overall", "food", "service", "price", "ambience", "wait"]
Label = Literal["positive", "neutral", "negative"]
MenuClass = Literal["star", "plowhorse", "puzzle", "dog"]
Action = Literal["promote", "reprice", "rework", "drop"]


def _restaurant(session: Session, restaurant_id: int) -> None:
    if queries.get_restaurant(session, restaurant_id) is None:
        raise NotFoundError(f"restaurant {restaurant_id} does not exist")


def _range(date_from: date | None, date_to: date | None) -> None:
    if date_from is not None and date_to is not None and date_from > date_to:
        raise InputError(f"date_from {date_from} is after date_to {date_to}")


# --- routes without a restaurant ---------------------------------------------------------------


@router.get("", response_model=PageOut[RestaurantOut], summary="Restaurants with headline figures")
def list_restaurants(
    session: SessionDep,
    paging: PageDep,
    kind: Annotated[str | None, Query(max_length=40, description="cevicheria, chifa...")] = None,
) -> PageOut[RestaurantOut]:
    page = queries.list_restaurants(
        session, page=paging.page, page_size=paging.page_size, kind=kind
    )
    return PageOut[RestaurantOut].model_validate(page, from_attributes=True)


@router.get("/topics", response_model=list[TopicOut], summary="Topics found in all feedback")
def list_topics(session: SessionDep) -> list[TopicOut]:
    return [TopicOut.model_validate(topic) for topic in queries.list_topics(session)]


@router.get(
    "/segments", response_model=list[DinerSegmentOut], summary="Diner segments, largest first"
)
def list_segments(session: SessionDep) -> list[DinerSegmentOut]:
    return [DinerSegmentOut.model_validate(s) for s in queries.list_diner_segments(session)]


@router.get(
    "/segments/{segment}/diners",
    response_model=PageOut[SegmentDinerOut],
    summary="Diners of a segment (pseudonymous keys), most frequent first",
)
def list_segment_diners(
    session: SessionDep, paging: PageDep, segment: Annotated[int, Path(ge=0)]
) -> PageOut[SegmentDinerOut]:
    if segment not in {s.segment for s in queries.list_diner_segments(session)}:
        raise NotFoundError(f"diner segment {segment} does not exist")
    page = queries.segment_diners(session, segment, page=paging.page, page_size=paging.page_size)
    return PageOut[SegmentDinerOut].model_validate(page, from_attributes=True)


@router.get(
    "/shopper-preferences",
    response_model=list[ShopperSegmentOut],
    summary="Retail loyalty-shopper segments: purchase frequency, sentiment, social engagement",
)
def list_shopper_preferences(
    session: SessionDep, retailer_id: Annotated[int | None, Query(ge=1)] = None
) -> list[ShopperSegmentOut]:
    return [
        ShopperSegmentOut.model_validate(
            {**_columns(row.segment, ShopperSegmentOut), "retailer": row.retailer}
        )
        for row in queries.shopper_segments(session, retailer_id=retailer_id)
    ]


# --- one restaurant --------------------------------------------------------------------------


@router.get("/{restaurant_id}", response_model=RestaurantOut, summary="One restaurant")
def get_restaurant(session: SessionDep, restaurant_id: RestaurantId) -> RestaurantOut:
    found = queries.list_restaurants(session, restaurant_id=restaurant_id).items
    if not found:
        raise NotFoundError(f"restaurant {restaurant_id} does not exist")
    return RestaurantOut.model_validate(found[0])


@router.get(
    "/{restaurant_id}/sentiment/trend",
    response_model=list[SentimentPeriodOut],
    summary="Monthly sentiment, overall and per aspect",
)
def sentiment_trend(
    session: SessionDep,
    restaurant_id: RestaurantId,
    aspect: Aspect | None = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> list[SentimentPeriodOut]:
    _restaurant(session, restaurant_id)
    _range(date_from, date_to)
    rows = queries.sentiment_trend(
        session, restaurant_id, aspect=aspect, date_from=date_from, date_to=date_to
    )
    return [SentimentPeriodOut.model_validate(row) for row in rows]


@router.get(
    "/{restaurant_id}/sentiment/aspects",
    response_model=list[AspectOut],
    summary="Sentiment per aspect over a date range",
)
def sentiment_aspects(
    session: SessionDep,
    restaurant_id: RestaurantId,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> list[AspectOut]:
    _restaurant(session, restaurant_id)
    _range(date_from, date_to)
    rows = queries.aspect_summary(session, restaurant_id, date_from=date_from, date_to=date_to)
    return [AspectOut.model_validate(row) for row in rows]


@router.get(
    "/{restaurant_id}/sentiment/dishes",
    response_model=PageOut[DishSentimentOut],
    summary="Sentiment per dish with example comments",
)
def sentiment_dishes(
    session: SessionDep, paging: PageDep, restaurant_id: RestaurantId, dish_id: DishId = None
) -> PageOut[DishSentimentOut]:
    _restaurant(session, restaurant_id)
    page = queries.dish_sentiment(
        session, restaurant_id, dish_id=dish_id, page=paging.page, page_size=paging.page_size
    )
    return PageOut[DishSentimentOut].model_validate(page, from_attributes=True)


@router.get(
    "/{restaurant_id}/sentiment/reviews",
    response_model=PageOut[ReviewOut],
    summary="Scored reviews (example comments), filterable by aspect, label, dish and date",
)
def sentiment_reviews(
    session: SessionDep,
    paging: PageDep,
    restaurant_id: RestaurantId,
    aspect: Aspect | None = None,
    label: Label | None = None,
    dish_id: DishId = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> PageOut[ReviewOut]:
    _restaurant(session, restaurant_id)
    _range(date_from, date_to)
    page = queries.review_sentiment(
        session,
        restaurant_id,
        aspect=None if aspect == "overall" else aspect,
        label=label,
        dish_id=dish_id,
        date_from=date_from,
        date_to=date_to,
        page=paging.page,
        page_size=paging.page_size,
    )
    return PageOut[ReviewOut].model_validate(page, from_attributes=True)


@router.get(
    "/{restaurant_id}/topics",
    response_model=list[TopicShareOut],
    summary="Topics of a restaurant's feedback over a date range",
)
def restaurant_topics(
    session: SessionDep,
    restaurant_id: RestaurantId,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> list[TopicShareOut]:
    _restaurant(session, restaurant_id)
    _range(date_from, date_to)
    rows = queries.topic_shares(session, restaurant_id, date_from=date_from, date_to=date_to)
    return [TopicShareOut.model_validate(row) for row in rows]


@router.get(
    "/{restaurant_id}/topics/trend",
    response_model=list[TopicTrendOut],
    summary="Monthly topic shares",
)
def restaurant_topic_trend(
    session: SessionDep,
    restaurant_id: RestaurantId,
    topic: Annotated[int | None, Query(ge=0)] = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> list[TopicTrendOut]:
    _restaurant(session, restaurant_id)
    _range(date_from, date_to)
    rows = queries.topic_trend(
        session, restaurant_id, topic=topic, date_from=date_from, date_to=date_to
    )
    return [TopicTrendOut.model_validate(row) for row in rows]


@router.get(
    "/{restaurant_id}/topics/dishes",
    response_model=PageOut[DishTopicsOut],
    summary="Topics diners raise about each dish",
)
def restaurant_dish_topics(
    session: SessionDep, paging: PageDep, restaurant_id: RestaurantId, dish_id: DishId = None
) -> PageOut[DishTopicsOut]:
    _restaurant(session, restaurant_id)
    by_dish = queries.topic_dishes(session, restaurant_id, dish_id=dish_id)
    items = [
        DishTopicsOut(dish_id=dish, topics=[TopicShareOut.model_validate(t) for t in topics])
        for dish, topics in by_dish.items()
    ]
    start = (paging.page - 1) * paging.page_size
    return PageOut[DishTopicsOut](
        items=items[start : start + paging.page_size],
        total=len(items),
        page=paging.page,
        page_size=paging.page_size,
    )


@router.get(
    "/{restaurant_id}/patterns",
    response_model=DiningPatternsOut,
    summary="Hour x weekday heatmap, seasonality, party and ticket size, channels, repeat visits",
)
def restaurant_patterns(session: SessionDep, restaurant_id: RestaurantId) -> DiningPatternsOut:
    _restaurant(session, restaurant_id)
    found = queries.dining_patterns(session, restaurant_id)
    return DiningPatternsOut(
        restaurant_id=restaurant_id,
        summary=SummaryOut.model_validate(found.summary) if found.summary else None,
        heatmap=[HeatmapCellOut.model_validate(row) for row in found.heatmap],
        months=[MonthOut.model_validate(row) for row in found.months],
        holidays=[HolidayOut.model_validate(row) for row in found.holidays],
        distributions={
            name: [DistributionOut.model_validate(row) for row in rows]
            for name, rows in found.distributions.items()
        },
    )


@router.get(
    "/{restaurant_id}/segments",
    response_model=list[SegmentMixOut],
    summary="How a restaurant's known diners split across segments",
)
def restaurant_segments(session: SessionDep, restaurant_id: RestaurantId) -> list[SegmentMixOut]:
    _restaurant(session, restaurant_id)
    return [
        SegmentMixOut(
            segment=mix.segment,
            key=segment.key if segment else None,
            name=segment.name if segment else None,
            diners=mix.diners,
            orders=mix.orders,
            revenue_pen=mix.revenue_pen,
            share_of_orders=mix.share_of_orders,
        )
        for mix, segment in queries.restaurant_segment_mix(session, restaurant_id)
    ]


@router.get(
    "/{restaurant_id}/menu-engineering/periods",
    response_model=list[MenuPeriodOut],
    summary="Periods with a menu-engineering matrix (all, then months)",
)
def menu_periods(session: SessionDep, restaurant_id: RestaurantId) -> list[MenuPeriodOut]:
    _restaurant(session, restaurant_id)
    return [
        MenuPeriodOut(period=period, period_start=start, period_end=end)
        for period, start, end in queries.menu_periods(session, restaurant_id)
    ]


@router.get(
    "/{restaurant_id}/menu-engineering",
    response_model=PageOut[MenuItemOut],
    summary="Popularity x contribution-margin matrix (stars, plowhorses, puzzles, dogs)",
)
def menu_matrix(
    session: SessionDep,
    paging: PageDep,
    restaurant_id: RestaurantId,
    period: Annotated[str, Query(max_length=10, description="all or YYYY-MM")] = "all",
    menu_class: MenuClass | None = None,
    dish_id: DishId = None,
) -> PageOut[MenuItemOut]:
    _restaurant(session, restaurant_id)
    page = queries.menu_items(
        session,
        restaurant_id,
        period=period,
        menu_class=menu_class,
        dish_id=dish_id,
        page=paging.page,
        page_size=paging.page_size,
    )
    items = [
        MenuItemOut.model_validate({**_columns(row.item, MenuItemOut), "dish": row.dish})
        for row in page.items
    ]
    return PageOut[MenuItemOut](
        items=items, total=page.total, page=page.page, page_size=page.page_size
    )


@router.get(
    "/{restaurant_id}/menu-engineering/suggestions",
    response_model=PageOut[MenuSuggestionOut],
    summary="Menu suggestions (promote, reprice, rework, drop) with the numbers behind them",
)
def menu_suggestions(
    session: SessionDep,
    paging: PageDep,
    restaurant_id: RestaurantId,
    period: Annotated[str, Query(max_length=10, description="all or YYYY-MM")] = "all",
    action: Action | None = None,
    dish_id: DishId = None,
) -> PageOut[MenuSuggestionOut]:
    _restaurant(session, restaurant_id)
    page = queries.menu_suggestions(
        session,
        restaurant_id,
        period=period,
        action=action,
        dish_id=dish_id,
        page=paging.page,
        page_size=paging.page_size,
    )
    items = [
        MenuSuggestionOut.model_validate(
            {**_columns(row.suggestion, MenuSuggestionOut), "dish": row.dish}
        )
        for row in page.items
    ]
    return PageOut[MenuSuggestionOut](
        items=items, total=page.total, page=page.page, page_size=page.page_size
    )


def _columns(row: object, model: type[BaseModel]) -> dict[str, object]:
    """The attributes of an ORM row that ``model`` has fields for."""
    return {name: getattr(row, name) for name in model.model_fields if hasattr(row, name)}
