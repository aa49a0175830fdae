"""Operations tables: pipeline step runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pulso.store.tables import Base

__all__ = ["PipelineRun"]


class PipelineRun(Base):
    """One execution of one pipeline step (and partition) within a pipeline run."""

    __tablename__ = "pipeline_run"
    __table_args__ = (Index("ix_pipeline_run_step_started", "step", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_key: Mapped[str] = mapped_column(String(64), index=True)
    step: Mapped[str] = mapped_column(String(80))
    partition: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    rows_written: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
