"""Restaurant insight tables, written by the ``restaurants`` pipeline steps, read by the API.

Each step replaces the rows of its partition (a restaurant, a retailer, or everything for
the diner segments and topics) in one transaction, so re-runs are idempotent. Money is soles
(``*_pen``); shares are fractions in [0, 1]; sentiment scores are in [-1, 1].
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pulso.store.tables import Base
from pulso.store.types import Money

__all__ = [
    "InsightDinerAssignment",
    "InsightDinerSegment",
    "InsightDiningDistribution",
    "InsightDiningHeatmap",
    "InsightDiningSeasonality",
    "InsightDiningSummary",
    "InsightDishSentiment",
    "InsightMenuItem",
    "InsightMenuSuggestion",
    "InsightReviewAspect",
    "InsightReviewSentiment",
    "InsightSegmentRestaurant",
    "InsightSentimentPeriod",
    "InsightShopperAssignment",
    "InsightShopperSegment",
    "InsightTopic",
    "InsightTopicDish",
    "InsightTopicPeriod",
]

_RESTAURANT = "restaurant.id"
_DISH = "dish.id"

# --- feedback sentiment ----------------------------------------------------------------------


class InsightReviewSentiment(Base):
    """Overall sentiment of one review and which model scored it."""

    __tablename__ = "insight_review_sentiment"
    __table_args__ = (
        Index("ix_insight_review_sentiment_restaurant_created", "restaurant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("feedback.id", ondelete="CASCADE"), unique=True
    )
    restaurant_id: Mapped[int] = mapped_column(ForeignKey(_RESTAURANT))
    dish_id: Mapped[int | None] = mapped_column(ForeignKey(_DISH))
    created_at: Mapped[datetime]
    label: Mapped[str] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float)
    lang: Mapped[str] = mapped_column(String(2))
    model: Mapped[str] = mapped_column(String(20))
    model_version: Mapped[int | None] = mapped_column(Integer)


class InsightReviewAspect(Base):
    """One aspect of one review: its label, score (-1, 0, 1) and the clauses that said it."""

    __tablename__ = "insight_review_aspect"
    __table_args__ = (
        UniqueConstraint("feedback_id", "aspect"),
        Index(
            "ix_insight_review_aspect_restaurant_aspect", "restaurant_id", "aspect", "created_at"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"))
    restaurant_id: Mapped[int] = mapped_column(ForeignKey(_RESTAURANT))
    dish_id: Mapped[int | None] = mapped_column(ForeignKey(_DISH))
    created_at: Mapped[datetime]
    aspect: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(10))
    score: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text)


class InsightSentimentPeriod(Base):
    """Label counts per restaurant, month and aspect (``overall`` for whole reviews)."""

    __tablename__ = "insight_sentiment_period"
    __table_args__ = (UniqueConstraint("restaurant_id", "period_start", "aspect"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    restaurant_id: Mapped[int] = mapped_column(ForeignKey(_RESTAURANT))
    period_start: Mapped[date] = mapped_column(Date)
    aspect: Mapped[str] = mapped_column(String(10))
    reviews: Mapped[int] = mapped_column(Integer)
    negative: Mapped[int] = mapped_column(Integer)
    neutral: Mapped[int] = mapped_column(Integer)
    positive: Mapped[int] = mapped_column(Integer)
    mean_score: Mapped[float] = mapped_column(Float)
    net_sentiment: Mapped[float] = mapped_column(Float)


class InsightDishSentiment(Base):
    """Sentiment of the reviews that name a dish, with example comments."""

    __tablename__ = "insight_dish_sentiment"
    __table_args__ = (UniqueConstraint("restaurant_id", "dish_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    restaurant_id: Mapped[int] = mapped_column(ForeignKey(_RESTAURANT))
    dish_id: Mapped[int] = mapped_column(ForeignKey(_DISH), index=True)
    reviews: Mapped[int] = mapped_column(Integer)
    negative: Mapped[int] = mapped_column(Integer)
    neutral: Mapped[int] = mapped_column(Integer)
    positive: Mapped[int] = mapped_column(Integer)
    mean_score: Mapped[float] = mapped_column(Float)
    net_sentiment: Mapped[float] = mapped_column(Float)
    food_score: Mapped[float | None] = mapped_column(Float)
    examples: Mapped[list[Any]] = mapped_column(default=list)


# --- topics ----------------------------------------------------------------------------------


class InsightTopic(Base):
    """A topic found in the feedback: a readable label from its top terms."""

    __tablename__ = "insight_topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[int] = mapped_column(Integer, unique=True)
    label: Mapped[str] = mapped_column(String(200))
    terms: Mapped[list[Any]] = mapped_column(default=list)
    reviews: Mapped[int] = mapped_column(Integer)
    share: Mapped[float] = mapped_column(Float)


class InsightTopicPeriod(Base):
    """Share of a restaurant's feedback in a month that talks about a topic.

    ``share`` is the mean topic weight of the month's ``documents`` (reviews); ``reviews``
    counts those whose strongest topic it is.
    """

    __tablename__ = "insight_topic_period"
    __table_args__ = (UniqueConstraint("restaurant_id", "period_start", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    restaurant_id: Mapped[int] = mapped_column(ForeignKey(_RESTAURANT))
    period_start: Mapped[date] = mapped_column(Date)
    topic: Mapped[int] = mapped_column(Integer)
    documents: Mapped[int] = mapped_column(Integer)
    reviews: Mapped[int] = mapped_column(Integer)
    share: Mapped[float] = mapped_column(Float)


class InsightTopicDish(Base):
    """Share of the feedback about a dish that talks about a topic."""

    __tablename__ = "insight_topic_dish"
    __table_args__ = (UniqueConstraint("dish_id", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    restaurant_id: Mapped[int] = mapped_column(ForeignKey(_RESTAURANT), index=True)
    dish_id: Mapped[int] = mapped_column(ForeignKey(_DISH))
    topic: Mapped[int] = mapped_column(Integer)
    documents: Mapped[int] = mapped_column(Integer)
    reviews: Mapped[int] = mapped_column(Integer)
    share: Mapped[float] = mapped_column(Float)


# --- dining patterns -------------------------------------------------------------------------


class InsightDiningSummary(Base):
    """A restaurant's orders at a glance: volume, tickets, party size and repeat visits."""

    __tablename__ = "insight_dining_summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    restaurant_id: Mapped[int] = mapped_column(ForeignKey(_RESTAURANT), unique=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    orders: Mapped[int] = mapped_column(Integer)
    covers: Mapped[int] = mapped_column(Integer)
    revenue_pen: Mapped[float] = mapped_column(Money)
    orders_per_day: Mapped[float] = mapped_column(Float)
    mean_ticket_pen: Mapped[float] = mapped_column(Money)
    median_ticket_pen: Mapped[float] = mapped_column(Money)
    p25_ticket_pen: Mapped[float] = mapped_column(Money)
    p75_ticket_pen: Mapped[float] = mapped_column(Money)
    mean_party_size: Mapped[float | None] = mapped_column(Float)
    known_diner_orders: Mapped[int] = mapped_column(Integer)
    known_diners: Mapped[int] = mapped_column(Integer)
    repeat_diners: Mapped[int] = mapped_column(Integer)
    repeat_visit_rate: Mapped[float | None] = mapped_column(Float)
    median_days_between_visits: Mapped[float | None] = mapped_column(Float)


class InsightDiningHeatmap(Base):
    """Orders per weekday (0 = Monday) and local hour."""

    __tablename__ = "insight_dining_heatmap"
    __table_args__ = (UniqueConstraint("restaurant_id", "weekday", "hour"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    restaurant_id: Mapped[int] = mapped_column(ForeignKey(_RESTAURANT))
    weekday: Mapped[int] = mapped_column(Integer)
    hour: Mapped[int] = mapped_column(Integer)
    orders: Mapped[int] = mapped_column(Integer)
    share: Mapped[float] = mapped_column(Float)
    orders_per_week: Mapped[float] = mapped_column(Float)


class InsightDiningSeasonality(Base):
    """Orders per month, or on a holiday against its usual level (``lift``).

    ``kind`` is ``month`` (``day`` is the month's first day, ``lift`` its orders per day over
    the restaurant's mean) or ``holiday`` (``day`` is the holiday, ``lift`` its orders over
    the median of the same weekday in the four weeks around it).
    """

    __tablename__ = "insight_dining_seasonality"
    __table_args__ = (UniqueConstraint("restaurant_id", "kind", "name", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    restaurant_id: Mapped[int] = mapped_column(ForeignKey(_RESTAURANT))
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    orders: Mapped[int] = mapped_column(Integer)
    revenue_pen: Mapped[float] = mapped_column(Money)
    orders_per_day: Mapped[float] = mapped_column(Float)
    baseline_orders_per_day: Mapped[float | None] = mapped_column(Float)
    lift: Mapped[float | None] = mapped_column(Float)


class InsightDiningDistribution(Base):
    """Orders by party size, channel, meal or ticket band (``dimension``)."""

    __tablename__ = "insight_dining_distribution"
    __table_args__ = (UniqueConstraint("restaurant_id", "dimension", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    restaurant_id: Mapped[int] = mapped_column(ForeignKey(_RESTAURANT))
    dimension: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    orders: Mapped[int] = mapped_column(Integer)
    share: Mapped[float] = mapped_column(Float)
    revenue_pen: Mapped[float] = mapped_column(Money)
    mean_ticket_pen: Mapped[float] = mapped_column(Money)


# --- diner segments --------------------------------------------------------------------------


class InsightDinerSegment(Base):
    """A diner segment: its name (from centroid rules), size and centroid."""

    __tablename__ = "insight_diner_segment"

    id: Mapped[int] = mapped_column(primary_key=True)
    segment: Mapped[int] = mapped_column(Integer, unique=True)
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)
    diners: Mapped[int] = mapped_column(Integer)
    share: Mapped[float] = mapped_column(Float)
    centroid: Mapped[dict[str, Any]] = mapped_column(default=dict)
    silhouette: Mapped[float | None] = mapped_column(Float)


class InsightDinerAssignment(Base):
    """The segment of one diner and the RFM figures behind it."""

    __tablename__ = "insight_diner_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    diner_id: Mapped[int] = mapped_column(ForeignKey("diner.id"), unique=True)
    segment: Mapped[int] = mapped_column(Integer, index=True)
    recency_days: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[int] = mapped_column(Integer)
    monetary_pen: Mapped[float] = mapped_column(Money)
    favourite_category: Mapped[str | None] = mapped_column(String(80))


class InsightSegmentRestaurant(Base):
    """How a restaurant's known diners and their orders split across segments."""

    __tablename__ = "insight_segment_restaurant"
    __table_args__ = (UniqueConstraint("restaurant_id", "segment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    restaurant_id: Mapped[int] = mapped_column(ForeignKey(_RESTAURANT))
    segment: Mapped[int] = mapped_column(Integer)
    diners: Mapped[int] = mapped_column(Integer)
    orders: Mapped[int] = mapped_column(Integer)
    revenue_pen: Mapped[float] = mapped_column(Money)
    share_of_orders: Mapped[float] = mapped_column(Float)


# --- menu engineering ------------------------------------------------------------------------


class InsightMenuItem(Base):
    """A dish in the popularity x contribution-margin matrix of one restaurant and period."""

    __tablename__ = "insight_menu_item"
    __table_args__ = (UniqueConstraint("restaurant_id", "period", "dish_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    restaurant_id: Mapped[int] = mapped_column(ForeignKey(_RESTAURANT))
    period: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    dish_id: Mapped[int] = mapped_column(ForeignKey(_DISH), index=True)
    category: Mapped[str | None] = mapped_column(String(80))
    units: Mapped[int] = mapped_column(Integer)
    menu_mix: Mapped[float] = mapped_column(Float)
    popularity_threshold: Mapped[float] = mapped_column(Float)
    price_pen: Mapped[float] = mapped_column(Money)
    cost_pen: Mapped[float] = mapped_column(Money)
    margin_pen: Mapped[float] = mapped_column(Money)
    mean_margin_pen: Mapped[float] = mapped_column(Money)
    revenue_pen: Mapped[float] = mapped_column(Money)
    total_margin_pen: Mapped[float] = mapped_column(Money)
    menu_class: Mapped[str] = mapped_column(String(10))
    growth: Mapped[float | None] = mapped_column(Float)
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    sentiment_reviews: Mapped[int] = mapped_column(Integer, default=0)


class InsightMenuSuggestion(Base):
    """A menu suggestion (promote, reprice, rework, drop) with the numbers behind it."""

    __tablename__ = "insight_menu_suggestion"
    __table_args__ = (UniqueConstraint("restaurant_id", "period", "dish_id", "action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    restaurant_id: Mapped[int] = mapped_column(ForeignKey(_RESTAURANT))
    period: Mapped[str] = mapped_column(String(10))
    dish_id: Mapped[int] = mapped_column(ForeignKey(_DISH), index=True)
    action: Mapped[str] = mapped_column(String(10))
    priority: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    numbers: Mapped[dict[str, Any]] = mapped_column(default=dict)


# --- retail shoppers -------------------------------------------------------------------------


class InsightShopperSegment(Base):
    """A loyalty-shopper segment of a retailer: frequency, sentiment and social engagement."""

    __tablename__ = "insight_shopper_segment"
    __table_args__ = (UniqueConstraint("retailer_id", "segment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailer.id"))
    segment: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80))
    shoppers: Mapped[int] = mapped_column(Integer)
    share: Mapped[float] = mapped_column(Float)
    purchases_per_month: Mapped[float] = mapped_column(Float)
    spend_per_month_pen: Mapped[float] = mapped_column(Money)
    basket_pen: Mapped[float] = mapped_column(Money)
    social_engagements_per_month: Mapped[float] = mapped_column(Float)
    purchase_trend: Mapped[float] = mapped_column(Float)
    survey_score: Mapped[float | None] = mapped_column(Float)
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    nps: Mapped[float | None] = mapped_column(Float)
    respondents: Mapped[int] = mapped_column(Integer)
    top_requests: Mapped[list[Any]] = mapped_column(default=list)


class InsightShopperAssignment(Base):
    """The segment of one loyalty shopper (a keyed hash) at one retailer."""

    __tablename__ = "insight_shopper_assignment"
    __table_args__ = (UniqueConstraint("retailer_id", "shopper_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailer.id"))
    shopper_key: Mapped[str] = mapped_column(String(64))
    segment: Mapped[int] = mapped_column(Integer)
