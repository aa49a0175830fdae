"""Response models of ``/api/v1/restaurants`` (sentiment, topics, patterns, segments, menu)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AspectOut",
    "CommentOut",
    "DinerSegmentOut",
    "DiningPatternsOut",
    "DishSentimentOut",
    "DishTopicsOut",
    "DistributionOut",
    "HeatmapCellOut",
    "HolidayOut",
    "MenuItemOut",
    "MenuPeriodOut",
    "MenuSuggestionOut",
    "MonthOut",
    "RestaurantOut",
    "ReviewAspectOut",
    "ReviewOut",
    "SegmentDinerOut",
    "SegmentMixOut",
    "SentimentPeriodOut",
    "ShopperSegmentOut",
    "TopicOut",
    "TopicShareOut",
    "TopicTrendOut",
]

_ROWS = ConfigDict(from_attributes=True)


class RestaurantOut(BaseModel):
    """A restaurant with headline figures (null until the pipeline has run)."""

    model_config = _ROWS

    id: int
    slug: str
    name: str
    kind: str | None
    district: str | None
    dishes: int
    reviews: int
    net_sentiment: float | None = Field(description="(positive - negative) / reviews")
    orders: int | None
    mean_ticket_pen: float | None
    repeat_visit_rate: float | None


class SentimentPeriodOut(BaseModel):
    """Label counts of one aspect (``overall`` for whole reviews) in one month."""

    model_config = _ROWS

    period_start: date
    aspect: str
    reviews: int
    positive: int
    neutral: int
    negative: int
    mean_score: float = Field(description="mean score in [-1, 1]")
    net_sentiment: float


class AspectOut(BaseModel):
    """One aspect summed over the requested months."""

    model_config = _ROWS

    aspect: str
    reviews: int
    positive: int
    neutral: int
    negative: int
    net_sentiment: float
    mean_score: float


class CommentOut(BaseModel):
    """An example comment."""

    feedback_id: int
    text: str
    label: str
    score: float
    created_at: datetime


class DishSentimentOut(BaseModel):
    """Sentiment of the reviews about a dish, with the strongest comments both ways."""

    model_config = _ROWS

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
    examples: list[CommentOut]


class ReviewAspectOut(BaseModel):
    """An aspect of a review and the words that said it."""

    aspect: str
    label: str
    evidence: str


class ReviewOut(BaseModel):
    """A scored review."""

    model_config = _ROWS

    feedback_id: int
    created_at: datetime
    text: str
    rating: int | None
    dish_id: int | None
    dish: str | None
    label: str
    score: float
    lang: str
    model: str = Field(description="classifier, fallback (user-trained) or lexicon")
    aspects: list[ReviewAspectOut]


class TopicOut(BaseModel):
    """A topic of the feedback, labelled by its top terms."""

    model_config = _ROWS

    topic: int
    label: str
    terms: list[str]
    reviews: int = Field(description="reviews whose strongest topic this is")
    share: float = Field(description="mean topic weight over all feedback")


class TopicShareOut(BaseModel):
    """A topic's share of a restaurant's or a dish's feedback."""

    model_config = _ROWS

    topic: int
    label: str
    terms: list[str]
    documents: int
    reviews: int
    share: float


class TopicTrendOut(BaseModel):
    """A topic's share of a restaurant's feedback in one month."""

    model_config = _ROWS

    period_start: date
    topic: int
    label: str
    documents: int
    reviews: int
    share: float


class DishTopicsOut(BaseModel):
    """The topics diners raise about one dish."""

    dish_id: int
    topics: list[TopicShareOut]


class SummaryOut(BaseModel):
    """Orders at a glance."""

    model_config = _ROWS

    first_day: date
    last_day: date
    orders: int
    covers: int
    revenue_pen: float
    orders_per_day: float
    mean_ticket_pen: float
    median_ticket_pen: float
    p25_ticket_pen: float
    p75_ticket_pen: float
    mean_party_size: float | None
    known_diner_orders: int
    known_diners: int
    repeat_diners: int
    repeat_visit_rate: float | None
    median_days_between_visits: float | None


class HeatmapCellOut(BaseModel):
    """Orders in one weekday (0 = Monday) and local hour."""

    model_config = _ROWS

    weekday: int
    hour: int
    orders: int
    share: float
    orders_per_week: float


class MonthOut(BaseModel):
    """A month's orders per day against the restaurant's mean."""

    model_config = _ROWS

    name: str
    day: date
    days: int
    orders: int
    revenue_pen: float
    orders_per_day: float
    lift: float | None


class HolidayOut(BaseModel):
    """A holiday's orders against the same weekday around it."""

    model_config = _ROWS

    name: str
    day: date
    orders: int
    revenue_pen: float
    baseline_orders_per_day: float | None
    lift: float | None


class DistributionOut(BaseModel):
    """Orders with one value of a dimension (party size, channel, meal, ticket band)."""

    model_config = _ROWS

    value: str
    orders: int
    share: float
    revenue_pen: float
    mean_ticket_pen: float


class DiningPatternsOut(BaseModel):
    """A restaurant's dining patterns."""

    restaurant_id: int
    summary: SummaryOut | None
    heatmap: list[HeatmapCellOut]
    months: list[MonthOut]
    holidays: list[HolidayOut]
    distributions: dict[str, list[DistributionOut]]


class DinerSegmentOut(BaseModel):
    """A diner segment named from its centroid."""

    model_config = _ROWS

    segment: int
    key: str
    name: str
    description: str
    diners: int
    share: float
    centroid: dict[str, float]
    silhouette: float | None


class SegmentDinerOut(BaseModel):
    """A diner of a segment, by pseudonymous key."""

    model_config = _ROWS

    diner_id: int
    diner_key: str
    segment: int
    recency_days: int
    frequency: int
    monetary_pen: float
    favourite_category: str | None


class SegmentMixOut(BaseModel):
    """A segment's part of a restaurant's known diners and orders."""

    segment: int
    key: str | None
    name: str | None
    diners: int
    orders: int
    revenue_pen: float
    share_of_orders: float


class MenuPeriodOut(BaseModel):
    """A period with a menu-engineering matrix."""

    period: str
    period_start: date
    period_end: date


class MenuItemOut(BaseModel):
    """A dish in the popularity x contribution-margin matrix."""

    model_config = _ROWS

    dish_id: int
    dish: str
    category: str | None
    period: str
    units: int
    menu_mix: float
    popularity_threshold: float
    price_pen: float
    cost_pen: float
    margin_pen: float
    mean_margin_pen: float
    revenue_pen: float
    total_margin_pen: float
    menu_class: str = Field(description="star, plowhorse, puzzle or dog")
    growth: float | None
    sentiment_score: float | None
    sentiment_reviews: int


class MenuSuggestionOut(BaseModel):
    """A suggestion (promote, reprice, rework, drop) with the numbers behind it."""

    model_config = _ROWS

    dish_id: int
    dish: str
    period: str
    action: str
    priority: int = Field(description="1 is the most urgent")
    reason: str
    numbers: dict[str, Any]


class ShopperSegmentOut(BaseModel):
    """A retail loyalty-shopper segment with purchase frequency, sentiment and engagement."""

    model_config = _ROWS

    retailer_id: int
    retailer: str
    segment: int
    key: str
    name: str
    shoppers: int
    share: float
    purchases_per_month: float
    spend_per_month_pen: float
    basket_pen: float
    social_engagements_per_month: float
    purchase_trend: float
    survey_score: float | None
    sentiment_score: float | None = Field(description="(survey score - 3) / 2, in [-1, 1]")
    nps: float | None
    respondents: int
    top_requests: list[dict[str, Any]]
