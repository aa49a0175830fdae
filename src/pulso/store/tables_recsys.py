"""Recommender insight tables: what the API needs to serve a trained model version.

The ``train_recommender`` step writes one set of rows per ``model_version`` of the
``recommender`` model and keeps only the newest few versions. Vectors are little-endian
float32 bytes (``numpy.frombuffer(row.vector, "<f4")``).

- :class:`RecommenderState`: model-wide values (blend weight, diner-group centroids, the
  embeddings of diner feature tokens for cold-start diners);
- :class:`RecommenderDishEmbedding`: each dish's MF vector and bias, its content vector, how
  many diners ordered it in training and its popularity in each diner group;
- :class:`RecommenderDinerEmbedding`: each known diner's MF vector, group and liked dishes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, LargeBinary, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pulso.store.tables import Base

__all__ = ["RecommenderDinerEmbedding", "RecommenderDishEmbedding", "RecommenderState"]


class RecommenderState(Base):
    """Model-wide serving values of one recommender version."""

    __tablename__ = "insight_recommender_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_version_id: Mapped[int] = mapped_column(
        ForeignKey("model_version.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime]
    n_factors: Mapped[int] = mapped_column(Integer)
    content_dim: Mapped[int] = mapped_column(Integer)
    alpha: Mapped[float] = mapped_column(Float)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    group_centroids: Mapped[bytes] = mapped_column(LargeBinary)
    user_tokens: Mapped[list[Any]] = mapped_column(default=list)
    user_token_vectors: Mapped[bytes] = mapped_column(LargeBinary)


class RecommenderDishEmbedding(Base):
    """A dish as the model sees it: vectors, bias, training count and group popularity."""

    __tablename__ = "insight_recommender_dish"
    __table_args__ = (UniqueConstraint("model_version_id", "dish_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_version_id: Mapped[int] = mapped_column(
        ForeignKey("model_version.id", ondelete="CASCADE"), index=True
    )
    dish_id: Mapped[int] = mapped_column(ForeignKey("dish.id"), index=True)
    restaurant_id: Mapped[int] = mapped_column(ForeignKey("restaurant.id"))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    bias: Mapped[float] = mapped_column(Float)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    train_diners: Mapped[int] = mapped_column(Integer)
    group_popularity: Mapped[list[Any]] = mapped_column(default=list)


class RecommenderDinerEmbedding(Base):
    """A known diner: MF vector, diner group and liked dishes ``[[dish_id, weight], ...]``."""

    __tablename__ = "insight_recommender_diner"
    __table_args__ = (UniqueConstraint("model_version_id", "diner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_version_id: Mapped[int] = mapped_column(
        ForeignKey("model_version.id", ondelete="CASCADE"), index=True
    )
    diner_id: Mapped[int] = mapped_column(ForeignKey("diner.id"), index=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    group_index: Mapped[int] = mapped_column(Integer)
    history: Mapped[list[Any]] = mapped_column(default=list)
