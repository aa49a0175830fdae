"""Read queries of the recommender: training frames for the pipeline, serving rows for the API.

Training reads return DataFrames (one row per order line of a known diner, per rated dish,
per dish, per diner); serving reads return the rows of the recommender's insight tables for
the production model version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from pulso.store.tables import Diner, Dish, Feedback, ModelVersion, OrderLine, Restaurant
from pulso.store.tables import RestaurantOrder as Order
from pulso.store.tables_recsys import RecommenderDiner, RecommenderState

__all__ = [
    "RECOMMENDER_MODEL_NAME",
    "RecommenderVersion",
    "diner_embedding",
    "find_diner",
    "find_restaurant",
    "latest_recommender_version",
    "production_recommender",
    "read_diner_history",
    "read_diners",
    "read_dish_feedback_text",
    "read_dish_ratings",
    "read_dishes",
    "read_order_events",
    "recommender_state",
    "restaurant_dishes",
]

#: The ``model_version.name`` of the dish recommender.
RECOMMENDER_MODEL_NAME = "recommender"


def _frame(connection: Connection, statement: Any, columns: list[str]) -> pd.DataFrame:
    rows = connection.execute(statement).all()
    return pd.DataFrame([tuple(row) for row in rows], columns=columns)


def read_order_events(connection: Connection) -> pd.DataFrame:
    """Order lines of known diners: ``diner_id, dish_id, ordered_at, quantity, order_id``."""
    statement = (
        select(Order.diner_id, OrderLine.dish_id, Order.ordered_at, OrderLine.quantity, Order.id)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(Order.diner_id.is_not(None))
        .order_by(Order.id, OrderLine.dish_id)
    )
    return _frame(
        connection, statement, ["diner_id", "dish_id", "ordered_at", "quantity", "order_id"]
    )


def read_dish_ratings(connection: Connection) -> pd.DataFrame:
    """Rated feedback about a dish from a known diner: ``diner_id, dish_id, rating, created_at``."""
    statement = (
        select(Feedback.diner_id, Feedback.dish_id, Feedback.rating, Feedback.created_at)
        .where(
            Feedback.diner_id.is_not(None),
            Feedback.dish_id.is_not(None),
            Feedback.rating.is_not(None),
        )
        .order_by(Feedback.id)
    )
    return _frame(connection, statement, ["diner_id", "dish_id", "rating", "created_at"])


def read_dish_feedback_text(connection: Connection) -> pd.DataFrame:
    """Text of every feedback about a dish: ``dish_id, text``."""
    statement = (
        select(Feedback.dish_id, Feedback.text)
        .where(Feedback.dish_id.is_not(None))
        .order_by(Feedback.id)
    )
    return _frame(connection, statement, ["dish_id", "text"])


_DISH_COLUMNS = [
    "dish_id",
    "restaurant_id",
    "restaurant_kind",
    "name",
    "category",
    "price_pen",
    "ingredients",
    "tags",
    "description",
    "active",
]


def read_dishes(connection: Connection) -> pd.DataFrame:
    """Every dish with its restaurant's kind."""
    statement = (
        select(
            Dish.id,
            Dish.restaurant_id,
            Restaurant.kind,
            Dish.name,
            Dish.category,
            Dish.price_pen,
            Dish.ingredients,
            Dish.tags,
            Dish.description,
            Dish.active,
        )
        .join(Restaurant, Restaurant.id == Dish.restaurant_id)
        .order_by(Dish.id)
    )
    return _frame(connection, statement, _DISH_COLUMNS)


def read_diners(connection: Connection) -> pd.DataFrame:
    """Every diner: ``diner_id, diner_key, age_band, gender, district, diet``."""
    statement = select(
        Diner.id, Diner.diner_key, Diner.age_band, Diner.gender, Diner.district, Diner.diet
    ).order_by(Diner.id)
    return _frame(
        connection, statement, ["diner_id", "diner_key", "age_band", "gender", "district", "diet"]
    )


# --- serving -------------------------------------------------------------------------------


def production_recommender(session: Session) -> ModelVersion | None:
    """The newest recommender version in production, if one was trained."""
    return session.scalars(
        select(ModelVersion)
        .where(ModelVersion.name == RECOMMENDER_MODEL_NAME, ModelVersion.stage == "production")
        .order_by(ModelVersion.version.desc())
        .limit(1)
    ).first()


@dataclass(frozen=True, slots=True)
class RecommenderVersion:
    """The registry facts of one recommender version."""

    id: int
    version: int
    stage: str
    params: dict[str, Any]
    artifact_uri: str | None
    data_version: str | None


def latest_recommender_version(connection: Connection) -> RecommenderVersion | None:
    """The newest recommender version whatever its stage (the warm start of the next one)."""
    row = connection.execute(
        select(
            ModelVersion.id,
            ModelVersion.version,
            ModelVersion.stage,
            ModelVersion.params,
            ModelVersion.artifact_uri,
            ModelVersion.data_version,
        )
        .where(ModelVersion.name == RECOMMENDER_MODEL_NAME)
        .order_by(ModelVersion.version.desc())
        .limit(1)
    ).first()
    return RecommenderVersion(*row) if row else None


def recommender_state(session: Session, model_version_id: int) -> RecommenderState | None:
    """The serving index row of a version."""
    return session.scalars(
        select(RecommenderState).where(RecommenderState.model_version_id == model_version_id)
    ).first()


def diner_embedding(
    session: Session, model_version_id: int, diner_id: int
) -> RecommenderDiner | None:
    """One diner's vector, group and history in a version."""
    return session.scalars(
        select(RecommenderDiner).where(
            RecommenderDiner.model_version_id == model_version_id,
            RecommenderDiner.diner_id == diner_id,
        )
    ).first()


def find_restaurant(session: Session, restaurant_id: int) -> Restaurant | None:
    return session.get(Restaurant, restaurant_id)


def find_diner(session: Session, diner_key: str) -> Diner | None:
    """A diner by the keyed hash of its POS id."""
    return session.scalars(select(Diner).where(Diner.diner_key == diner_key)).first()


def restaurant_dishes(session: Session, restaurant_id: int) -> list[Dish]:
    """The active dishes of a restaurant's menu."""
    return list(
        session.scalars(
            select(Dish)
            .where(Dish.restaurant_id == restaurant_id, Dish.active.is_(True))
            .order_by(Dish.id)
        )
    )


def read_diner_history(session: Session, diner_id: int) -> list[tuple[int, int]]:
    """``(dish_id, orders)`` of one diner, most ordered first (for diners newer than the model)."""
    rows = session.execute(
        select(OrderLine.dish_id, OrderLine.order_id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.diner_id == diner_id)
    ).all()
    counts: dict[int, int] = {}
    for dish_id, _ in rows:
        counts[dish_id] = counts.get(dish_id, 0) + 1
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
