"""Auth tables: dashboard and API users, and their sessions and bearer tokens.

Passwords are stored only as argon2 hashes. Session cookies and bearer tokens are random
strings handed to the client once; the table keeps only their keyed hash (``token_hash``), so a
copy of the database does not let anyone log in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from pulso.store.tables import Base

__all__ = ["AuthSession", "User"]


class User(Base):
    """A person who may log in: ``role`` is ``admin``, ``analyst`` or ``viewer``."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]


class AuthSession(Base):
    """A browser session (``kind="session"``) or an API bearer token (``kind="token"``)."""

    __tablename__ = "auth_session"
    __table_args__ = (Index("ix_auth_session_user_kind", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
