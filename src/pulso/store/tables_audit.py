"""The audit log: who exported, erased, backed up or restored what, and when.

Rows are only ever added. ``actor`` is who asked (``cli:<os user>``, a dashboard user's email,
``api:<token id>``); ``target`` names what was touched without personal data in clear (a diner
is named by its keyed hash, a backup by its path); ``detail`` holds counts, never row content.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, String, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from pulso.store.tables import Base

__all__ = ["AuditLogEntry", "list_audit_entries", "record_audit"]


class AuditLogEntry(Base):
    """One audited action."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str | None] = mapped_column(String(512), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


def record_audit(
    connection: Connection,
    *,
    actor: str,
    action: str,
    target: str | None,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> int:
    """Add an entry inside the caller's transaction (so it commits with the action) and return its id."""
    result = connection.execute(
        insert(AuditLogEntry).values(
            occurred_at=now or datetime.now(UTC),
            actor=actor[:254],
            action=action,
            target=None if target is None else target[:512],
            detail=detail or {},
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def list_audit_entries(
    session: Session, *, action: str | None = None, limit: int = 100
) -> list[AuditLogEntry]:
    """The newest entries first, optionally of one ``action`` (``privacy.forget``...)."""
    statement = select(AuditLogEntry).order_by(AuditLogEntry.id.desc()).limit(limit)
    if action is not None:
        statement = statement.where(AuditLogEntry.action == action)
    return list(session.scalars(statement))
