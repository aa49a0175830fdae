"""Read queries over the restaurant insight tables (for the API and the dashboard).

Functions return ORM rows, frozen dataclasses or :class:`~pulso.store.queries.ingest.Page`.
Date filters select whole months for monthly tables (a month is in when it overlaps the range).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from pulso.store.queries.ingest import Page
from pulso.store.tables import Diner, Dish, Feedback, Restaurant, Retailer
from pulso.store.tables_restaurants import (
    InsightDinerAssignment,
    InsightDinerSegment,
    InsightDiningDistribution,
    InsightDiningHeatmap,
    InsightDiningSeasonality,
    InsightDiningSummary,
    InsightDishSentiment,
    InsightMenuItem,
    InsightMenuSuggestion,
    InsightReviewAspect,
    InsightReviewSentiment,
    InsightSegmentRestaurant,
    InsightSentimentPeriod,
    InsightShopperSegment,
    InsightTopic,
    InsightTopicDish,
    InsightTopicPeriod,
)

__all__ = [
    "AspectSummary",
    "DiningPatterns",
    "DishSentimentRow",
    "MenuItemRow",
    "MenuSuggestionRow",
    "RestaurantRow",
    "ReviewRow",
    "SegmentDinerRow",
    "ShopperSegmentRow",
    "TopicShareRow",
    "TopicTrendRow",
    "aspect_summary",
    "dining_patterns",
    "dish_sentiment",
    "get_restaurant",
    "list_diner_segments",
    "list_restaurants",
    "list_topics",
    "menu_items",
    "menu_periods",
    "menu_suggestions",
    "restaurant_segment_mix",
    "review_sentiment",
    "segment_diners",
    "sentiment_trend",
    "shopper_segments",
    "topic_dishes",
    "topic_shares",
    "topic_trend",
]

OVERALL = "overall"
_AnySelect = Select[*tuple[Any, ...]]


def _month_floor(day: date) -> date:
    return day.replace(day=1)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


# --- restaurants -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RestaurantRow:
    """A restaurant with headline figures from the insight tables (None before a run)."""

    id: int
    slug: str
    name: str
    kind: str | None
    district: str | None
    dishes: int
    reviews: int
    net_sentiment: float | None
    orders: int | None
    mean_ticket_pen: float | None
    repeat_visit_rate: float | None


def list_restaurants(
    session: Session,
    *,
    page: int = 1,
    page_size: int = 50,
    kind: str | None = None,
    restaurant_id: int | None = None,
) -> Page[RestaurantRow]:
    """Restaurants by name, with dish and review counts, net sentiment and order figures."""
    dishes = (
        select(Dish.restaurant_id, func.count().label("dishes"))
        .group_by(Dish.restaurant_id)
        .subquery()
    )
    reviews = (
        select(
            InsightSentimentPeriod.restaurant_id,
            func.sum(InsightSentimentPeriod.reviews).label("reviews"),
            func.sum(InsightSentimentPeriod.positive).label("positive"),
            func.sum(InsightSentimentPeriod.negative).label("negative"),
        )
        .where(InsightSentimentPeriod.aspect == OVERALL)
        .group_by(InsightSentimentPeriod.restaurant_id)
        .subquery()
    )
    statement = (
        select(
            Restaurant,
            func.coalesce(dishes.c.dishes, 0),
            func.coalesce(reviews.c.reviews, 0),
            reviews.c.positive,
            reviews.c.negative,
            InsightDiningSummary,
        )
        .outerjoin(dishes, dishes.c.restaurant_id == Restaurant.id)
        .outerjoin(reviews, reviews.c.restaurant_id == Restaurant.id)
        .outerjoin(InsightDiningSummary, InsightDiningSummary.restaurant_id == Restaurant.id)
        .order_by(Restaurant.name)
    )
    if kind is not None:
        statement = statement.where(Restaurant.kind == kind)
    if restaurant_id is not None:
        statement = statement.where(Restaurant.id == restaurant_id)
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = session.execute(statement.limit(page_size).offset((page - 1) * page_size)).all()
    items = [_restaurant_row(*row) for row in rows]
    return Page(items, int(total or 0), page, page_size)


def _restaurant_row(
    restaurant: Restaurant,
    dishes: int,
    reviews: int,
    positive: int | None,
    negative: int | None,
    summary: InsightDiningSummary | None,
) -> RestaurantRow:
    net = (
        (positive - negative) / reviews
        if reviews and positive is not None and negative is not None
        else None
    )
    return RestaurantRow(
        id=restaurant.id,
        slug=restaurant.slug,
        name=restaurant.name,
        kind=restaurant.kind,
        district=restaurant.district,
        dishes=int(dishes),
        reviews=int(reviews),
        net_sentiment=None if net is None else round(float(net), 4),
        orders=summary.orders if summary else None,
        mean_ticket_pen=summary.mean_ticket_pen if summary else None,
        repeat_visit_rate=summary.repeat_visit_rate if summary else None,
    )


def get_restaurant(session: Session, restaurant_id: int) -> Restaurant | None:
    """One restaurant, or None."""
    return session.get(Restaurant, restaurant_id)


# --- sentiment -------------------------------------------------------------------------------


def sentiment_trend(
    session: Session,
    restaurant_id: int,
    *,
    aspect: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[InsightSentimentPeriod]:
    """Monthly label counts, by month then aspect (``overall`` first)."""
    statement = select(InsightSentimentPeriod).where(
        InsightSentimentPeriod.restaurant_id == restaurant_id
    )
    if aspect is not None:
        statement = statement.where(InsightSentimentPeriod.aspect == aspect)
    if date_from is not None:
        statement = statement.where(InsightSentimentPeriod.period_start >= _month_floor(date_from))
    if date_to is not None:
        statement = statement.where(InsightSentimentPeriod.period_start <= date_to)
    statement = statement.order_by(
        InsightSentimentPeriod.period_start,
        (InsightSentimentPeriod.aspect != OVERALL),
        InsightSentimentPeriod.aspect,
    )
    return list(session.scalars(statement))


@dataclass(frozen=True, slots=True)
class AspectSummary:
    """Label counts of one aspect over a date range, with net sentiment and mean score."""

    aspect: str
    reviews: int
    positive: int
    neutral: int
    negative: int
    net_sentiment: float
    mean_score: float


def aspect_summary(
    session: Session,
    restaurant_id: int,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[AspectSummary]:
    """Each aspect (``overall`` first) summed over the months in the range."""
    rows = sentiment_trend(session, restaurant_id, date_from=date_from, date_to=date_to)
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0.0])
    for row in rows:
        total = totals[row.aspect]
        total[0] += row.reviews
        total[1] += row.positive
        total[2] += row.neutral
        total[3] += row.negative
        total[4] += row.mean_score * row.reviews
    order = sorted(totals, key=lambda aspect: (aspect != OVERALL, aspect))
    return [
        AspectSummary(
            aspect=aspect,
            reviews=int(totals[aspect][0]),
            positive=int(totals[aspect][1]),
            neutral=int(totals[aspect][2]),
            negative=int(totals[aspect][3]),
            net_sentiment=round((totals[aspect][1] - totals[aspect][3]) / totals[aspect][0], 4),
            mean_score=round(totals[aspect][4] / totals[aspect][0], 4),
        )
        for aspect in order
        if totals[aspect][0]
    ]


@dataclass(frozen=True, slots=True)
class DishSentimentRow:
    """Sentiment of the reviews about one dish, with example comments."""

    dish_id: int
    dish: str
    category: str | None
    reviews: int
    positive: int
    neutral: int
    negative: int
    mean_score: float
    net_sentiment: float
    food_score: float | None
    examples: list[dict[str, Any]] = field(default_factory=list)


def dish_sentiment(
    session: Session,
    restaurant_id: int,
    *,
    dish_id: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[DishSentimentRow]:
    """Dishes by number of reviews (most first)."""
    statement = (
        select(InsightDishSentiment, Dish.name, Dish.category)
        .join(Dish, Dish.id == InsightDishSentiment.dish_id)
        .where(InsightDishSentiment.restaurant_id == restaurant_id)
        .order_by(InsightDishSentiment.reviews.desc(), Dish.name)
    )
    if dish_id is not None:
        statement = statement.where(InsightDishSentiment.dish_id == dish_id)
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = session.execute(statement.limit(page_size).offset((page - 1) * page_size)).all()
    items = [
        DishSentimentRow(
            dish_id=row.dish_id,
            dish=name,
            category=category,
            reviews=row.reviews,
            positive=row.positive,
            neutral=row.neutral,
            negative=row.negative,
            mean_score=row.mean_score,
            net_sentiment=row.net_sentiment,
            food_score=row.food_score,
            examples=list(row.examples),
        )
        for row, name, category in rows
    ]
    return Page(items, int(total or 0), page, page_size)


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """A scored review: text, overall label and score, and its aspects."""

    feedback_id: int
    created_at: datetime
    text: str
    rating: int | None
    dish_id: int | None
    dish: str | None
    label: str
    score: float
    lang: str
    model: str
    aspects: list[dict[str, Any]] = field(default_factory=list)


def review_sentiment(
    session: Session,
    restaurant_id: int,
    *,
    aspect: str | None = None,
    label: str | None = None,
    dish_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[ReviewRow]:
    """Scored reviews, newest first. With ``aspect``, ``label`` filters that aspect's label."""
    statement = (
        select(InsightReviewSentiment, Feedback.text, Feedback.rating, Dish.name)
        .join(Feedback, Feedback.id == InsightReviewSentiment.feedback_id)
        .outerjoin(Dish, Dish.id == InsightReviewSentiment.dish_id)
        .where(InsightReviewSentiment.restaurant_id == restaurant_id)
        .order_by(InsightReviewSentiment.created_at.desc(), InsightReviewSentiment.feedback_id)
    )
    if aspect is not None:
        statement = statement.join(
            InsightReviewAspect,
            (InsightReviewAspect.feedback_id == InsightReviewSentiment.feedback_id)
            & (InsightReviewAspect.aspect == aspect),
        )
        if label is not None:
            statement = statement.where(InsightReviewAspect.label == label)
    elif label is not None:
        statement = statement.where(InsightReviewSentiment.label == label)
    if dish_id is not None:
        statement = statement.where(InsightReviewSentiment.dish_id == dish_id)
    if date_from is not None:
        statement = statement.where(InsightReviewSentiment.created_at >= _start_of(date_from))
    if date_to is not None:
        statement = statement.where(InsightReviewSentiment.created_at < _end_of(date_to))
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = session.execute(statement.limit(page_size).offset((page - 1) * page_size)).all()
    aspects = _aspects_of(session, [row[0].feedback_id for row in rows])
    items = [
        ReviewRow(
            feedback_id=scored.feedback_id,
            created_at=scored.created_at,
            text=text,
            rating=rating,
            dish_id=scored.dish_id,
            dish=dish,
            label=scored.label,
            score=scored.score,
            lang=scored.lang,
            model=scored.model,
            aspects=aspects.get(scored.feedback_id, []),
        )
        for scored, text, rating, dish in rows
    ]
    return Page(items, int(total or 0), page, page_size)


def _aspects_of(session: Session, feedback_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not feedback_ids:
        return {}
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    statement = (
        select(InsightReviewAspect)
        .where(InsightReviewAspect.feedback_id.in_(feedback_ids))
        .order_by(InsightReviewAspect.feedback_id, InsightReviewAspect.aspect)
    )
    for row in session.scalars(statement):
        found[row.feedback_id].append(
            {"aspect": row.aspect, "label": row.label, "evidence": row.evidence}
        )
    return found


# --- topics ----------------------------------------------------------------------------------


def list_topics(session: Session) -> list[InsightTopic]:
    """Every topic found in the feedback, by number."""
    return list(session.scalars(select(InsightTopic).order_by(InsightTopic.topic)))


@dataclass(frozen=True, slots=True)
class TopicShareRow:
    """A topic's share of a restaurant's (or a dish's) feedback over a range."""

    topic: int
    label: str
    terms: list[str]
    documents: int
    reviews: int
    share: float


def _weighted(
    rows: list[tuple[int, int, int, float]], topics: dict[int, InsightTopic]
) -> list[TopicShareRow]:
    totals: dict[int, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for topic, documents, reviews, share in rows:
        totals[topic][0] += documents
        totals[topic][1] += reviews
        totals[topic][2] += share * documents
    out = [
        TopicShareRow(
            topic=topic,
            label=topics[topic].label if topic in topics else f"topic {topic}",
            terms=list(topics[topic].terms) if topic in topics else [],
            documents=int(total[0]),
            reviews=int(total[1]),
            share=round(total[2] / total[0], 4) if total[0] else 0.0,
        )
        for topic, total in totals.items()
    ]
    return sorted(out, key=lambda row: -row.share)


def topic_shares(
    session: Session,
    restaurant_id: int,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[TopicShareRow]:
    """Topics of a restaurant's feedback over the months in the range, largest share first."""
    statement = select(
        InsightTopicPeriod.topic,
        InsightTopicPeriod.documents,
        InsightTopicPeriod.reviews,
        InsightTopicPeriod.share,
    ).where(InsightTopicPeriod.restaurant_id == restaurant_id)
    if date_from is not None:
        statement = statement.where(InsightTopicPeriod.period_start >= _month_floor(date_from))
    if date_to is not None:
        statement = statement.where(InsightTopicPeriod.period_start <= date_to)
    topics = {topic.topic: topic for topic in list_topics(session)}
    return _weighted([tuple(row) for row in session.execute(statement)], topics)  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class TopicTrendRow:
    """A topic's share of a restaurant's feedback in one month."""

    period_start: date
    topic: int
    label: str
    documents: int
    reviews: int
    share: float


def topic_trend(
    session: Session,
    restaurant_id: int,
    *,
    topic: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[TopicTrendRow]:
    """Monthly topic shares, by month then topic."""
    statement = (
        select(InsightTopicPeriod, InsightTopic.label)
        .outerjoin(InsightTopic, InsightTopic.topic == InsightTopicPeriod.topic)
        .where(InsightTopicPeriod.restaurant_id == restaurant_id)
        .order_by(InsightTopicPeriod.period_start, InsightTopicPeriod.topic)
    )
    if topic is not None:
        statement = statement.where(InsightTopicPeriod.topic == topic)
    if date_from is not None:
        statement = statement.where(InsightTopicPeriod.period_start >= _month_floor(date_from))
    if date_to is not None:
        statement = statement.where(InsightTopicPeriod.period_start <= date_to)
    return [
        TopicTrendRow(
            row.period_start,
            row.topic,
            label or f"topic {row.topic}",
            row.documents,
            row.reviews,
            row.share,
        )
        for row, label in session.execute(statement)
    ]


def topic_dishes(
    session: Session, restaurant_id: int, *, dish_id: int | None = None
) -> dict[int, list[TopicShareRow]]:
    """Topic shares of the feedback about each dish (dish id -> topics, largest first)."""
    statement = select(
        InsightTopicDish.dish_id,
        InsightTopicDish.topic,
        InsightTopicDish.documents,
        InsightTopicDish.reviews,
        InsightTopicDish.share,
    ).where(InsightTopicDish.restaurant_id == restaurant_id)
    if dish_id is not None:
        statement = statement.where(InsightTopicDish.dish_id == dish_id)
    topics = {topic.topic: topic for topic in list_topics(session)}
    by_dish: dict[int, list[tuple[int, int, int, float]]] = defaultdict(list)
    for dish, topic, documents, reviews, share in session.execute(statement):
        by_dish[dish].append((topic, documents, reviews, share))
    return {dish: _weighted(rows, topics) for dish, rows in sorted(by_dish.items())}


# --- dining patterns ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DiningPatterns:
    """Everything the patterns page shows for one restaurant."""

    summary: InsightDiningSummary | None
    heatmap: list[InsightDiningHeatmap]
    months: list[InsightDiningSeasonality]
    holidays: list[InsightDiningSeasonality]
    distributions: dict[str, list[InsightDiningDistribution]]


def dining_patterns(session: Session, restaurant_id: int) -> DiningPatterns:
    """Summary, heatmap, monthly and holiday seasonality and distributions of a restaurant."""
    summary = session.scalar(
        select(InsightDiningSummary).where(InsightDiningSummary.restaurant_id == restaurant_id)
    )
    heatmap = session.scalars(
        select(InsightDiningHeatmap)
        .where(InsightDiningHeatmap.restaurant_id == restaurant_id)
        .order_by(InsightDiningHeatmap.weekday, InsightDiningHeatmap.hour)
    ).all()
    seasonality = session.scalars(
        select(InsightDiningSeasonality)
        .where(InsightDiningSeasonality.restaurant_id == restaurant_id)
        .order_by(InsightDiningSeasonality.day)
    ).all()
    distributions: dict[str, list[InsightDiningDistribution]] = defaultdict(list)
    for row in session.scalars(
        select(InsightDiningDistribution)
        .where(InsightDiningDistribution.restaurant_id == restaurant_id)
        .order_by(InsightDiningDistribution.dimension, InsightDiningDistribution.position)
    ):
        distributions[row.dimension].append(row)
    return DiningPatterns(
        summary=summary,
        heatmap=list(heatmap),
        months=[row for row in seasonality if row.kind == "month"],
        holidays=[row for row in seasonality if row.kind == "holiday"],
        distributions=dict(distributions),
    )


# --- diner segments ----------------------------------------------------------------------------


def list_diner_segments(session: Session) -> list[InsightDinerSegment]:
    """Diner segments, largest first."""
    statement = select(InsightDinerSegment).order_by(
        InsightDinerSegment.diners.desc(), InsightDinerSegment.segment
    )
    return list(session.scalars(statement))


@dataclass(frozen=True, slots=True)
class SegmentDinerRow:
    """A diner of a segment (pseudonymous key) with their RFM figures."""

    diner_id: int
    diner_key: str
    segment: int
    recency_days: int
    frequency: int
    monetary_pen: float
    favourite_category: str | None


def segment_diners(
    session: Session, segment: int, *, page: int = 1, page_size: int = 50
) -> Page[SegmentDinerRow]:
    """Diners of a segment, most frequent first."""
    statement = (
        select(InsightDinerAssignment, Diner.diner_key)
        .join(Diner, Diner.id == InsightDinerAssignment.diner_id)
        .where(InsightDinerAssignment.segment == segment)
        .order_by(InsightDinerAssignment.frequency.desc(), InsightDinerAssignment.diner_id)
    )
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = session.execute(statement.limit(page_size).offset((page - 1) * page_size)).all()
    items = [
        SegmentDinerRow(
            diner_id=row.diner_id,
            diner_key=key,
            segment=row.segment,
            recency_days=row.recency_days,
            frequency=row.frequency,
            monetary_pen=row.monetary_pen,
            favourite_category=row.favourite_category,
        )
        for row, key in rows
    ]
    return Page(items, int(total or 0), page, page_size)


def restaurant_segment_mix(
    session: Session, restaurant_id: int
) -> list[tuple[InsightSegmentRestaurant, InsightDinerSegment | None]]:
    """How a restaurant's known diners split across segments, most orders first."""
    statement = (
        select(InsightSegmentRestaurant, InsightDinerSegment)
        .outerjoin(
            InsightDinerSegment, InsightDinerSegment.segment == InsightSegmentRestaurant.segment
        )
        .where(InsightSegmentRestaurant.restaurant_id == restaurant_id)
        .order_by(InsightSegmentRestaurant.orders.desc())
    )
    return [(mix, segment) for mix, segment in session.execute(statement)]


# --- menu engineering --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MenuItemRow:
    """A dish in the menu-engineering matrix, with its name."""

    item: InsightMenuItem
    dish: str


def menu_periods(session: Session, restaurant_id: int) -> list[tuple[str, date, date]]:
    """Periods with a matrix: ``all`` first, then months, newest first."""
    statement = (
        select(InsightMenuItem.period, InsightMenuItem.period_start, InsightMenuItem.period_end)
        .where(InsightMenuItem.restaurant_id == restaurant_id)
        .distinct()
    )
    periods = [(str(period), start, end) for period, start, end in session.execute(statement)]
    return sorted(periods, key=lambda p: (p[0] != "all", -p[1].toordinal()))


def _menu_filter(
    statement: _AnySelect, model: Any, *, restaurant_id: int, period: str, dish_id: int | None
) -> _AnySelect:
    statement = statement.where(model.restaurant_id == restaurant_id, model.period == period)
    return statement if dish_id is None else statement.where(model.dish_id == dish_id)


def menu_items(
    session: Session,
    restaurant_id: int,
    *,
    period: str = "all",
    menu_class: str | None = None,
    dish_id: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[MenuItemRow]:
    """The matrix of one period, most units first."""
    statement = _menu_filter(
        select(InsightMenuItem, Dish.name).join(Dish, Dish.id == InsightMenuItem.dish_id),
        InsightMenuItem,
        restaurant_id=restaurant_id,
        period=period,
        dish_id=dish_id,
    ).order_by(InsightMenuItem.units.desc(), Dish.name)
    if menu_class is not None:
        statement = statement.where(InsightMenuItem.menu_class == menu_class)
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = session.execute(statement.limit(page_size).offset((page - 1) * page_size)).all()
    return Page([MenuItemRow(item, name) for item, name in rows], int(total or 0), page, page_size)


@dataclass(frozen=True, slots=True)
class MenuSuggestionRow:
    """A menu suggestion with its dish name."""

    suggestion: InsightMenuSuggestion
    dish: str


def menu_suggestions(
    session: Session,
    restaurant_id: int,
    *,
    period: str = "all",
    action: str | None = None,
    dish_id: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[MenuSuggestionRow]:
    """Suggestions of one period, highest priority first."""
    statement = _menu_filter(
        select(InsightMenuSuggestion, Dish.name).join(
            Dish, Dish.id == InsightMenuSuggestion.dish_id
        ),
        InsightMenuSuggestion,
        restaurant_id=restaurant_id,
        period=period,
        dish_id=dish_id,
    ).order_by(InsightMenuSuggestion.priority, Dish.name)
    if action is not None:
        statement = statement.where(InsightMenuSuggestion.action == action)
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = session.execute(statement.limit(page_size).offset((page - 1) * page_size)).all()
    return Page(
        [MenuSuggestionRow(row, name) for row, name in rows], int(total or 0), page, page_size
    )


# --- retail shoppers ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShopperSegmentRow:
    """A shopper segment with its retailer's name."""

    segment: InsightShopperSegment
    retailer: str


def shopper_segments(
    session: Session, *, retailer_id: int | None = None
) -> list[ShopperSegmentRow]:
    """Shopper segments, per retailer, largest first."""
    statement = (
        select(InsightShopperSegment, Retailer.name)
        .join(Retailer, Retailer.id == InsightShopperSegment.retailer_id)
        .order_by(Retailer.name, InsightShopperSegment.shoppers.desc())
    )
    if retailer_id is not None:
        statement = statement.where(InsightShopperSegment.retailer_id == retailer_id)
    return [ShopperSegmentRow(row, name) for row, name in session.execute(statement)]
