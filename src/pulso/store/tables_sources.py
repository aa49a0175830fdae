"""Connector state of configured sources: circuit breakers, cached responses, seen files.

The sources themselves (kind, config, schedule) live in ``data_source`` and every run in
``ingest_run`` (:mod:`pulso.store.tables`); these tables hold what a connector remembers
between runs, so that any worker can run any source.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pulso.store.tables import Base

__all__ = ["HttpCacheEntry", "SourceFile", "SourceState"]


class SourceState(Base):
    """A source's circuit breaker and last runs (one row per source, written after each run)."""

    __tablename__ = "source_state"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("data_source.id", ondelete="CASCADE"), primary_key=True
    )
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    breaker_opened_at: Mapped[datetime | None]
    last_run_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class HttpCacheEntry(Base):
    """A fetched page kept for conditional requests (ETag / Last-Modified); body zlib-compressed.

    A ``304 Not Modified`` reply re-uses the stored body, so an unchanged page still yields the
    day's observations without being downloaded again.
    """

    __tablename__ = "http_cache_entry"
    __table_args__ = (UniqueConstraint("source_id", "url_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("data_source.id", ondelete="CASCADE"))
    url_key: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    fetched_at: Mapped[datetime]


class SourceFile(Base):
    """A file a folder source has taken (by content digest), so each file is loaded once."""

    __tablename__ = "source_file"
    __table_args__ = (UniqueConstraint("source_id", "file_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("data_source.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id", ondelete="SET NULL"))
    seen_at: Mapped[datetime]
