"""Restaurant pipeline steps: feedback NLP, topics, dining patterns, segments, menu, shoppers.

Each step loads what it needs from the store, calls :mod:`pulso.customers`, and replaces its
insight rows (per restaurant, per retailer, or all of them) in one transaction. Optional
``context.params``: ``timezone`` (default America/Lima), ``sentiment_min_labeled`` (rated
reviews a restaurant needs before it gets its own classifier, default 200) and
``sentiment_holdout`` (share of them held out to measure it, default 0.2).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Select, delete, func, insert, select, update
from sqlalchemy.sql.elements import ColumnElement

from pulso.customers.feedback import (
    FeedbackModel,
    aggregate_sentiment,
    fit_feedback_model,
    score_feedback,
    summarise_dish_sentiment,
)
from pulso.customers.lexicon import LexiconSentiment
from pulso.customers.menu_engineering import engineer_menu, suggest_menu_actions
from pulso.customers.model_store import ModelStore
from pulso.customers.patterns import dining_patterns
from pulso.customers.segments import DinerSegmenter, diner_features
from pulso.customers.sentiment import (
    SentimentClassifier,
    load_sentiment_model,
    save_sentiment_model,
)
from pulso.customers.shoppers import (
    ShopperSegmenter,
    segment_preferences,
    shopper_features,
    survey_scores,
)
from pulso.customers.topics import FeedbackTopics, summarise_topics
from pulso.errors import InputError
from pulso.pipelines.registry import StepContext, StepResult, step
from pulso.store.bulk import insert_ignore
from pulso.store.tables import (
    Base,
    Dish,
    Feedback,
    ModelVersion,
    OrderLine,
    Restaurant,
    RestaurantOrder,
    ShopperActivity,
    SurveyResponse,
)
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
    InsightShopperAssignment,
    InsightShopperSegment,
    InsightTopic,
    InsightTopicDish,
    InsightTopicPeriod,
)

__all__ = [
    "ACTIVE_SENTIMENT_MODEL",
    "diner_segments",
    "dining_patterns_step",
    "feedback_sentiment",
    "feedback_topics",
    "menu_engineering",
    "record_model_version",
    "restaurant_partitions",
    "retailer_partitions",
    "shopper_preferences",
]

logger = logging.getLogger(__name__)

#: The user-trained sentiment model (``pulso sentiment train``) lives in models/<this>/.
ACTIVE_SENTIMENT_MODEL = "sentiment"
_AREA = "restaurants"
_LIMA = "America/Lima"
_WORD = re.compile(r"[^\W\d_]+")


# --- partitions and loading ------------------------------------------------------------------


def restaurant_partitions(engine: Engine) -> list[str]:
    """One partition per restaurant (its id)."""
    with engine.connect() as connection:
        return [str(i) for i in connection.scalars(select(Restaurant.id).order_by(Restaurant.id))]


def retailer_partitions(engine: Engine) -> list[str]:
    """One partition per retailer with loyalty-shopper activity."""
    statement = (
        select(ShopperActivity.retailer_id).distinct().order_by(ShopperActivity.retailer_id)
    )
    with engine.connect() as connection:
        return [str(i) for i in connection.scalars(statement)]


def _frame(connection: Connection, statement: Select[*tuple[Any, ...]]) -> pd.DataFrame:
    rows = connection.execute(statement).all()
    return pd.DataFrame(rows, columns=list(statement.selected_columns.keys()))


def _partition_id(context: StepContext) -> int:
    if context.partition is None or not context.partition.isdigit():
        raise InputError(f"step needs a numeric partition, got {context.partition!r}")
    return int(context.partition)


def _timezone(context: StepContext) -> str:
    return str(context.params.get("timezone", _LIMA))


def _feedback(connection: Connection, restaurant_id: int | None = None) -> pd.DataFrame:
    statement = select(
        Feedback.id.label("feedback_id"),
        Feedback.restaurant_id,
        Feedback.created_at,
        Feedback.text,
        Feedback.rating,
        Feedback.dish_id,
    ).order_by(Feedback.id)
    if restaurant_id is not None:
        statement = statement.where(Feedback.restaurant_id == restaurant_id)
    frame = _frame(connection, statement)
    frame["rating"] = frame["rating"].astype("float64")
    frame["dish_id"] = frame["dish_id"].astype("Int64")
    return frame


def _lines(connection: Connection, restaurant_id: int | None = None) -> pd.DataFrame:
    statement = select(
        OrderLine.order_id,
        RestaurantOrder.restaurant_id,
        RestaurantOrder.ordered_at,
        RestaurantOrder.diner_id,
        RestaurantOrder.party_size,
        RestaurantOrder.channel,
        OrderLine.dish_id,
        OrderLine.quantity,
        OrderLine.unit_price_pen,
    ).join(RestaurantOrder, RestaurantOrder.id == OrderLine.order_id)
    if restaurant_id is not None:
        statement = statement.where(RestaurantOrder.restaurant_id == restaurant_id)
    frame = _frame(connection, statement)
    for column in ("diner_id", "party_size"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _dishes(connection: Connection, restaurant_id: int | None = None) -> pd.DataFrame:
    statement = select(
        Dish.id.label("dish_id"),
        Dish.restaurant_id,
        Dish.name,
        Dish.category,
        Dish.price_pen,
        Dish.cost_pen,
        Dish.tags,
    ).where(Dish.active.is_(True))
    if restaurant_id is not None:
        statement = statement.where(Dish.restaurant_id == restaurant_id)
    return _frame(connection, statement)


def _replace(
    connection: Connection,
    model: type[Base],
    frame: pd.DataFrame,
    *,
    where: Sequence[ColumnElement[bool]] = (),
    conflict: Sequence[str],
) -> int:
    """Delete the partition's rows of ``model`` and insert ``frame`` (table columns only)."""
    connection.execute(delete(model).where(*where))
    if frame.empty:
        return 0
    columns = [c.name for c in model.__table__.columns if c.name != "id" and c.name in frame]
    return insert_ignore(
        connection, model, frame[columns].reset_index(drop=True), conflict=conflict
    )


# --- models ----------------------------------------------------------------------------------


def record_model_version(
    connection: Connection,
    *,
    name: str,
    version: int,
    stage: str,
    params: dict[str, Any],
    metrics: dict[str, Any],
    artifact_uri: str,
    data_version: str | None,
) -> None:
    """Add a ``model_version`` row; a new production version archives the previous one."""
    if stage == "production":
        connection.execute(
            update(ModelVersion)
            .where(ModelVersion.name == name, ModelVersion.stage == "production")
            .values(stage="archived")
        )
    connection.execute(
        insert(ModelVersion).values(
            name=name,
            version=version,
            stage=stage,
            created_at=datetime.now(UTC),
            params=params,
            metrics=metrics,
            artifact_uri=artifact_uri,
            data_version=data_version,
        )
    )


def _next_version(connection: Connection, name: str, store: ModelStore) -> int:
    stored = connection.scalar(
        select(func.max(ModelVersion.version)).where(ModelVersion.name == name)
    )
    return max(int(stored or 0), store.next_version() - 1) + 1


def _active_model(data_dir: Path) -> SentimentClassifier | None:
    store = ModelStore(data_dir / "models" / ACTIVE_SENTIMENT_MODEL)
    version = store.active_version()
    return None if version is None else load_sentiment_model(store.path(version))


def _data_version(feedback: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    for feedback_id, rating in zip(feedback["feedback_id"], feedback["rating"], strict=True):
        digest.update(f"{feedback_id}:{rating};".encode())
    return f"feedback:{len(feedback)}:{digest.hexdigest()[:16]}"


def _save_classifier(
    context: StepContext,
    connection: Connection,
    fitted: FeedbackModel,
    *,
    slug: str,
    feedback: pd.DataFrame,
) -> tuple[int, bool]:
    """Save the restaurant's classifier and register it; production only if it beat the lexicon."""
    name = f"{ACTIVE_SENTIMENT_MODEL}-{slug}"
    store = ModelStore(context.data_dir / "models" / name)
    version = _next_version(connection, name, store)
    assert isinstance(fitted.model, SentimentClassifier)
    path = save_sentiment_model(fitted.model, store.path(version), metrics=fitted.metrics())
    used = fitted.beats_lexicon
    if used:
        store.activate(version)
    record_model_version(
        connection,
        name=name,
        version=version,
        stage="production" if used else "candidate",
        params=fitted.model.get_params() | {"n_train": fitted.n_train, "n_rated": fitted.n_rated},
        metrics=fitted.metrics(),
        artifact_uri=path.resolve().as_uri(),
        data_version=_data_version(feedback),
    )
    return version, used


# --- feedback --------------------------------------------------------------------------------


@step("feedback_sentiment", area=_AREA, partitions=restaurant_partitions)
def feedback_sentiment(context: StepContext) -> StepResult:
    """Score a restaurant's reviews (classifier from its ratings, else fallback) per aspect."""
    restaurant_id = _partition_id(context)
    with context.engine.begin() as connection:
        slug = connection.scalar(select(Restaurant.slug).where(Restaurant.id == restaurant_id))
        feedback = _feedback(connection, restaurant_id)
        fitted = fit_feedback_model(
            feedback["text"].tolist(),
            feedback["rating"].tolist(),
            min_labeled=int(context.params.get("sentiment_min_labeled", 200)),
            holdout_fraction=float(context.params.get("sentiment_holdout", 0.2)),
            seed=context.seed,
            fallback=_active_model(context.data_dir),
        )
        kind, version = fitted.kind, None
        if fitted.kind == "classifier" and not feedback.empty:
            version, used = _save_classifier(
                context, connection, fitted, slug=str(slug), feedback=feedback
            )
            kind = "classifier" if used else "lexicon"
        model = fitted.model if kind != "lexicon" else LexiconSentiment()
        rows = _write_sentiment(
            connection,
            feedback,
            restaurant_id=restaurant_id,
            model=model,
            kind=kind,
            version=version,
            timezone=_timezone(context),
        )
    detail = {
        "reviews": len(feedback),
        "rated": fitted.n_rated,
        "model": kind,
        "model_version": version,
    }
    return StepResult(rows_written=rows, detail=detail | fitted.metrics())


def _write_sentiment(
    connection: Connection,
    feedback: pd.DataFrame,
    *,
    restaurant_id: int,
    model: SentimentClassifier | LexiconSentiment,
    kind: str,
    version: int | None,
    timezone: str,
) -> int:
    mine = (InsightReviewSentiment.restaurant_id == restaurant_id,)
    if feedback.empty:
        for table in (
            InsightReviewSentiment,
            InsightReviewAspect,
            InsightSentimentPeriod,
            InsightDishSentiment,
        ):
            connection.execute(delete(table).where(table.restaurant_id == restaurant_id))
        return 0
    scores = score_feedback(feedback, model=model)
    context = feedback[["feedback_id", "restaurant_id", "dish_id", "created_at"]]
    reviews = scores.reviews.merge(context, on="feedback_id").assign(
        model=kind, model_version=version
    )
    aspects = scores.aspects.merge(context, on="feedback_id")
    written = _replace(
        connection, InsightReviewSentiment, reviews, where=mine, conflict=["feedback_id"]
    )
    written += _replace(
        connection,
        InsightReviewAspect,
        aspects,
        where=(InsightReviewAspect.restaurant_id == restaurant_id,),
        conflict=["feedback_id", "aspect"],
    )
    written += _replace(
        connection,
        InsightSentimentPeriod,
        aggregate_sentiment(feedback, scores, timezone=timezone),
        where=(InsightSentimentPeriod.restaurant_id == restaurant_id,),
        conflict=["restaurant_id", "period_start", "aspect"],
    )
    written += _replace(
        connection,
        InsightDishSentiment,
        summarise_dish_sentiment(feedback, scores),
        where=(InsightDishSentiment.restaurant_id == restaurant_id,),
        conflict=["restaurant_id", "dish_id"],
    )
    return written


@step("feedback_topics", area=_AREA)
def feedback_topics(context: StepContext) -> StepResult:
    """NMF topics over all feedback; topic shares per restaurant and month and per dish."""
    with context.engine.begin() as connection:
        feedback = _feedback(connection)
        dish_names = connection.scalars(select(Dish.name)).all()
        stop_words = sorted({word for name in dish_names for word in _WORD.findall(name.lower())})
        try:
            model = FeedbackTopics(random_state=context.seed, stop_words=stop_words).fit(
                feedback["text"].tolist()
            )
        except InputError as exc:
            logger.info("no topics: %s", exc)
            for table in (InsightTopic, InsightTopicPeriod, InsightTopicDish):
                connection.execute(delete(table))
            return StepResult(0, {"topics": 0, "reason": str(exc)})
        weights = model.transform(feedback["text"].tolist())
        shares = summarise_topics(
            feedback,
            weights,
            labels=model.labels_,
            terms=model.terms_,
            timezone=_timezone(context),
        )
        rows = _replace(connection, InsightTopic, shares.topics, conflict=["topic"])
        rows += _replace(
            connection,
            InsightTopicPeriod,
            shares.periods,
            conflict=["restaurant_id", "period_start", "topic"],
        )
        rows += _replace(
            connection, InsightTopicDish, shares.dishes, conflict=["dish_id", "topic"]
        )
    return StepResult(
        rows, {"topics": model.n_topics_, "labels": model.labels_, "reviews": len(feedback)}
    )


# --- orders ----------------------------------------------------------------------------------


@step("dining_patterns", area=_AREA, partitions=restaurant_partitions)
def dining_patterns_step(context: StepContext) -> StepResult:
    """Hour x weekday heatmap, seasonality, party and ticket size, channels, repeat visits."""
    restaurant_id = _partition_id(context)
    tables: list[tuple[type[Base], list[str], str]] = [
        (InsightDiningSummary, ["restaurant_id"], "summary"),
        (InsightDiningHeatmap, ["restaurant_id", "weekday", "hour"], "heatmap"),
        (InsightDiningSeasonality, ["restaurant_id", "kind", "name", "day"], "seasonality"),
        (InsightDiningDistribution, ["restaurant_id", "dimension", "value"], "distributions"),
    ]
    with context.engine.begin() as connection:
        lines = _lines(connection, restaurant_id)
        patterns = dining_patterns(lines, timezone=_timezone(context)) if not lines.empty else None
        rows = 0
        for model, conflict, name in tables:
            frame = getattr(patterns, name) if patterns is not None else pd.DataFrame()
            rows += _replace(
                connection,
                model,
                frame,
                where=(model.__table__.c.restaurant_id == restaurant_id,),
                conflict=conflict,
            )
    detail: dict[str, Any] = {"order_lines": len(lines)}
    if patterns is not None:
        summary = patterns.summary.to_dict("records")[0]
        detail |= {"orders": summary["orders"], "repeat_visit_rate": summary["repeat_visit_rate"]}
    return StepResult(rows, detail)


@step("diner_segments", area=_AREA)
def diner_segments(context: StepContext) -> StepResult:
    """RFM + preference segments of known diners (KMeans, k by silhouette), named by rules."""
    with context.engine.begin() as connection:
        lines = _lines(connection)
        dishes = _dishes(connection)
        known = lines[lines["diner_id"].notna()]
        if known["diner_id"].nunique() < 20:
            for table in (InsightDinerSegment, InsightDinerAssignment, InsightSegmentRestaurant):
                connection.execute(delete(table))
            return StepResult(
                0, {"diners": int(known["diner_id"].nunique()), "reason": "too few diners"}
            )
        features = diner_features(known, dishes, as_of=context.today, timezone=_timezone(context))
        k_high = min(8, len(features) - 1)
        segmenter = DinerSegmenter(
            k_range=(min(4, k_high), k_high), random_state=context.seed
        ).fit(features)
        segments, assignments, mix = _segment_tables(segmenter, features, known, dishes)
        rows = _replace(connection, InsightDinerSegment, segments, conflict=["segment"])
        rows += _replace(connection, InsightDinerAssignment, assignments, conflict=["diner_id"])
        rows += _replace(
            connection, InsightSegmentRestaurant, mix, conflict=["restaurant_id", "segment"]
        )
    detail = {
        "diners": len(features),
        "k": segmenter.k_,
        "silhouette": round(segmenter.silhouette_, 4),
        "segments": [name.key for name in segmenter.names_],
    }
    return StepResult(rows, detail)


def _segment_tables(
    segmenter: DinerSegmenter, features: pd.DataFrame, lines: pd.DataFrame, dishes: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    labels = pd.Series(segmenter.labels_, index=features.index, name="segment")
    counts = labels.value_counts()
    centroids = segmenter.centroids_.to_dict("index")
    segments = pd.DataFrame(
        [
            {
                "segment": segment,
                "key": name.key,
                "name": name.name,
                "description": name.description,
                "diners": int(counts.get(segment, 0)),
                "share": round(float(counts.get(segment, 0)) / len(labels), 4),
                "centroid": {str(k): round(float(v), 4) for k, v in centroids[segment].items()},
                "silhouette": round(segmenter.silhouette_, 4),
            }
            for segment, name in enumerate(segmenter.names_)
        ]
    )
    shares = features[[c for c in features.columns if c.startswith("cat:")]]
    favourite = (
        shares.idxmax(axis=1).map(lambda column: str(column).removeprefix("cat:"))
        if not shares.empty
        else None
    )
    assignments = pd.DataFrame(
        {
            "diner_id": features.index,
            "segment": labels.to_numpy(),
            "recency_days": features["recency_days"].astype("int64").to_numpy(),
            "frequency": features["frequency"].astype("int64").to_numpy(),
            "monetary_pen": features["monetary_pen"].round(2).to_numpy(),
            "favourite_category": None if favourite is None else favourite.to_numpy(),
        }
    )
    amount = lines["quantity"] * lines["unit_price_pen"]
    orders = (
        lines.assign(amount=amount)
        .groupby(["restaurant_id", "order_id", "diner_id"], as_index=False)["amount"]
        .sum()
    )
    orders["segment"] = orders["diner_id"].astype("int64").map(labels)
    mix = orders.groupby(["restaurant_id", "segment"]).agg(
        diners=("diner_id", "nunique"), orders=("order_id", "size"), revenue_pen=("amount", "sum")
    )
    mix["share_of_orders"] = (
        mix["orders"] / mix.groupby(level="restaurant_id")["orders"].transform("sum")
    ).round(4)
    mix["revenue_pen"] = mix["revenue_pen"].round(2)
    del dishes
    return segments, assignments, mix.reset_index()


@step(
    "menu_engineering", after=["feedback_sentiment"], area=_AREA, partitions=restaurant_partitions
)
def menu_engineering(context: StepContext) -> StepResult:
    """Popularity x margin matrix per month and overall, dish trends and suggestions."""
    restaurant_id = _partition_id(context)
    with context.engine.begin() as connection:
        lines = _lines(connection, restaurant_id)
        dishes = _dishes(connection, restaurant_id)
        sentiment = _frame(
            connection,
            select(
                InsightDishSentiment.dish_id,
                InsightDishSentiment.mean_score,
                InsightDishSentiment.reviews,
            ).where(InsightDishSentiment.restaurant_id == restaurant_id),
        )
        matrix = (
            engineer_menu(lines, dishes, dish_sentiment=sentiment, timezone=_timezone(context))
            if not lines.empty
            else pd.DataFrame()
        )
        names = dict(zip(dishes["dish_id"].astype(int), dishes["name"], strict=True))
        suggestions = pd.DataFrame(
            [_as_dict(s) for s in suggest_menu_actions(matrix, names=names)]
            if not matrix.empty
            else []
        )
        mine_items = (InsightMenuItem.restaurant_id == restaurant_id,)
        rows = _replace(
            connection,
            InsightMenuItem,
            matrix,
            where=mine_items,
            conflict=["restaurant_id", "period", "dish_id"],
        )
        rows += _replace(
            connection,
            InsightMenuSuggestion,
            suggestions,
            where=(InsightMenuSuggestion.restaurant_id == restaurant_id,),
            conflict=["restaurant_id", "period", "dish_id", "action"],
        )
    overall = matrix[matrix["period"] == "all"] if not matrix.empty else matrix
    detail = {
        "dishes": len(overall),
        "classes": overall["menu_class"].value_counts().to_dict() if not overall.empty else {},
        "suggestions": len(suggestions),
    }
    return StepResult(rows, detail)


def _as_dict(suggestion: Any) -> dict[str, Any]:
    """A slotted dataclass as a dict."""
    return {name: getattr(suggestion, name) for name in suggestion.__slots__}


# --- retail shoppers -------------------------------------------------------------------------


@step("shopper_preferences", area=_AREA, partitions=retailer_partitions)
def shopper_preferences(context: StepContext) -> StepResult:
    """Loyalty-shopper segments of a retailer with frequency, sentiment and engagement."""
    retailer_id = _partition_id(context)
    with context.engine.begin() as connection:
        activity = _frame(
            connection,
            select(
                ShopperActivity.shopper_key,
                ShopperActivity.retailer_id,
                ShopperActivity.month,
                ShopperActivity.purchases,
                ShopperActivity.spend_pen,
                ShopperActivity.social_engagements,
                ShopperActivity.survey_score,
            ).where(ShopperActivity.retailer_id == retailer_id),
        )
        answers = _frame(
            connection,
            select(
                SurveyResponse.respondent_key,
                SurveyResponse.question,
                SurveyResponse.answer,
                SurveyResponse.score,
            ).where(SurveyResponse.retailer_id == retailer_id),
        )
        features = shopper_features(activity)
        k_high = min(7, len(features) - 1)
        if k_high < 2:
            raise InputError(
                f"retailer {retailer_id} has {len(features)} shoppers; need at least 3"
            )
        segmenter = ShopperSegmenter(
            k_range=(min(3, k_high), k_high), random_state=context.seed
        ).fit(features)
        surveys = survey_scores(answers) if not answers.empty else None
        segments = segment_preferences(
            features, segmenter.labels_, names=segmenter.names_, surveys=surveys
        )
        assignments = pd.DataFrame(
            {
                "retailer_id": retailer_id,
                "shopper_key": features.index,
                "segment": segmenter.labels_,
            }
        )
        rows = _replace(
            connection,
            InsightShopperSegment,
            segments.assign(retailer_id=retailer_id),
            where=(InsightShopperSegment.retailer_id == retailer_id,),
            conflict=["retailer_id", "segment"],
        )
        rows += _replace(
            connection,
            InsightShopperAssignment,
            assignments,
            where=(InsightShopperAssignment.retailer_id == retailer_id,),
            conflict=["retailer_id", "shopper_key"],
        )
    return StepResult(
        rows,
        {
            "shoppers": len(features),
            "k": segmenter.k_,
            "segments": [n.key for n in segmenter.names_],
        },
    )
