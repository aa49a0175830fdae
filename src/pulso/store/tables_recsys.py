"""Recommender insight tables: what the API needs to serve a trained model version.

The ``train_recommender`` step writes one set of rows per ``model_version`` of the
``recommender`` model and keeps only the newest few versions (older ones stay on disk as
artifacts).

- :class:`RecommenderState`: the serving index of the whole catalogue (dish vectors, content
  vectors, neighbours, diner groups; :class:`pulso.recsys.serving.ServingIndex` as ``.npz``
  bytes), with the figures a dashboard shows;
- :class:`RecommenderDiner`: each known diner's MF vector (little-endian float32 bytes), diner
  group and liked dishes ``[[dish_id, weight], ...]``, read one row per request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, LargeBinary, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pulso.store.tables import Base

__all__ = ["RecommenderDiner", "RecommenderState"]


class RecommenderState(Base):
    """The serving index of one recommender version."""

    __tablename__ = "insight_recommender_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_version_id: Mapped[int] = mapped_column(
        ForeignKey("model_version.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime]
    dishes: Mapped[int] = mapped_column(Integer)
    diners: Mapped[int] = mapped_column(Integer)
    weights: Mapped[dict[str, Any]] = mapped_column(default=dict)
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class RecommenderDiner(Base):
    """A known diner in one recommender version: vector, group and liked dishes."""

    __tablename__ = "insight_recommender_diner"
    __table_args__ = (UniqueConstraint("model_version_id", "diner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_version_id: Mapped[int] = mapped_column(
        ForeignKey("model_version.id", ondelete="CASCADE")
    )
    diner_id: Mapped[int] = mapped_column(ForeignKey("diner.id"), index=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    group_index: Mapped[int] = mapped_column(Integer)
    history: Mapped[list[Any]] = mapped_column(default=list)
